"""A live socket whose channel layer fails is told so and closed politely, not dropped (1006);
a broadcast that fails never fails the change that caused it."""

import logging

import pytest
from channels.layers import InMemoryChannelLayer
from redis.exceptions import ConnectionError as RedisConnectionError

from participation import degraded
from participation.live.consumers import CLOSE_TRY_AGAIN_LATER
from tests.live.sockets import run, session_cookie, socket_for, subscribed

pytestmark = pytest.mark.django_db

LAYER = "tests.live.test_layer_down.{}"


class LayerDown(InMemoryChannelLayer):
    """As channels-redis behaves with Redis gone: every call that needs Redis fails."""

    async def receive(self, channel):
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    async def group_add(self, group, channel):
        raise RedisConnectionError("Connection refused.")

    async def group_send(self, group, message):
        raise RedisConnectionError("Connection refused.")


class GroupAddFails(InMemoryChannelLayer):
    """Redis went away after the socket connected: the next subscribe fails."""

    async def group_add(self, group, channel):
        raise RedisConnectionError("Connection closed by server.")


@pytest.fixture(autouse=True)
def fresh_state():
    degraded.channel_layer.down_since, degraded.channel_layer._retry_at = None, 0.0
    yield
    degraded.channel_layer.down_since, degraded.channel_layer._retry_at = None, 0.0


@pytest.fixture
def layer(settings):
    def use(name):
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": LAYER.format(name)}}

    return use


def test_a_socket_opened_while_redis_is_down_is_told_live_updates_are_paused(layer):
    layer("LayerDown")

    async def scenario():
        ws = socket_for(session_cookie(None))
        connected, _ = await ws.connect()
        assert connected
        answer = await ws.receive_json_from(timeout=5)
        assert answer["type"] == "paused"
        closed = await ws.receive_output(timeout=5)
        assert closed == {"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER}

    run(scenario)


def test_a_subscribe_that_meets_a_failed_layer_is_paused_and_closed_politely(layer, hearing):
    layer("GroupAddFails")

    async def scenario():
        ws, answer = await subscribed(None, hearing.discussion.stream, last_id=0)
        assert answer["type"] == "paused"
        closed = await ws.receive_output(timeout=5)
        assert closed == {"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER}

    run(scenario)


def test_a_comment_published_while_the_layer_is_down_is_stored_and_logged_once(
    layer, hearing, post_comment, caplog, django_capture_on_commit_callbacks
):
    from participation.contributions.models import Comment, ModerationMode

    layer("LayerDown")
    hearing.discussion.moderation = ModerationMode.POST
    hearing.discussion.save(update_fields=["moderation"])
    caplog.set_level(logging.INFO, logger="participation.degraded")
    # Before: the broadcast raised in the commit callback, after the comment was stored.
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(hearing, "Første mens Redis er nede")
        post_comment(hearing, "Andre mens Redis er nede")
    assert Comment.objects.filter(body__contains="mens Redis er nede").count() == 2
    lines = [r for r in caplog.records if r.name == "participation.degraded"]
    assert len(lines) == 1
    assert "live updates are paused" in lines[0].getMessage()
