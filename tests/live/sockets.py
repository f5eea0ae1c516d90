"""Sockets through the real ASGI application, as a given user."""

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from participation.asgi import application

ORIGIN = b"http://localhost"


def session_cookie(user) -> bytes:
    if user is None:
        return b""
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()


def socket_for(cookie: bytes = b""):
    headers = [(b"origin", ORIGIN)]
    if cookie:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, "/ws/live/", headers=headers)


async def subscribed(user, stream, **extra):
    """A connected socket and the server's answer to subscribing it to `stream`."""
    ws = socket_for(await database_sync_to_async(session_cookie)(user))
    connected, _ = await ws.connect()
    assert connected
    await ws.send_json_to({"type": "subscribe", "stream": stream, **extra})
    return ws, await ws.receive_json_from(timeout=5)


def run(scenario):
    async def wrapped():
        try:
            await scenario()
        finally:
            layer = get_channel_layer()
            if hasattr(layer, "close_pools"):
                await layer.close_pools()

    async_to_sync(wrapped)()
