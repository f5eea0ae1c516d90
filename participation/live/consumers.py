"""One WebSocket endpoint; a client subscribes to named streams it is allowed to read."""

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from participation.live.streams import authorise_stream


class LiveConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.streams: set[str] = set()
        await self.accept()

    async def disconnect(self, code):
        for stream in self.streams:
            await self.channel_layer.group_discard(stream, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "subscribe":
            stream = str(content.get("stream", ""))[:100]
            user = self.scope.get("user")
            if not await authorise_stream(user, stream):
                await self.send_json({"type": "denied", "stream": stream})
                return
            self.streams.add(stream)
            await self.channel_layer.group_add(stream, self.channel_name)
            await self.send_json({"type": "subscribed", "stream": stream})
        elif content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def live_event(self, message):
        await self.send_json(message["event"])
