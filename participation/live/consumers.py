"""One WebSocket endpoint; a client subscribes to named streams it is allowed to read.

Messages from the client:
  {"type": "subscribe", "stream": "discussion-12", "last_id": 340}   last_id is optional
  ("last_event_id" is accepted as another name for it)
  {"type": "ping"}
Messages to the client: {"type": "subscribed" | "denied", "stream": ...}, {"type": "pong"},
{"type": "error", "reason": "malformed"}, and the events of the streams it subscribed to
(each with the event log's "id").
"""

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from participation.live.events import events_since
from participation.live.streams import authorise_stream, is_valid_stream_name

REPLAY_PAGE = 500


class LiveConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.streams: set[str] = set()
        await self.accept()

    async def disconnect(self, code):
        for stream in self.streams:
            await self.channel_layer.group_discard(stream, self.channel_name)

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
        if not is_valid_stream_name(stream) or not await authorise_stream(user, stream):
            await self.send_json({"type": "denied", "stream": stream})
            return
        # Join first, then replay: an event committed in between arrives twice rather than
        # never, and the client drops what it has already seen by id.
        self.streams.add(stream)
        await self.channel_layer.group_add(stream, self.channel_name)
        await self.send_json({"type": "subscribed", "stream": stream})
        if isinstance(last_id, int) and not isinstance(last_id, bool) and last_id >= 0:
            # Page through the log: a client far behind gets everything, not just one page.
            while True:
                missed = await database_sync_to_async(events_since)(stream, last_id, REPLAY_PAGE)
                for event in missed:
                    await self.send_json(event)
                if len(missed) < REPLAY_PAGE:
                    break
                last_id = missed[-1]["id"]

    async def live_event(self, message):
        await self.send_json(message["event"])
