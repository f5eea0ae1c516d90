"""How often a person, and an address, may post: comments, ideas, submissions, reports,
supports, signatures, initiatives and Open311 requests.

One check, `check_rate(request, action)`, counts in the Django cache through django-ratelimit
(fixed windows, atomic increments, so the limit holds across workers sharing Redis) against
`settings.RATE_LIMITS[action]`: a list of rates per person ("user") and per IP address ("ip").
Web views take it as the `limit_posts(action)` decorator, which answers a refused post with the
429 page that keeps what the person wrote; an API catches `RateLimited` itself.

A cache that fails (Redis down) must not take posting down with it: the check then lets the
post through and logs the outage once, until the cache answers again.
"""

import functools
import ipaddress
import logging
from datetime import timedelta
from http import HTTPStatus

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)

# Fields a person typed, shown again in the 429 page as text boxes under these labels; every
# other field of the post is carried along hidden so "Send again" sends the same thing.
TYPED_FIELDS = {
    "title": gettext_lazy("Title"),
    "body": gettext_lazy("Your text"),
    "text": gettext_lazy("Your text"),
    "summary": gettext_lazy("Summary"),
    "place_query": gettext_lazy("Place"),
    "free_tags": gettext_lazy("Tags"),
    "proposal": gettext_lazy("Proposal"),
    "justification": gettext_lazy("Justification"),
}
NEVER_CARRIED = {"csrfmiddlewaretoken"}


class RateLimited(Exception):
    """Too many posts of one kind in a short time; `retry_after` is in seconds."""

    def __init__(self, action: str, retry_after: int):
        super().__init__(f"rate limit for {action}")
        self.action = action
        self.retry_after = max(1, int(retry_after))

    @property
    def message(self) -> str:
        when = timezone.localtime(timezone.now() + timedelta(seconds=self.retry_after))
        return _(
            "You have sent many posts in a short time. To stop spam, everyone can post only "
            "so often. Try again after %(time)s."
        ) % {"time": time_format(when, "H:i")}


_cache_failing = False


def _client_address(group, request) -> str:
    """The IP address, or its /64 network for IPv6 (one household or phone has a whole /64).
    Behind the proxy this is the client's address: uvicorn runs with --proxy-headers."""
    raw = request.META.get("REMOTE_ADDR") or "unknown"
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def check_rate(request, action: str, *, user=None) -> None:
    """Count one post of `action` for the person (`user`, or the request's user when logged in)
    and for the request's IP address; raise `RateLimited` when any limit is passed."""
    global _cache_failing
    limits = settings.RATE_LIMITS[action]  # a KeyError here is a typo in the code, not load
    user = user if user is not None else getattr(request, "user", None)
    keys = {"ip": _client_address}
    if user is not None and user.is_authenticated:
        keys["user"] = lambda group, request, pk=user.pk: str(pk)
    limited, wait = False, 1
    try:
        for scope, key in keys.items():
            for rate in limits.get(scope, ()):
                usage = get_usage(
                    request, group=f"{action}:{scope}", key=key, rate=rate, increment=True
                )
                if usage and usage["should_limit"]:
                    limited, wait = True, max(wait, usage["time_left"])
    except Exception:
        # Fail open: a spam wave is a smaller harm than nobody being able to post.
        if not _cache_failing:
            logger.warning("Rate limits are off: the cache failed", exc_info=True)
        _cache_failing = True
        return
    if _cache_failing:
        logger.warning("Rate limits are on again: the cache answers")
        _cache_failing = False
    if limited:
        raise RateLimited(action, wait)


def kept_fields(request) -> tuple[list, list]:
    """What the person posted: (label, name, value) to show again, (name, value) to carry."""
    typed, hidden = [], []
    for name in request.POST:
        if name in NEVER_CARRIED:
            continue
        for value in request.POST.getlist(name):
            if name in TYPED_FIELDS:
                typed.append((TYPED_FIELDS[name], name, value))
            else:
                hidden.append((name, value))
    return typed, hidden


def respond_limited(request, error: RateLimited):
    """The 429 page: what happened, in the person's language, and what they wrote, in a form
    that sends it again to the same address."""
    typed, hidden = kept_fields(request)
    response = render(
        request,
        "errors/429.html",
        {
            "message": error.message,
            "typed": typed,
            "hidden": hidden,
            "had_files": bool(request.FILES),
            "action_url": request.get_full_path(),
        },
        status=HTTPStatus.TOO_MANY_REQUESTS,
    )
    response["Retry-After"] = str(error.retry_after)
    return response


def limit_posts(action: str, when=None):
    """Decorate a view: each POST (for which `when(request)` holds, if given) counts as one
    `action`; a refused one gets the 429 page instead of the view."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                if request.method == "POST" and (when is None or when(request)):
                    check_rate(request, action)
                return view(request, *args, **kwargs)
            except RateLimited as error:
                return respond_limited(request, error)

        return wrapped

    return decorator
