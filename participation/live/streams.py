"""Who may read which stream. A stream nobody registered is refused."""

from collections.abc import Awaitable, Callable

from channels.db import database_sync_to_async

StreamAuthoriser = Callable[[object, str], bool]
_authorisers: dict[str, StreamAuthoriser] = {}


def register_stream(prefix: str, authoriser: StreamAuthoriser) -> None:
    """`authoriser(user, rest_of_name)` runs in a thread and may query the database."""
    _authorisers[prefix] = authoriser


def authorise_stream(user, stream: str) -> Awaitable[bool]:
    prefix, _, rest = stream.partition("-")
    authoriser = _authorisers.get(prefix)

    def check() -> bool:
        return authoriser is not None and bool(authoriser(user, rest))

    return database_sync_to_async(check)()


register_stream("public", lambda user, rest: rest == "announcements")
