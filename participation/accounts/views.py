from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect import views as oidc_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods
from requests import RequestException

from participation.accounts import operations
from participation.accounts.eid_logout import IDPortenOAuth2Adapter
from participation.accounts.eid_settings import IDPORTEN_PROVIDER_ID
from participation.accounts.forms import DeclareNameForm


def _provider_unavailable(request, exc):
    try:
        provider = get_social_adapter(request).get_provider(request, IDPORTEN_PROVIDER_ID)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    return render_authentication_error(request, provider, exception=exc)


def eid_login(request):
    """allauth's OpenID Connect login view, with an unreachable provider shown as a page.

    allauth fetches the provider's discovery document before its own error handling
    starts, so a provider that is down would otherwise be a server error.
    """
    try:
        return oidc_views.login(request, IDPORTEN_PROVIDER_ID)
    except RequestException as exc:
        return _provider_unavailable(request, exc)


def eid_callback(request):
    """allauth's callback view, likewise (it fetches discovery outside its try block), with
    an adapter that keeps the ID token for ending the ID-porten session at logout."""
    try:
        view = OAuth2CallbackView.adapter_view(IDPortenOAuth2Adapter(request, IDPORTEN_PROVIDER_ID))
        return view(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    except RequestException as exc:
        return _provider_unavailable(request, exc)


@require_http_methods(["GET", "HEAD", "POST"])
def staff_login(request, default_next: str = "/admin/"):
    """The Wagtail and Django admins' own login pages, replaced: they take no password and
    send staff to the one login that has the rate limits and the second factor.

    The admins send a logged-in person without access here too: they get a 403, not a loop
    through the login page (which sends a logged-in person straight back).
    """
    if request.user.is_authenticated:
        raise PermissionDenied
    next_url = _safe_next(request) or default_next
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


def too_many_attempts(request):
    """allauth's answer when an address passes a limit (participation.urls.handler429): when
    to try again, in the person's language, with the e-mail address they typed kept."""
    from datetime import timedelta
    from http import HTTPStatus

    from django.utils import timezone
    from django.utils.formats import time_format

    # Every allauth limit on an address is per minute (settings.ACCOUNT_RATE_LIMITS).
    retry_at = timezone.localtime(timezone.now() + timedelta(minutes=1))
    email = (request.POST.get("login") or request.POST.get("email") or "").strip()[:254]
    response = render(
        request,
        "account/too_many_attempts.html",
        {
            "retry_at": time_format(retry_at, "H:i"),
            "email": email,
            "next_url": _safe_next(request),
        },
        status=HTTPStatus.TOO_MANY_REQUESTS,
    )
    response["Retry-After"] = "60"
    return response


def _safe_next(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


@login_required
def declare_name(request):
    user = request.user
    next_url = _safe_next(request)
    if not operations.may_declare_name(user):
        return redirect(next_url or "profile")
    form = DeclareNameForm(request.POST or None, initial={"name": user.name})
    if request.method == "POST" and form.is_valid():
        operations.do_declare_name(user, form.cleaned_data["name"])
        return redirect(next_url or "profile")
    return render(request, "accounts/declare_name.html", {"form": form, "next_url": next_url})


@login_required
def profile(request):
    user = request.user
    context = {
        "emails": EmailAddress.objects.filter(user=user).order_by("-primary", "email"),
        "memberships": user.memberships.select_related("organisation").order_by(
            "organisation__name"
        ),
        "may_declare_name": operations.may_declare_name(user),
    }
    return render(request, "accounts/profile.html", context)


# ---------------------------------------------------------------- privacy: see, download, delete


@login_required
def privacy(request):
    """Everything the platform holds about the person, and the ways out."""
    from participation.accounts.privacy.export import account_rows, build_export, readable_sections

    data = build_export(request.user)
    context = {
        "account_rows": account_rows(request.user),
        "active_sessions": data["active_sessions"],
        "sections": readable_sections(data),
    }
    return render(request, "accounts/privacy.html", context)


@login_required
def privacy_download(request, fmt):
    """The person's own export; nobody else's can be asked for (there is no id in the URL)."""
    from django.http import HttpResponse
    from django.template.loader import render_to_string
    from django.utils import timezone

    from participation.accounts.privacy import export

    data = export.build_export(request.user)
    stamp = timezone.localdate().isoformat()
    if fmt == "json":
        response = HttpResponse(export.to_json(data), content_type="application/json")
    elif fmt == "pdf":
        response = HttpResponse(export.to_pdf(request.user, data), content_type="application/pdf")
    else:
        html = render_to_string(
            "accounts/privacy_export.html",
            {
                "account_rows": export.account_rows(request.user),
                "active_sessions": data["active_sessions"],
                "sections": export.readable_sections(data),
                "generated_at": data["generated_at"],
            },
            request=request,
        )
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="personvern-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def privacy_delete(request):
    from django.contrib import messages
    from django.contrib.auth import logout
    from django.utils.translation import gettext as _

    from participation.accounts.privacy.forms import DeleteAccountForm, logged_in_recently
    from participation.accounts.privacy.summary import deletion_summary

    user = request.user
    refused = ""
    try:
        operations.check_may_delete_account(user)
    except operations.AccountDeletionRefused as exc:
        refused = str(exc)
    needs_fresh_login = not user.has_usable_password() and not logged_in_recently(request)
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST" and not refused and not needs_fresh_login and form.is_valid():
        try:
            operations.do_delete_account(user)
        except operations.AccountDeletionRefused as exc:
            refused = str(exc)
        else:
            logout(request)
            messages.success(request, _("Your account is deleted. Thank you for taking part."))
            return redirect("wagtail_serve", "")
    context = {
        "form": form,
        "refused": refused,
        "needs_fresh_login": needs_fresh_login,
        "summary": deletion_summary(user),
    }
    return render(request, "accounts/privacy_delete.html", context)
