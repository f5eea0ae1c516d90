"""Follow buttons and the page listing what a person follows and how often they hear of it."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from participation.accounts.permissions import is_politician
from participation.notifications import operations
from participation.notifications.links import hearing_url, live_plan_pages
from participation.notifications.models import Follow, Frequency, NotificationKind
from participation.notifications.politician_digest import digest_context, preview_digest


def _target(request, kind: str, pk: int):
    """The thing to follow, if the person may see it; anything else is a 404."""
    if kind == Follow.Kind.HEARING:
        from hearings.permissions import get_hearing_for_user

        return get_hearing_for_user(request.user, pk)
    if kind == Follow.Kind.IDEA:
        from ideabank.permissions import get_idea_for_user

        return get_idea_for_user(request.user, pk)
    if kind == Follow.Kind.TOPIC:
        from ideabank.models import Topic

        return get_object_or_404(Topic, pk=pk)
    if kind == Follow.Kind.AREA:
        from participation.geo.models import Area

        return get_object_or_404(Area, pk=pk)
    raise Http404


def _safe_next(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("follows:index")


FOLLOWED = {
    Follow.Kind.HEARING: lambda name: _("You follow the hearing “%(name)s”.") % {"name": name},
    Follow.Kind.IDEA: lambda name: _("You follow the idea “%(name)s”.") % {"name": name},
    Follow.Kind.TOPIC: lambda name: _("You follow the topic “%(name)s”.") % {"name": name},
    Follow.Kind.AREA: lambda name: _("You follow the area “%(name)s”.") % {"name": name},
}
UNFOLLOWED = {
    Follow.Kind.HEARING: lambda name: (
        _("You no longer follow the hearing “%(name)s”.") % {"name": name}
    ),
    Follow.Kind.IDEA: lambda name: _("You no longer follow the idea “%(name)s”.") % {"name": name},
    Follow.Kind.TOPIC: lambda name: (
        _("You no longer follow the topic “%(name)s”.") % {"name": name}
    ),
    Follow.Kind.AREA: lambda name: _("You no longer follow the area “%(name)s”.") % {"name": name},
}


def target_name(target) -> str:
    for attribute in ("public_title", "title", "name"):
        value = getattr(target, attribute, "")
        if value:
            return str(value)
    return str(target)


@require_http_methods(["GET", "HEAD", "POST"])
def follow(request, kind, pk):
    if request.method == "POST":
        return _follow_or_unfollow(request, kind, pk, unfollow=False)
    # A visitor who clicked "Log in to follow" lands here after logging in: one more click
    # (a GET never changes anything) follows what they chose, without finding it again.
    target = _target(request, kind, pk)
    if not request.user.is_authenticated:
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('account_login')}?{query}")
    if operations.is_following(request.user, target):
        messages.info(request, FOLLOWED[kind](target_name(target)))
        return redirect(_safe_next(request))
    return render(
        request,
        "notifications/follow_confirm.html",
        {"kind": kind, "target": target, "name": target_name(target), "next": _safe_next(request)},
    )


@require_POST
def unfollow(request, kind, pk):
    return _follow_or_unfollow(request, kind, pk, unfollow=True)


def _follow_or_unfollow(request, kind, pk, *, unfollow):
    target = _target(request, kind, pk)
    next_url = _safe_next(request)
    try:
        if unfollow:
            operations.do_unfollow(request.user, target)
            messages.success(request, UNFOLLOWED[kind](target_name(target)))
        else:
            operations.do_follow(request.user, target)
            messages.success(request, FOLLOWED[kind](target_name(target)))
    except operations.FollowLoginRequired as error:
        messages.info(request, error.message)
        return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
    return redirect(next_url)


class FrequencyForm(forms.Form):
    """One radio group per kind of notification the person may choose for."""

    def __init__(self, *args, kinds, initial_frequencies, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Frequency.choices)
        for kind in kinds:
            self.fields[kind] = forms.ChoiceField(
                label=NotificationKind(kind).label,
                choices=[(value, labels[value]) for value in operations.frequencies_allowed(kind)],
                widget=forms.RadioSelect,
                initial=initial_frequencies[kind],
            )


def _follows_by_kind(user) -> list[tuple[str, str, list]]:
    """The person's follows grouped by kind, each with `name` and `url`: four queries."""
    follows = list(
        Follow.objects.filter(user=user)
        .select_related("hearing", "idea", "topic", "area")
        .prefetch_related(live_plan_pages("hearing__plan_pages"))
    )
    ideas = reverse("ideabank:list")
    for follow in follows:
        target = follow.target
        follow.name = target_name(target)
        if follow.kind == Follow.Kind.HEARING:
            follow.url = hearing_url(target)
        elif follow.kind == Follow.Kind.IDEA:
            follow.url = reverse("ideabank:detail", args=[target.pk])
        else:
            follow.url = f"{ideas}?{urlencode({follow.kind: target.slug})}"
    headings = {
        Follow.Kind.HEARING: _("Hearings and plans"),
        Follow.Kind.IDEA: _("Ideas"),
        Follow.Kind.TOPIC: _("Topics"),
        Follow.Kind.AREA: _("Areas"),
    }
    return [
        (kind.value, headings[kind], [f for f in follows if f.kind == kind.value])
        for kind in Follow.Kind
    ]


@login_required
def index(request):
    user = request.user
    kinds = operations.kinds_for(user)
    form = FrequencyForm(
        request.POST or None,
        kinds=kinds,
        initial_frequencies=operations.all_frequencies(user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            operations.do_set_frequencies(user, form.cleaned_data)
        except operations.FollowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("follows:index")
    return render(
        request,
        "notifications/follows.html",
        {"groups": _follows_by_kind(user), "form": form, "is_politician": is_politician(user)},
    )


@login_required
def digest_preview(request):
    """The politician's digest for the last seven days, as the mail would show it, at any time:
    a new representative need not wait for Monday to see what it holds."""
    if not is_politician(request.user):
        raise Http404
    now = timezone.now()
    digest = preview_digest(request.user, now)
    context = digest_context(digest, get_language(), now, absolute=lambda path: path)
    # A rolling week up to today, where the mail covers whole days before the day it is sent.
    context["period_last_day"] = timezone.localdate(now)
    context["follows"] = digest.targets
    return render(request, "notifications/digest_preview.html", context)
