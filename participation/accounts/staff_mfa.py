"""Staff accounts use a second factor (settings.STAFF_REQUIRE_MFA).

The rule is on the *session*, not on the login form: whatever way a staff session came to be
(the allauth login, an ID-porten login, a session from before the setting was turned on), it
reaches nothing until it has passed a second factor. Without an authenticator app the person
is sent to set one up; with one, to enter its code. allauth's login already asks for the code
of anyone who has one; this closes every other way in, the WebSocket included.
"""

from __future__ import annotations

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from participation.accounts.permissions import is_staff_member

# What a staff member who has not passed the second factor may still open: proving it, logging
# out, the ways back in; and, only while they have no authenticator, setting one up. (Someone
# holding an old session of an account that has one must not swap it for their own.)
_ALWAYS_OPEN = {
    "account_logout",
    "account_login",
    "eid_login",
    "eid_callback",
    "mfa_authenticate",
    "mfa_reauthenticate",
    "healthz",
    "set_language",
    "javascript-catalog",
}
_OPEN_FOR_SETUP = {
    "account_reauthenticate",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
}


def session_passed_mfa(request) -> bool:
    """True when this session's login included a second factor (allauth records it)."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def needs_second_factor(request) -> bool:
    user = getattr(request, "user", None)
    return bool(
        settings.STAFF_REQUIRE_MFA
        and user is not None
        and user.is_authenticated
        and is_staff_member(user)
        and not session_passed_mfa(request)
    )


def _has_authenticator(user) -> bool:
    return is_mfa_enabled(user, [Authenticator.Type.TOTP])


def _is_open(path: str, *, setting_up: bool) -> bool:
    if path.startswith((settings.STATIC_URL, "/favicon")):
        return True
    try:
        name = resolve(path).url_name
    except Resolver404:
        return True  # a 404 shows nothing
    return name in _ALWAYS_OPEN or (setting_up and name in _OPEN_FOR_SETUP)


class StaffSecondFactorMiddleware:
    """After AuthenticationMiddleware and allauth's AccountMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if needs_second_factor(request):
            has_one = _has_authenticator(request.user)
            if not _is_open(request.path_info, setting_up=not has_one):
                return self._to_second_factor(request, has_one)
        return self.get_response(request)

    @staticmethod
    def _to_second_factor(request, has_authenticator: bool):
        query = urlencode({"next": request.get_full_path()})
        if has_authenticator:
            messages.info(
                request,
                _("Staff accounts need the code from your authenticator app. Enter it to go on."),
            )
            return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
        messages.warning(
            request,
            _(
                "Staff accounts must use a second step when logging in. Set up an "
                "authenticator app (such as Microsoft Authenticator or Google Authenticator) "
                "to go on."
            ),
        )
        return redirect("mfa_activate_totp")


class _ScopeRequest:
    """What get_authentication_records needs from a request, made from a WebSocket scope."""

    def __init__(self, scope):
        self.session = scope.get("session") or {}
        self.user = scope.get("user")


def _socket_user(scope):
    request = _ScopeRequest(scope)
    return AnonymousUser() if needs_second_factor(request) else scope.get("user")


class StaffSecondFactorSocketMiddleware:
    """Inside Channels' AuthMiddlewareStack: a staff session without its second factor is
    an anonymous reader on the WebSocket (public streams only, no moderation stream)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if settings.STAFF_REQUIRE_MFA and scope.get("user") is not None:
            scope = dict(scope, user=await database_sync_to_async(_socket_user)(scope))
        return await self.app(scope, receive, send)


def record_second_factor_on_setup(sender, request, user, authenticator, **kwargs):
    """Setting up the app proved its code in this session: count it as this session's second
    factor, so the person is not asked for another code right away."""
    from allauth.account.internal.flows.login import record_authentication

    if request is not None and getattr(request, "user", None) == user:
        record_authentication(request, user, "mfa", type=authenticator.type, id=authenticator.pk)
