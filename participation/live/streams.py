"""Who may read which stream. A stream nobody registered is refused.

A privileged stream (the moderation queue: originals and pending posts) is authorised again
while the socket lives, against the session and the user as they are now in the database, so
a moderator who loses the role or whose session ends stops receiving it.
"""

import hashlib
import re
from collections.abc import Awaitable, Callable
from importlib import import_module
from types import SimpleNamespace

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib import auth

StreamAuthoriser = Callable[[object, str], bool]
_authorisers: dict[str, StreamAuthoriser] = {}
_privileged: set[str] = set()


def register_stream(prefix: str, authoriser: StreamAuthoriser, *, privileged=False) -> None:
    """`authoriser(user, rest_of_name)` runs in a thread and may query the database.
    `privileged`: recheck it while the socket lives (see `reauthorise`)."""
    _authorisers[prefix] = authoriser
    if privileged:
        _privileged.add(prefix)
    else:
        _privileged.discard(prefix)


def is_privileged(stream: str) -> bool:
    return stream.partition("-")[0] in _privileged


def session_group(session_key: str) -> str:
    """The group every socket of one login session joins, so logging out can close them.
    A hash: the session key itself must never travel through the channel layer."""
    return "session-" + hashlib.sha256(session_key.encode()).hexdigest()[:40]


def current_user(scope):
    """The socket's user as the session and the database say now: anonymous once the session
    has ended (logout, expiry, a password change) or the account is no longer active."""
    session = scope.get("session")
    key = getattr(session, "session_key", None)
    if not key:
        return auth.models.AnonymousUser()
    fresh = import_module(settings.SESSION_ENGINE).SessionStore(key)
    return auth.get_user(SimpleNamespace(session=fresh))


def reauthorise(scope, stream: str) -> Awaitable[bool]:
    """`authorise_stream` for the user loaded afresh from the socket's session."""
    prefix, _, rest = stream.partition("-")
    authoriser = _authorisers.get(prefix)

    def check() -> bool:
        return authoriser is not None and bool(authoriser(current_user(scope), rest))

    return database_sync_to_async(check)()


# What a channel layer accepts as a group name (Channels allows up to 100 characters).
_STREAM_NAME = re.compile(r"[A-Za-z0-9._-]{1,99}")


def is_valid_stream_name(stream: str) -> bool:
    return _STREAM_NAME.fullmatch(stream) is not None


def authorise_stream(user, stream: str) -> Awaitable[bool]:
    prefix, _, rest = stream.partition("-")
    authoriser = _authorisers.get(prefix)

    def check() -> bool:
        return authoriser is not None and bool(authoriser(user, rest))

    return database_sync_to_async(check)()


register_stream("public", lambda user, rest: rest == "announcements")
