"""A socket's rights are not fixed at subscribe time: a moderator who loses the role, or logs
out, stops receiving the moderation stream. And one socket cannot subscribe or replay without
end. Time is moved by replacing the consumer's clock, never by sleeping."""

import pytest
from channels.db import database_sync_to_async
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from hearings.operations import do_comment
from tests.live.sockets import run, socket_for, subscribed

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """The consumers' clock, moved forward by hand."""
    now = [1000.0]
    monkeypatch.setattr("participation.live.consumers._clock", lambda: now[0])

    def advance(seconds):
        now[0] += seconds

    return advance


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    def call(operation, *args, **kwargs):
        def sync():
            with django_capture_on_commit_callbacks(execute=True):
                return operation(*args, **kwargs)

        return database_sync_to_async(sync)()

    return call


def test_a_moderator_who_loses_the_role_is_told_and_gets_no_more_moderation_events(
    moderator, resident, hearing, committing, clock
):
    async def scenario():
        ws, answer = await subscribed(moderator, "moderation")
        assert answer["type"] == "subscribed"

        # Still a moderator when asked again: the event arrives.
        clock(django_settings.LIVE_LIMITS["recheck_seconds"] + 1)
        first, _ = await committing(do_comment, resident, hearing, "Første")
        event = await ws.receive_json_from(timeout=5)
        assert (event["type"], event["contribution_id"]) == ("contribution.created", first.pk)

        await database_sync_to_async(moderator.groups.clear)()
        clock(django_settings.LIVE_LIMITS["recheck_seconds"] + 1)
        await committing(do_comment, resident, hearing, "Andre, med originaltekst")
        answer = await ws.receive_json_from(timeout=5)
        assert answer == {"type": "denied", "stream": "moderation", "reason": "unauthorised"}

        await committing(do_comment, resident, hearing, "Tredje")
        assert await ws.receive_nothing(timeout=0.3)
        await ws.disconnect()

    run(scenario)


def test_logging_out_closes_the_moderators_socket(moderator, resident, hearing, committing):
    browser = Client()
    browser.force_login(moderator)
    name = django_settings.SESSION_COOKIE_NAME
    cookie = f"{name}={browser.cookies[name].value}"
    with translation.override("nb"):
        logout_url = reverse("account_logout")

    async def scenario():
        ws = socket_for(cookie.encode())
        connected, _ = await ws.connect()
        assert connected
        await ws.send_json_to({"type": "subscribe", "stream": "moderation"})
        assert (await ws.receive_json_from(timeout=5))["type"] == "subscribed"

        await database_sync_to_async(browser.post)(logout_url)
        assert await ws.receive_json_from(timeout=5) == {"type": "closed", "reason": "logged_out"}
        closed = await ws.receive_output(timeout=5)
        assert closed == {"type": "websocket.close", "code": 4401}

    run(scenario)


def test_a_session_that_ended_elsewhere_gets_no_more_moderation_events(
    moderator, resident, hearing, committing, clock
):
    """E.g. logged out while Redis was down, or the session expired: the recheck finds no user."""
    from django.contrib.sessions.models import Session

    async def scenario():
        ws, answer = await subscribed(moderator, "moderation")
        assert answer["type"] == "subscribed"
        await database_sync_to_async(lambda: Session.objects.all().delete())()
        clock(django_settings.LIVE_LIMITS["recheck_seconds"] + 1)
        await committing(do_comment, resident, hearing, "Ventende")
        answer = await ws.receive_json_from(timeout=5)
        assert answer == {"type": "denied", "stream": "moderation", "reason": "unauthorised"}
        await ws.disconnect()

    run(scenario)


def test_a_socket_subscribes_to_at_most_the_configured_number_of_streams(
    resident, make_hearing, settings
):
    settings.LIVE_LIMITS = {**settings.LIVE_LIMITS, "streams": 2}
    first, second = make_hearing(), make_hearing()

    async def scenario():
        ws, answer = await subscribed(resident, "public-announcements")
        assert answer["type"] == "subscribed"
        for stream in (first.discussion.stream, first.discussion.stream):  # again: not counted
            await ws.send_json_to({"type": "subscribe", "stream": stream})
            assert (await ws.receive_json_from(timeout=5))["type"] == "subscribed"
        await ws.send_json_to({"type": "subscribe", "stream": second.discussion.stream})
        assert await ws.receive_json_from(timeout=5) == {
            "type": "denied",
            "stream": second.discussion.stream,
            "reason": "too_many",
        }
        await ws.disconnect()

    run(scenario)


def test_a_socket_may_ask_for_only_so_many_replays_a_minute(db, settings, clock):
    settings.LIVE_LIMITS = {**settings.LIVE_LIMITS, "replays_per_minute": 2}

    async def scenario():
        ws, answer = await subscribed(None, "public-announcements", last_id=0)
        assert answer["type"] == "subscribed"
        await ws.send_json_to({"type": "subscribe", "stream": "public-announcements", "last_id": 0})
        assert (await ws.receive_json_from(timeout=5))["type"] == "subscribed"
        await ws.send_json_to({"type": "subscribe", "stream": "public-announcements", "last_id": 0})
        assert (await ws.receive_json_from(timeout=5))["type"] == "subscribed"
        assert await ws.receive_json_from(timeout=5) == {
            "type": "error",
            "reason": "replay_limited",
            "stream": "public-announcements",
        }
        clock(61)  # a new minute
        await ws.send_json_to({"type": "subscribe", "stream": "public-announcements", "last_id": 0})
        assert (await ws.receive_json_from(timeout=5))["type"] == "subscribed"
        assert await ws.receive_nothing(timeout=0.3)
        await ws.disconnect()

    run(scenario)


def test_a_long_replay_stops_at_the_minutes_event_budget(db, settings, clock):
    from participation.live.consumers import REPLAY_PAGE
    from participation.live.models import Event

    Event.objects.bulk_create(
        Event(stream="public-announcements", type="note", payload={})
        for _ in range(REPLAY_PAGE + 1)
    )
    settings.LIVE_LIMITS = {**settings.LIVE_LIMITS, "replayed_events_per_minute": REPLAY_PAGE}

    async def scenario():
        ws, answer = await subscribed(None, "public-announcements", last_id=0)
        assert answer["type"] == "subscribed"
        replayed = [await ws.receive_json_from(timeout=5) for _ in range(REPLAY_PAGE)]
        assert all(e["type"] == "note" for e in replayed)
        assert await ws.receive_json_from(timeout=5) == {
            "type": "error",
            "reason": "replay_limited",
            "stream": "public-announcements",
        }
        await ws.disconnect()

    run(scenario)


def test_many_short_replays_after_a_reconnect_are_not_limited_by_the_event_budget(db, clock):
    """A page with a dozen streams that reconnects asks for a dozen replays of a few events."""

    async def scenario():
        ws, answer = await subscribed(None, "public-announcements", last_id=0)
        assert answer["type"] == "subscribed"
        for _ in range(12):
            await ws.send_json_to(
                {"type": "subscribe", "stream": "public-announcements", "last_id": 0}
            )
            assert (await ws.receive_json_from(timeout=5))["type"] == "subscribed"
        assert await ws.receive_nothing(timeout=0.3)
        await ws.disconnect()

    run(scenario)
