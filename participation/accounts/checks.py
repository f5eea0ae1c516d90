"""System checks for the ID-porten configuration: a wrong value fails `manage.py check`."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register

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
