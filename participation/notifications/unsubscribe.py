"""One-click unsubscribe from any notification mail, without logging in (RFC 8058).

The link carries a signed token: the person's id and what to stop — one kind, one digest
(every kind now sent daily or weekly), or "all". GET only shows a button, because link
scanners and previews follow links; the POST (the button, or the mail program's own
"List-Unsubscribe=One-Click" request, which has no session and no CSRF token) stops it.
"""

from django.core import signing
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from participation.notifications.models import Frequency, NotificationKind

SALT = "participation.notifications.unsubscribe"
# A mail may sit in an inbox for a long time; the link should still work.
MAX_AGE_SECONDS = 400 * 24 * 60 * 60
ALL = "all"
DIGESTS = {
    f"digest-{Frequency.DAILY}": Frequency.DAILY,
    f"digest-{Frequency.WEEKLY}": Frequency.WEEKLY,
}


class BadToken(Exception):
    pass


def make_token(user_id: int, scope: str) -> str:
    return signing.dumps({"u": user_id, "s": str(scope)}, salt=SALT, compress=True)


def read_token(token: str):
    """(user, scope) from a token, or BadToken when it is forged, expired or stale."""
    from participation.accounts.models import User

    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature as exc:  # SignatureExpired is a BadSignature too
        raise BadToken from exc
    scope = data.get("s") if isinstance(data, dict) else None
    if scope not in {ALL, *DIGESTS, *NotificationKind.values}:
        raise BadToken
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None:
        raise BadToken
    return user, scope


def kinds_to_stop(user, scope: str) -> list[str]:
    from participation.notifications.operations import all_frequencies, kinds_for

    if scope == ALL:
        return kinds_for(user)
    if scope in DIGESTS:
        frequencies = all_frequencies(user)
        return [kind for kind in kinds_for(user) if frequencies[kind] == DIGESTS[scope]]
    # A kind the person can no longer choose (a politician no more) is not sent anyway.
    return [scope] if scope in kinds_for(user) else []


def describe(scope: str) -> str:
    if scope == ALL:
        return _("all e-mail notifications")
    if scope == f"digest-{Frequency.DAILY}":
        return _("the daily summary")
    if scope == f"digest-{Frequency.WEEKLY}":
        return _("the weekly summary")
    return NotificationKind(scope).label


@never_cache
@csrf_exempt  # RFC 8058: the mail program POSTs with no session and no token to check
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    from participation.notifications.delivery import settings_url
    from participation.notifications.operations import do_set_frequencies

    try:
        user, scope = read_token(token)
    except BadToken:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    context = {"what": describe(scope), "settings_url": settings_url()}
    if request.method == "GET":
        return render(request, "notifications/unsubscribe.html", context)
    kinds = kinds_to_stop(user, scope)
    do_set_frequencies(user, dict.fromkeys(kinds, Frequency.NEVER))
    return render(request, "notifications/unsubscribe_done.html", context)
