from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "participation.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from participation.accounts import checks, signal_handlers  # noqa: F401 (checks register)

        # Roles must exist in every database, the test database included.
        post_migrate.connect(
            signal_handlers.create_roles_after_migrate,
            dispatch_uid="accounts.create_roles_after_migrate",
        )
