"""Who may read which stream. A stream nobody registered is refused."""

import re
from collections.abc import Awaitable, Callable

from channels.db import database_sync_to_async

StreamAuthoriser = Callable[[object, str], bool]
_authorisers: dict[str, StreamAuthoriser] = {}


def register_stream(prefix: str, authoriser: StreamAuthoriser) -> None:
    """`authoriser(user, rest_of_name)` runs in a thread and may query the database."""
    _authorisers[prefix] = authoriser


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
