"""One WebSocket endpoint; a client subscribes to named streams it is allowed to read.

Messages from the client:
  {"type": "subscribe", "stream": "discussion-12", "last_id": 340}   last_id is optional
  ("last_event_id" is accepted as another name for it)
  {"type": "ping"}
Messages to the client: {"type": "subscribed" | "denied", "stream": ...}, {"type": "pong"},
{"type": "error", "reason": "malformed"}, and the events of the streams it subscribed to
(each with the event log's "id").

Limits per socket (`LIVE_LIMITS`): at most so many streams, and so many replays (and replayed
events) a minute; past them the answer is {"type": "denied", "stream", "reason": "too_many"} or
{"type": "error", "reason": "replay_limited", "stream"}. A privileged stream (moderation) is
authorised again, at most every `recheck_seconds`, before an event is delivered, against the
session and the user as they are now: a moderator who lost the role is told
{"type": "denied", "stream", "reason": "unauthorised"} and leaves the stream. Logging out
closes the session's sockets ({"type": "closed", "reason": "logged_out"}, code 4401).

When the channel layer (Redis) or the database fails, the socket is told
{"type": "paused"} and closed with 1013 (try again later) instead of dropping with 1006; the
client reconnects with backoff and is replayed what it missed by its last id.
"""

import contextlib
import json
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.db import DatabaseError

from participation import degraded
from participation.live.events import LAYER_FAILURES, events_since
from participation.live.streams import (
    authorise_stream,
    is_privileged,
    is_valid_stream_name,
    reauthorise,
    session_group,
)

REPLAY_PAGE = 500
CLOSE_UNAUTHORISED = 4401  # the application range of RFC 6455's close codes
_clock = time.monotonic  # replaced in tests, which never sleep
CLOSE_TRY_AGAIN_LATER = 1013  # RFC 6455 registry: the service is temporarily unavailable
PAUSED = {"type": "paused", "reason": "live updates are unavailable; reconnect later"}


class LiveConsumer(AsyncJsonWebsocketConsumer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.authorised_at: dict[str, float] = {}  # privileged stream -> last check
        self.session_group = ""
        self.replay_window = (0.0, 0, 0)  # (start, replays, events) in the current minute

    async def __call__(self, scope, receive, send):
        # The channel layer's receive loop, group_add and the replay all run under this call:
        # one place turns their failure into a polite close the client understands.
        self.streams: set[str] = set()
        self.accepted = False
        try:
            await super().__call__(scope, receive, send)
        except LAYER_FAILURES as exc:
            degraded.channel_layer.failed(exc)
            await self.pause(send)
        except DatabaseError:
            await self.pause(send)

    async def pause(self, send) -> None:
        await self.leave_groups()
        # The client may have gone already (the server then refuses to send): nothing to tell.
        with contextlib.suppress(OSError, RuntimeError):
            if not self.accepted:
                await send({"type": "websocket.accept"})
            await send({"type": "websocket.send", "text": json.dumps(PAUSED)})
            await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER})

    async def leave_groups(self) -> None:
        for stream in self.streams:
            # With Redis down the membership cannot be removed; it expires there by itself.
            with contextlib.suppress(*LAYER_FAILURES):
                await self.channel_layer.group_discard(stream, self.channel_name)
        self.streams = set()

    async def connect(self):
        await self.accept()
        self.accepted = True

    async def disconnect(self, code):
        await self.leave_groups()

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # A broken frame gets an answer; it must not take the connection down with a traceback.
        try:
            content = json.loads(text_data) if text_data else None
        except ValueError:
            content = None
        if not isinstance(content, dict):
            await self.send_json({"type": "error", "reason": "malformed"})
            return
        await self.receive_json(content, **kwargs)

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "subscribe":
            last_id = content.get("last_id", content.get("last_event_id"))
            await self.subscribe(str(content.get("stream", "")), last_id)
        elif content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def subscribe(self, stream: str, last_id) -> None:
        user = self.scope.get("user")
        if stream not in self.streams and self.stream_count() >= settings.LIVE_LIMITS["streams"]:
            await self.send_json({"type": "denied", "stream": stream, "reason": "too_many"})
            return
        if not is_valid_stream_name(stream) or not await authorise_stream(user, stream):
            await self.send_json({"type": "denied", "stream": stream})
            return
        self.authorised_at[stream] = _clock()
        await self.watch_session()
        # Join first, then replay: an event committed in between arrives twice rather than
        # never, and the client drops what it has already seen by id.
        self.streams.add(stream)
        await self.channel_layer.group_add(stream, self.channel_name)
        degraded.channel_layer.ok()
        await self.send_json({"type": "subscribed", "stream": stream})
        if isinstance(last_id, int) and not isinstance(last_id, bool) and last_id >= 0:
            # Page through the log: a client far behind gets everything, not just one page.
            first = True
            while True:
                if not self.may_replay(first):
                    await self.send_json(
                        {"type": "error", "reason": "replay_limited", "stream": stream}
                    )
                    return
                first = False
                missed = await database_sync_to_async(events_since)(stream, last_id, REPLAY_PAGE)
                self.count_replayed(len(missed))
                for event in missed:
                    await self.send_json(event)
                if len(missed) < REPLAY_PAGE:
                    break
                last_id = missed[-1]["id"]

    async def live_event(self, message):
        stream = message["event"].get("stream", "")
        if is_privileged(stream) and not await self.still_authorised(stream):
            await self.channel_layer.group_discard(stream, self.channel_name)
            self.streams.discard(stream)
            self.authorised_at.pop(stream, None)
            await self.send_json({"type": "denied", "stream": stream, "reason": "unauthorised"})
            return
        await self.send_json(message["event"])

    async def live_close(self, message):
        """The login session ended: nothing more on this socket."""
        await self.send_json({"type": "closed", "reason": "logged_out"})
        await self.close(code=CLOSE_UNAUTHORISED)

    # ------------------------------------------------------------ authorisation and limits

    def stream_count(self) -> int:
        # The session's group sits in `self.streams` so leaving on disconnect covers it.
        return len(self.streams - {self.session_group})

    async def watch_session(self) -> None:
        """Join the login session's group once, so logging out closes this socket."""
        key = getattr(self.scope.get("session"), "session_key", None)
        if key and not self.session_group:
            self.session_group = session_group(key)
            self.streams.add(self.session_group)
            await self.channel_layer.group_add(self.session_group, self.channel_name)

    async def still_authorised(self, stream: str) -> bool:
        """Ask again, at most every `recheck_seconds`, with the user loaded afresh."""
        now = _clock()
        last = self.authorised_at.get(stream, float("-inf"))
        if now - last < settings.LIVE_LIMITS["recheck_seconds"]:
            return True
        if not await reauthorise(self.scope, stream):
            return False
        self.authorised_at[stream] = now
        return True

    def may_replay(self, first: bool) -> bool:
        """Count a replay (`first`: its first page); False past the minute's replays or events."""
        limits = settings.LIVE_LIMITS
        start, replays, events = self.replay_window
        now = _clock()
        if now - start >= 60:
            start, replays, events = now, 0, 0
        replays += first
        self.replay_window = (start, replays, events)
        return (
            replays <= limits["replays_per_minute"]
            and events < limits["replayed_events_per_minute"]
        )

    def count_replayed(self, events: int) -> None:
        start, replays, sent = self.replay_window
        self.replay_window = (start, replays, sent + events)
