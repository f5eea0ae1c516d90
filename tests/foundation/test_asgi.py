"""The real ASGI application: HTTP through Django, WebSockets through Channels.

These run on whichever channel layer settings choose: in memory by default, Redis when
REDIS_URL is set (as in CI). Each test is one coroutine run with `async_to_sync`: the
consumers' database work (`database_sync_to_async`) then runs on the test's own thread and
its database connection, and no async pytest plugin is needed.
"""

import uuid
from http import HTTPStatus

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels.testing import HttpCommunicator, WebsocketCommunicator
from django.conf import settings
from django.db import transaction

from participation.asgi import application
from participation.live.events import emit

ALLOWED_ORIGIN = b"http://localhost"


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keep_the_test_transaction(monkeypatch):
    """Channels closes stale database connections around each query, as Django does around a
    request; inside a test that would end the test's transaction. Django's test client turns
    the same clean-up off for requests."""
    monkeypatch.setattr("channels.db.close_old_connections", lambda: None)


@pytest.fixture(autouse=True)
def private_channel_layer(settings):
    """The configured layer with a prefix of its own, so parallel runs on one Redis never
    deliver each other's events."""
    layer = dict(settings.CHANNEL_LAYERS["default"])
    if "CONFIG" in layer:
        layer["CONFIG"] = {**layer["CONFIG"], "prefix": f"test-{uuid.uuid4().hex}"}
    settings.CHANNEL_LAYERS = {"default": layer}
    yield get_channel_layer()


def socket(origin=ALLOWED_ORIGIN):
    headers = [(b"origin", origin)] if origin is not None else []
    return WebsocketCommunicator(application, "/ws/live/", headers=headers)


async def close_layer():
    # A Redis layer keeps connections per event loop; each test's loop ends with it.
    layer = get_channel_layer()
    if hasattr(layer, "close_pools"):
        await layer.close_pools()


def run(scenario):
    async def wrapped():
        try:
            await scenario()
        finally:
            await close_layer()

    async_to_sync(wrapped)()


def test_the_tests_use_the_channel_layer_settings_choose():
    expected = "RedisChannelLayer" if settings.REDIS_URL else "InMemoryChannelLayer"
    assert type(get_channel_layer()).__name__ == expected


def test_a_socket_from_the_site_connects_and_subscribes_to_public_announcements():
    async def scenario():
        ws = socket()
        connected, _ = await ws.connect()
        assert connected
        await ws.send_json_to({"type": "subscribe", "stream": "public-announcements"})
        assert await ws.receive_json_from() == {
            "type": "subscribed",
            "stream": "public-announcements",
        }
        await ws.disconnect()

    run(scenario)


def test_a_socket_opened_by_a_foreign_site_is_refused():
    async def scenario():
        connected, _ = await socket(origin=b"http://evil.example").connect()
        assert not connected

    run(scenario)


def test_a_socket_without_an_origin_is_refused():
    async def scenario():
        connected, _ = await socket(origin=None).connect()
        assert not connected

    run(scenario)


def test_subscribing_to_an_unknown_stream_is_denied():
    async def scenario():
        ws = socket()
        connected, _ = await ws.connect()
        assert connected
        await ws.send_json_to({"type": "subscribe", "stream": "no-such-stream"})
        assert await ws.receive_json_from() == {"type": "denied", "stream": "no-such-stream"}
        await ws.disconnect()

    run(scenario)


def test_an_event_sent_to_a_stream_reaches_the_subscribed_socket_and_no_other():
    async def scenario():
        subscribed, bystander = socket(), socket()
        for ws in (subscribed, bystander):
            connected, _ = await ws.connect()
            assert connected
        await subscribed.send_json_to({"type": "subscribe", "stream": "public-announcements"})
        assert (await subscribed.receive_json_from())["type"] == "subscribed"

        event = {"id": 7, "type": "announcement", "text": "Høringsfristen er forlenget"}
        await get_channel_layer().group_send(
            "public-announcements", {"type": "live.event", "event": event}
        )

        assert await subscribed.receive_json_from(timeout=5) == event
        assert await bystander.receive_nothing(timeout=0.2)
        await subscribed.disconnect()
        await bystander.disconnect()

    run(scenario)


def test_a_socket_that_comes_back_is_replayed_what_it_missed_on_that_stream_only():
    with transaction.atomic():
        seen = emit("public-announcements", "announcement", {"text": "Sett før"})
    with transaction.atomic():
        emit("public-announcements", "announcement", {"text": "Gikk glipp av denne"})
        emit("discussion-1", "comment", {"text": "En annen strøm"})
        emit("public-announcements", "announcement", {"text": "Og denne"})

    async def scenario():
        ws = socket()
        await ws.connect()
        await ws.send_json_to(
            {"type": "subscribe", "stream": "public-announcements", "last_id": seen.id}
        )
        assert (await ws.receive_json_from())["type"] == "subscribed"
        replayed = [await ws.receive_json_from(), await ws.receive_json_from()]
        assert [e["text"] for e in replayed] == ["Gikk glipp av denne", "Og denne"]
        assert replayed[0]["id"] < replayed[1]["id"]
        assert await ws.receive_nothing(timeout=0.2)
        await ws.disconnect()

    run(scenario)


def test_a_malformed_frame_is_answered_and_the_socket_stays_open():
    async def scenario():
        ws = socket()
        await ws.connect()
        for frame in ("not json", "[1, 2]", '"subscribe"'):
            await ws.send_to(text_data=frame)
            assert await ws.receive_json_from() == {"type": "error", "reason": "malformed"}
        await ws.send_json_to({"type": "ping"})
        assert await ws.receive_json_from() == {"type": "pong"}
        await ws.disconnect()

    run(scenario)


def test_a_stream_name_no_channel_layer_accepts_is_denied():
    async def scenario():
        ws = socket()
        await ws.connect()
        for name in ("public-announcements!", "public-" + "a" * 120, ""):
            await ws.send_json_to({"type": "subscribe", "stream": name})
            assert await ws.receive_json_from() == {"type": "denied", "stream": name}
        await ws.disconnect()

    run(scenario)


def test_an_http_request_is_served_through_the_asgi_application():
    async def scenario():
        response = await HttpCommunicator(
            application, "GET", "/healthz", headers=[(b"host", b"localhost")]
        ).get_response()
        assert response["status"] == HTTPStatus.OK
        assert response["body"] == b"ok"

    run(scenario)
