def create_roles_after_migrate(sender, **kwargs):
    from participation.accounts.roles import ensure_roles

    ensure_roles()
