"""`{% follow_button target %}`: a one-click form to follow or stop following a hearing, idea,
topic or area.

What the person follows is read once per request (one query for every button on the page) and
not at all for anonymous visitors, who get a link to log in instead. A view that already knows
passes `following=True/False` and the tag asks nothing.
"""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from participation.notifications.models import Follow
from participation.notifications.operations import target_kind

register = template.Library()

KINDS = [kind.value for kind in Follow.Kind]


def followed_ids(request) -> dict[str, set[int]]:
    """{kind: ids the person follows}, read once per request."""
    cached = getattr(request, "_followed_ids", None)
    if cached is None:
        cached = {kind: set() for kind in KINDS}
        rows = Follow.objects.filter(user=request.user).values_list(
            *(f"{kind}_id" for kind in KINDS)
        )
        for row in rows:
            for kind, pk in zip(KINDS, row, strict=True):
                if pk is not None:
                    cached[kind].add(pk)
        request._followed_ids = cached
    return cached


def _name(target) -> str:
    return str(getattr(target, "public_title", "") or getattr(target, "name", "") or target)


def _labels(kind: str, name: str) -> tuple[str, str]:
    """(follow, you follow) for the button and the text beside it."""
    if kind == Follow.Kind.HEARING:
        return _("Follow this hearing"), _("You follow this hearing.")
    if kind == Follow.Kind.IDEA:
        return _("Follow this idea"), _("You follow this idea.")
    if kind == Follow.Kind.TOPIC:
        return (
            _("Follow the topic “%(name)s”") % {"name": name},
            _("You follow the topic “%(name)s”.") % {"name": name},
        )
    return (
        _("Follow the area “%(name)s”") % {"name": name},
        _("You follow the area “%(name)s”.") % {"name": name},
    )


def _login_then_follow_url(kind: str, pk: int, back: str) -> str:
    """Log in, then land on the follow page for this target (one button), then back here."""
    follow_url = f"{reverse('follows:follow', args=[kind, pk])}?{urlencode({'next': back})}"
    return f"{reverse('account_login')}?{urlencode({'next': follow_url})}"


@register.inclusion_tag("notifications/_follow_button.html", takes_context=True)
def follow_button(context, target, following=None, next=None):
    request = context["request"]
    user = context.get("user") or getattr(request, "user", None)
    kind = target_kind(target)
    anchor = f"follow-{kind}-{target.pk}"
    here = next or request.get_full_path()
    authenticated = bool(user and user.is_authenticated)
    if authenticated and following is None:
        following = target.pk in followed_ids(request)[kind]
    name = _name(target)
    follow_label, following_text = _labels(kind, name)
    return {
        "authenticated": authenticated,
        "following": bool(following),
        "kind": kind,
        "target": target,
        "name": name,
        "anchor": anchor,
        "next": f"{here.split('#')[0]}#{anchor}",
        "login_url": _login_then_follow_url(kind, target.pk, f"{here.split('#')[0]}#{anchor}"),
        "follow_label": follow_label,
        "following_text": following_text,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def chosen_topic_and_area(context, filters):
    """{"topic": Topic|None, "area": Area|None} for the idea list's filters; a query each only
    when that filter is set, once per request (the page's head and body both ask)."""
    from ideabank.models import Topic
    from participation.geo.models import Area

    request = context["request"]
    cached = getattr(request, "_chosen_topic_and_area", None)
    if cached is None:
        filters = filters or {}
        topic, area = filters.get("topic"), filters.get("area")
        cached = {
            "topic": Topic.objects.filter(slug=topic).first() if topic else None,
            "area": Area.objects.filter(slug=area).first() if area else None,
        }
        request._chosen_topic_and_area = cached
    return cached
