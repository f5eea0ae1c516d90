"""The one way to say something live: `emit()` inside the change's transaction."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from participation.live.models import Event
from participation.pagecache import bump_content_version


def emit(stream: str, type: str, payload: dict) -> Event:
    """Append to the event log now; broadcast to the stream's group once the change commits."""
    event = Event.objects.create(stream=stream, type=type, payload=payload)
    transaction.on_commit(lambda: broadcast(event))
    transaction.on_commit(bump_content_version)
    return event


def broadcast(event: Event) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(
        event.stream, {"type": "live.event", "event": event.as_message()}
    )


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
