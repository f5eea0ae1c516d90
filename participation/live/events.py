"""The one way to say something live: `emit()` inside the change's transaction."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from redis.exceptions import RedisError

from participation import degraded
from participation.live.models import Event
from participation.pagecache import bump_content_version

# What a channel layer that lost Redis raises (asyncio's timeout is the builtin TimeoutError).
LAYER_FAILURES = (RedisError, OSError, TimeoutError)


def emit(stream: str, type: str, payload: dict) -> Event:
    """Append to the event log now; broadcast to the stream's group once the change commits.

    The broadcast and the cache bump are best effort, after the commit: neither may fail the
    request (the change is stored), and a reader who missed the broadcast gets the event from
    the log when the socket comes back. What a change promises (mails, jobs) is queued inside
    the transaction instead.
    """
    event = Event.objects.create(stream=stream, type=type, payload=payload)
    transaction.on_commit(lambda: broadcast(event))
    transaction.on_commit(bump_content_version)
    return event


def broadcast(event: Event) -> None:
    """Send to the stream's group; with the channel layer down, log it once and go on."""
    layer = get_channel_layer()
    if layer is None or degraded.channel_layer.skip():
        return
    try:
        async_to_sync(layer.group_send)(
            event.stream, {"type": "live.event", "event": event.as_message()}
        )
    except LAYER_FAILURES as exc:
        degraded.channel_layer.failed(exc)
    else:
        degraded.channel_layer.ok()


def events_since(stream: str, last_id: int, limit: int = 500) -> list[dict]:
    """What a reconnecting client missed, oldest first."""
    return [
        e.as_message()
        for e in Event.objects.filter(stream=stream, id__gt=last_id).order_by("id")[:limit]
    ]


def last_event_id(stream: str) -> int:
    """The newest event on a stream: a page rendered now has seen everything up to it."""
    return (
        Event.objects.filter(stream=stream).order_by("-id").values_list("id", flat=True).first()
        or 0
    )
