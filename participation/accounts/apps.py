from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "participation.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from allauth.account.signals import password_reset, user_logged_in
        from allauth.mfa.signals import authenticator_added

        from participation.accounts import checks, signal_handlers  # noqa: F401 (checks register)
        from participation.accounts.eid_logout import remember_login
        from participation.accounts.login_limits import forget_after_password_reset
        from participation.accounts.staff_mfa import record_second_factor_on_setup

        authenticator_added.connect(
            record_second_factor_on_setup, dispatch_uid="accounts.record_second_factor"
        )
        user_logged_in.connect(remember_login, dispatch_uid="accounts.eid_logout_hint")
        password_reset.connect(forget_after_password_reset, dispatch_uid="accounts.login_pauses")

        # Roles must exist in every database, the test database included.
        post_migrate.connect(
            signal_handlers.create_roles_after_migrate,
            dispatch_uid="accounts.create_roles_after_migrate",
        )
