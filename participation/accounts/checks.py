"""System checks for the ID-porten configuration: a wrong value fails `manage.py check`."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning, register

from participation.accounts.eid import ACR_LEVELS


@register(deploy=False)
def check_idporten_settings(app_configs=None, **kwargs):
    errors = []
    if settings.IDPORTEN_ACR_VALUES.strip() not in ACR_LEVELS:
        errors.append(
            Error(
                f"IDPORTEN_ACR_VALUES must be one of {', '.join(ACR_LEVELS)}.",
                id="accounts.E001",
            )
        )
    if settings.IDPORTEN_SERVER_URL:
        if not settings.IDPORTEN_CLIENT_ID:
            errors.append(
                Error(
                    "IDPORTEN_SERVER_URL is set but IDPORTEN_CLIENT_ID is not.", id="accounts.E002"
                )
            )
        if settings.PRODUCTION and urlsplit(settings.IDPORTEN_SERVER_URL).scheme != "https":
            errors.append(Error("IDPORTEN_SERVER_URL must use https.", id="accounts.E003"))
    return errors


@register(deploy=True)
def check_staff_second_factor(app_configs=None, **kwargs):
    """`check --deploy` names a production site whose staff log in with a password alone."""
    if settings.PRODUCTION and not settings.STAFF_REQUIRE_MFA:
        return [
            Warning(
                "STAFF_REQUIRE_MFA is off: staff reach the admin with a password alone.",
                hint="Unset it (on by default in production) unless another factor guards "
                "every staff login.",
                id="accounts.W001",
            )
        ]
    return []
