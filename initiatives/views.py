"""Thin views: parse, call operations, render. Everything works without JavaScript."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from initiatives import operations
from initiatives.forms import InitiativeForm
from initiatives.models import Status
from initiatives.permissions import (
    can_handle,
    can_see_original,
    can_sign,
    can_withdraw_initiative,
    get_initiative_for_user,
)
from participation.contributions.operations import ContributionError
from participation.ratelimit import limit_posts

DRAFT_KEY = "initiative-draft"
LIST_LIMIT = 100
EID_LEVEL = "substantial"


def _login_url(next_url: str) -> str:
    """The login page, asking for ID-porten: initiatives need an eID."""
    return f"{reverse('account_login')}?{urlencode({'next': next_url, 'level': EID_LEVEL})}"


@require_GET
def initiative_list(request):
    listed = operations.listed_initiatives().order_by("-published_at", "-pk")
    sections = [
        (Status.COLLECTING, _("Collecting signatures")),
        (Status.READY, _("Sent to the council")),
        (Status.DECIDED, _("Decided by the council")),
    ]
    groups = [
        {"status": status, "title": title, "items": list(listed.filter(status=status)[:LIST_LIMIT])}
        for status, title in sections
    ]
    return render(
        request,
        "initiatives/list.html",
        {"groups": groups, "threshold": operations.signature_threshold()},
    )


@require_GET
def detail(request, pk):
    initiative = get_initiative_for_user(request.user, pk)
    user = request.user
    threshold = operations.signature_threshold()
    signed = operations.has_signed(user, initiative)
    return render(
        request,
        "initiatives/detail.html",
        {
            "initiative": initiative,
            "Status": Status,
            "threshold": threshold,
            "progress": min(initiative.signature_count, threshold),
            "signed": signed,
            "can_sign": can_sign(user, initiative) and not signed,
            "collecting": initiative.is_public
            and initiative.status == Status.COLLECTING
            and not initiative.collection_over(),
            "needs_eid": user.is_authenticated and not (user.is_eid_verified and user.pid_hash),
            "can_withdraw": can_withdraw_initiative(user, initiative),
            "show_original": can_see_original(user, initiative) and not initiative.is_public,
            "can_handle": can_handle(user),
            "login_url": _login_url(request.get_full_path()),
            "eid_level": EID_LEVEL,
        },
    )


@require_POST
@limit_posts("signature")
def sign(request, pk):
    initiative = get_initiative_for_user(request.user, pk)
    target = f"{reverse('initiatives:detail', args=[pk])}#sign"
    try:
        if request.POST.get("action") == "withdraw":
            if operations.do_withdraw_signature(request.user, initiative):
                messages.success(request, _("Your signature is withdrawn."))
            else:
                messages.info(request, _("You had not signed this initiative."))
        elif operations.do_sign(request.user, initiative):
            messages.success(request, _("Thank you. Your signature is registered."))
        else:
            messages.info(request, _("You have already signed this initiative."))
    except operations.LoginRequired:
        messages.info(request, _("Log in with ID-porten to sign the initiative."))
        return redirect(_login_url(reverse("initiatives:detail", args=[pk])))
    except ContributionError as error:
        messages.error(request, error.message)
    return redirect(target)


@require_POST
def withdraw(request, pk):
    initiative = get_initiative_for_user(request.user, pk)
    try:
        operations.do_withdraw_initiative(request.user, initiative)
    except ContributionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The initiative is withdrawn."))
    return redirect("initiatives:detail", pk=pk)


@require_http_methods(["GET", "POST"])
@limit_posts("initiative")
def start(request):
    if request.method == "GET":
        form = InitiativeForm(initial=request.session.get(DRAFT_KEY) or None)
        return _render_start(request, form)
    form = InitiativeForm(request.POST)
    if not form.is_valid():
        return _render_start(request, form)
    data = form.cleaned_data
    try:
        initiative, _created = operations.do_start(
            request.user,
            title=data["title"],
            proposal=data["proposal"],
            justification=data["justification"],
            idempotency_key=data["idempotency_key"],
        )
    except (operations.LoginRequired, operations.EidRequired) as error:
        # Kept in the session through the ID-porten round trip.
        request.session[DRAFT_KEY] = {k: data[k] for k in form.fields}
        messages.info(request, error.message)
        if request.user.is_authenticated:
            return redirect("initiatives:start")
        return redirect(_login_url(reverse("initiatives:start")))
    except ContributionError as error:
        form.add_error(None, error.message)
        return _render_start(request, form)
    request.session.pop(DRAFT_KEY, None)
    messages.success(
        request,
        _(
            "Thank you. A moderator will read your initiative; it can be signed once it is "
            "published. You get an e-mail."
        ),
    )
    return redirect("initiatives:detail", pk=initiative.pk)


def _render_start(request, form):
    user = request.user
    return render(
        request,
        "initiatives/start.html",
        {
            "form": form,
            "needs_eid": user.is_authenticated and not (user.is_eid_verified and user.pid_hash),
            "login_url": _login_url(request.get_full_path()),
            "eid_level": EID_LEVEL,
            "threshold": operations.signature_threshold(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
