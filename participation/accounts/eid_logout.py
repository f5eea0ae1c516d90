"""Logging out of the site also ends the ID-porten session (OpenID Connect RP-Initiated Logout).

ID-porten's logout endpoint wants the login's ID token back as `id_token_hint`. That token
carries the national identity number, so it is kept only encrypted (Fernet, a key derived
from SECRET_KEY) in the person's session, from the callback until logout, and never logged.
An e-mail login keeps no token, and its logout stays on the site.
"""

from __future__ import annotations

import base64
import logging

from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.http import urlencode
from requests import RequestException

from participation.accounts.eid_settings import IDPORTEN_PROVIDER_ID

logger = logging.getLogger(__name__)

SESSION_KEY = "eid_logout_hint"
_SALT = "participation.accounts.eid_logout"


def _fernet() -> Fernet:
    key = salted_hmac(_SALT, "id_token_hint", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(key))


class IDPortenOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    """allauth's OpenID Connect adapter, keeping the raw ID token for the logout."""

    def complete_login(self, request, app, token, **kwargs):
        sociallogin = super().complete_login(request, app, token, **kwargs)
        id_token = (kwargs.get("response") or {}).get("id_token")
        if isinstance(id_token, str) and id_token:
            sealed = _fernet().encrypt(id_token.encode()).decode()
            # Read by remember_login in this request, or kept here when the login goes on
            # in a later request (a staff member's second factor).
            request._eid_logout_hint = sealed
            request.session[SESSION_KEY] = sealed
        return sociallogin


def remember_login(sender, request, user, sociallogin=None, **kwargs):
    """On every login: an ID-porten login keeps its hint, any other login drops an old one."""
    if sociallogin is not None and sociallogin.account.provider == IDPORTEN_PROVIDER_ID:
        sealed = getattr(request, "_eid_logout_hint", None)
        if sealed:
            request.session[SESSION_KEY] = sealed
    else:
        request.session.pop(SESSION_KEY, None)


def end_session_url(request) -> str | None:
    """Where to send the browser to end the ID-porten session, or None for a local logout."""
    sealed = request.session.get(SESSION_KEY)
    if not sealed:
        return None
    try:
        id_token = _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None  # SECRET_KEY changed since the login: the site logout still happens
    try:
        adapter = OpenIDConnectOAuth2Adapter(request, IDPORTEN_PROVIDER_ID)
        endpoint = adapter.openid_config.get("end_session_endpoint")
    except (RequestException, ValueError, SocialApp.DoesNotExist):
        logger.warning("ID-porten logout skipped: the provider's metadata could not be read")
        return None
    if not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            # Registered with ID-porten as the integration's post-logout redirect URI.
            "post_logout_redirect_uri": f"{settings.SITE_URL}/",
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
