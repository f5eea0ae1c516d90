"""How many wrong passwords a login takes before it pauses, and for whom.

allauth's own `login_failed` limit counts per address and per account across the whole
internet: a stranger's five wrong guesses lock a planner out for five minutes wherever they
are, and a town hall behind one address shares ten failures a minute. Instead, only wrong
passwords count (a successful login costs nothing), each against three counters in
ACCOUNT_RATE_LIMITS, through allauth's rate limit helper (the Django cache):

- `login_failed_account_address`: one account from one address -- tight;
- `login_failed_address`: any accounts from one address -- a generous ceiling for a room of
  people, still a stop for someone trying many accounts;
- `login_failed_account`: one account from anywhere -- loose, and skipped for a browser that
  has logged into that account before (a signed "known browser" cookie), so guesses from
  many addresses cannot lock the owner out of their usual browser.
"""

from __future__ import annotations

from datetime import timedelta

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import time_format
from django.utils.translation import gettext as _

KNOWN_BROWSER_COOKIE = "mv_known_login"
_KNOWN_SALT = "participation.accounts.known-login"
_KNOWN_MAX = 5
_KNOWN_DAYS = 180


class LoginPaused(Exception):
    """Logging in to this account from here is paused until `until`."""

    def __init__(self, until):
        super().__init__("login paused")
        self.until = until

    @property
    def message(self) -> str:
        return _(
            "Too many wrong passwords for this e-mail address have been tried from here. "
            "To protect the account, logging in to it from here is paused until %(time)s. "
            "Try again then, log in with ID-porten, or reset your password."
        ) % {"time": time_format(timezone.localtime(self.until), "H:i")}


def _login_name(credentials: dict) -> str:
    return (credentials.get("email") or credentials.get("username") or "").strip().lower()


def _fingerprint(login: str) -> str:
    return salted_hmac(_KNOWN_SALT, login).hexdigest()[:20]


def _known_logins(request) -> list[str]:
    try:
        value = signing.loads(
            request.COOKIES.get(KNOWN_BROWSER_COOKIE, ""),
            salt=_KNOWN_SALT,
            max_age=timedelta(days=_KNOWN_DAYS),
        )
    except signing.BadSignature:
        return []
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _counters(request, login: str) -> list[tuple[str, str]]:
    """(action, key) for each counter this attempt is held against."""
    address = get_adapter().get_client_ip(request)
    counters = [
        ("login_failed_account_address", f"{address}|{login}"),
        # allauth counts "ip" rates by the address itself; the key is only a placeholder.
        # Two actions, one window each, so a pause names the right time to come back.
        ("login_failed_address", "address"),
        ("login_failed_address_hourly", "address"),
    ]
    if _fingerprint(login) not in _known_logins(request):
        counters.append(("login_failed_account", login))
    return counters


def _window_seconds(action: str) -> int:
    """The longest window among the action's rates: when a refused attempt may come back."""
    seconds = 0
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    for rate in (settings.ACCOUNT_RATE_LIMITS.get(action) or "").split(","):
        parts = rate.strip().split("/")
        if len(parts) >= 2 and parts[1]:
            amount, unit = parts[1][:-1], parts[1][-1]
            seconds = max(seconds, int(float(amount or 1) * units.get(unit, 60)))
    return seconds or 60


def check_login_allowed(request, credentials: dict) -> None:
    """Raise LoginPaused when a counter for this login is full; counts nothing itself."""
    login = _login_name(credentials)
    for action, key in _counters(request, login):
        if not ratelimit.consume(request, action=action, key=key, dry_run=True):
            raise LoginPaused(until=timezone.now() + timedelta(seconds=_window_seconds(action)))


def record_failed_login(request, credentials: dict) -> None:
    login = _login_name(credentials)
    for action, key in _counters(request, login):
        ratelimit.consume(request, action=action, key=key)


def forget_failed_logins(request, credentials: dict) -> None:
    """A right password from here: this address's wrong guesses at it no longer count."""
    address = get_adapter().get_client_ip(request)
    ratelimit.clear(
        request,
        action="login_failed_account_address",
        key=f"{address}|{_login_name(credentials)}",
    )


def remember_browser(request, response, user) -> None:
    """Mark this browser as one `user` has logged in from (see `login_failed_account`)."""
    email = (user.email or "").strip().lower()
    if not email or response is None:
        return
    known = [f for f in _known_logins(request) if f != _fingerprint(email)]
    known = [_fingerprint(email), *known][:_KNOWN_MAX]
    response.set_cookie(
        KNOWN_BROWSER_COOKIE,
        signing.dumps(known, salt=_KNOWN_SALT),
        max_age=_KNOWN_DAYS * 86400,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def forget_after_password_reset(sender, request, user, **kwargs):
    """A password reset (proof of the mailbox, rate limited itself) lifts the pauses on the
    account: from this address, and for the account everywhere."""
    from allauth.account.models import EmailAddress

    addresses = EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    emails = {e.lower() for e in addresses}
    emails.add((user.email or "").lower())
    address = get_adapter().get_client_ip(request)
    for email in filter(None, emails):
        ratelimit.clear(request, action="login_failed_account_address", key=f"{address}|{email}")
        ratelimit.clear(request, action="login_failed_account", key=email)
