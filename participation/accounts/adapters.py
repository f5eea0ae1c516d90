"""allauth adapters: local e-mail accounts and the ID-porten login."""

from __future__ import annotations

import logging
import uuid
from http import HTTPStatus

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.base import AuthError, AuthProcess
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from requests import RequestException

from participation.accounts import eid_logout, login_limits, operations
from participation.accounts.eid import (
    EidLoginRefused,
    IDPortenProvider,
    RefusalReason,
    is_idporten,
    minimum_level,
)
from participation.accounts.models import AssuranceLevel, User

logger = logging.getLogger(__name__)


def user_display(user) -> str:
    """settings.ACCOUNT_USER_DISPLAY: the name people see, never the internal username."""
    return user.display_name


class AccountAdapter(DefaultAccountAdapter):
    def populate_username(self, request, user):
        # The username column only serves Django's admin; allauth logs in by e-mail.
        if user.username:
            return
        email = (user.email or "").lower()
        if email and not User.objects.filter(username=email).exists():
            user.username = email
        else:
            user.username = f"user-{uuid.uuid4().hex}"

    # Wrong passwords are counted per account and address (see login_limits), not by allauth's
    # per-account `login_failed`, which lets a stranger lock anyone out from anywhere.
    def pre_authenticate(self, request, **credentials):
        try:
            login_limits.check_login_allowed(request, credentials)
        except login_limits.LoginPaused as paused:
            raise ValidationError(paused.message, code="too_many_login_attempts") from None

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            login_limits.forget_failed_logins(request, credentials)
        return user

    def authentication_failed(self, request, **credentials):
        login_limits.record_failed_login(request, credentials)

    def get_logout_redirect_url(self, request):
        # Someone who logged in with ID-porten is logged out there too (single sign-out).
        return eid_logout.end_session_url(request) or super().get_logout_redirect_url(request)

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        login_limits.remember_browser(request, response, user)
        # Someone who has no name to publish yet (ID-porten sends none, e-mail sign-up asks
        # for none) declares one first, then goes on to where the login was heading.
        if operations.needs_name(user) and isinstance(response, HttpResponseRedirect):
            query = urlencode({"next": response.url})
            return HttpResponseRedirect(f"{reverse('declare_name')}?{query}")
        return response


# Why an eID login failed -> the HTTP status of the page that says so
# (templates/socialaccount/authentication_error.html).
_ERROR_STATUS = {
    "cancelled": HTTPStatus.OK,
    "state": HTTPStatus.BAD_REQUEST,
    "unavailable": HTTPStatus.SERVICE_UNAVAILABLE,
    "assurance": HTTPStatus.FORBIDDEN,
    "conflict": HTTPStatus.FORBIDDEN,
    "identity": HTTPStatus.UNAUTHORIZED,
    "failed": HTTPStatus.UNAUTHORIZED,
}


def _error_reason(request, error, exception, extra_context) -> str:
    if error == AuthError.CANCELLED or request.GET.get("error") == "access_denied":
        # A cancel at ID-porten: also when the answer carries no `state` (or one we no longer
        # have), which allauth reports as a missing state before it looks at `error`.
        return "cancelled"
    if isinstance(exception, EidLoginRefused):
        return str(exception.reason)
    if isinstance(exception, RequestException):
        return "unavailable"
    if exception is None and "state" not in extra_context:
        # allauth found no stashed state for the `state` parameter: tampered, replayed,
        # expired, or the login was started in another browser.
        return "state"
    return "failed"


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_provider(self, request, provider, client_id=None):
        found = super().get_provider(request, provider, client_id=client_id)
        return self._specialise(request, found)

    def list_providers(self, request):
        return [self._specialise(request, p) for p in super().list_providers(request)]

    @staticmethod
    def _specialise(request, provider):
        if is_idporten(provider) and not isinstance(provider, IDPortenProvider):
            return IDPortenProvider(request, app=provider.app)
        return provider

    def pre_social_login(self, request, sociallogin):
        identity = getattr(sociallogin, "eid_identity", None)
        if identity is None:
            return
        # Tokens may carry the identity number; SOCIALACCOUNT_STORE_TOKENS is off, and
        # dropping it here also keeps it out of a session should allauth serialise the login.
        sociallogin.token = None
        required = sociallogin.state.get("required_level") or minimum_level()
        operations.check_eid_assurance(identity, required)
        owner = operations.user_for_identity(identity)
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            # A logged-in (e-mail) account adds its owner's eID.
            if not request.user.is_authenticated:
                return  # allauth's connect flow refuses this itself
            if owner is not None and owner.pk != request.user.pk:
                raise EidLoginRefused(RefusalReason.CONFLICT)
            operations.do_record_eid_login(request.user, identity)
        elif sociallogin.is_existing:
            if owner is not None and owner.pk != sociallogin.user.pk:
                raise EidLoginRefused(RefusalReason.CONFLICT)
            operations.do_record_eid_login(sociallogin.user, identity)
        elif owner is not None:
            # Same person, another `sub` (ID-porten's sub is pairwise and may change with
            # the client): attach this SocialAccount to the account they already have.
            sociallogin.connect(request, owner)
            operations.do_record_eid_login(owner, identity)
        else:
            # A new account: saved by allauth's auto sign-up right after this.
            operations.apply_eid_identity(sociallogin.user, identity)

    def save_user(self, request, sociallogin, form=None):
        identity = getattr(sociallogin, "eid_identity", None)
        if identity is None:
            return super().save_user(request, sociallogin, form)
        try:
            # A savepoint: on PostgreSQL the failed INSERT must not poison the transaction.
            with transaction.atomic():
                return super().save_user(request, sociallogin, form)
        except IntegrityError:
            # The same person's other first login (a second tab, a double click) created the
            # account between our lookup and this insert: this login lands in that account.
            owner = operations.user_for_identity(identity)
            if owner is None:
                raise
        account = sociallogin.account
        existing = SocialAccount.objects.filter(provider=account.provider, uid=account.uid).first()
        if existing is None:
            sociallogin.connect(request, owner)
        else:
            sociallogin.account, sociallogin.user = existing, owner
        operations.do_record_eid_login(owner, identity)
        return owner

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        extra_context = extra_context or {}
        reason = _error_reason(request, error, exception, extra_context)
        # Never the exception's text or the claims: only what kind of failure it was.
        logger.warning(
            "eID login failed: %s (%s)",
            reason,
            type(exception).__name__ if exception else error,
        )
        state = extra_context.get("state") or {}
        required = getattr(exception, "required_level", None) or state.get("required_level")
        used = getattr(exception, "used_level", None)
        context = {
            "reason": reason,
            "provider": provider,
            "next_url": state.get("next", ""),
            "retry_acr": required if required and required != minimum_level() else "",
            # A logged-in person whose step-up was refused stays logged in at their level.
            "step_up": reason == "assurance" and request.user.is_authenticated,
            "used_level": AssuranceLevel(used).label if used else "",
            "required_level": AssuranceLevel(required).label if required else "",
        }
        raise ImmediateHttpResponse(
            render(
                request,
                "socialaccount/authentication_error.html",
                context,
                status=_ERROR_STATUS[reason],
            )
        )
