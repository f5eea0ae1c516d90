"""Who may join which live stream, and what a reader's stream carries: through the real ASGI
application and channel layer (in memory, or Redis when REDIS_URL is set)."""

import pytest
from channels.db import database_sync_to_async

from participation.contributions import moderation
from participation.contributions.models import ModerationMode
from tests.live.sockets import run, subscribed

pytestmark = pytest.mark.django_db


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Run `operation` as if its transaction committed: its events are broadcast."""

    def call(operation, *args, **kwargs):
        def sync():
            with django_capture_on_commit_callbacks(execute=True):
                return operation(*args, **kwargs)

        return database_sync_to_async(sync)()

    return call


def test_a_residents_socket_cannot_join_the_moderation_stream(resident):
    async def scenario():
        ws, answer = await subscribed(resident, "moderation")
        assert answer == {"type": "denied", "stream": "moderation"}
        await ws.disconnect()

    run(scenario)


def test_an_anonymous_socket_cannot_join_the_moderation_stream(db):
    async def scenario():
        ws, answer = await subscribed(None, "moderation")
        assert answer == {"type": "denied", "stream": "moderation"}
        await ws.disconnect()

    run(scenario)


def test_a_moderator_joins_the_moderation_stream_and_sees_a_pending_post_arrive(
    moderator, hearing, resident, committing
):
    from hearings.operations import do_comment

    async def scenario():
        ws, answer = await subscribed(moderator, "moderation")
        assert answer == {"type": "subscribed", "stream": "moderation"}
        comment, _ = await committing(do_comment, resident, hearing, "Ventende innlegg")
        event = await ws.receive_json_from(timeout=5)
        assert event["type"] == "contribution.created"
        assert event["contribution_id"] == comment.pk
        assert event["state"] == "pending"
        await ws.disconnect()

    run(scenario)


def test_a_residents_socket_never_sees_a_pending_post_and_sees_it_once_published(
    resident, make_user, moderator, hearing, committing
):
    from hearings.operations import do_comment

    reader = make_user(name="Leser")

    async def scenario():
        ws, answer = await subscribed(reader, hearing.discussion.stream)
        assert answer["type"] == "subscribed"

        comment, _ = await committing(do_comment, resident, hearing, "Ring meg på 912 34 567")
        assert await ws.receive_nothing(timeout=0.3)

        await committing(moderation.do_publish, moderator, comment)
        event = await ws.receive_json_from(timeout=5)
        assert event["type"] == "contribution.published"
        assert event["contribution_id"] == comment.pk
        # Only the published rendering travels: no original text, no phone number.
        assert "912 34 567" not in str(event)
        assert "body" not in event
        await ws.disconnect()

    run(scenario)


def test_a_reader_is_told_when_a_published_post_is_hidden(
    make_hearing, post_comment, moderator, make_user, committing
):
    hearing = make_hearing(moderation=ModerationMode.POST)
    comment = post_comment(hearing)
    reader = make_user()

    async def scenario():
        ws, _ = await subscribed(reader, hearing.discussion.stream)
        await committing(moderation.do_hide, moderator, comment)
        event = await ws.receive_json_from(timeout=5)
        assert event["type"] == "contribution.hidden"
        assert event["contribution_id"] == comment.pk
        await ws.disconnect()

    run(scenario)


def test_a_draft_hearings_discussion_is_open_to_planners_only_as_its_pages_are(
    make_hearing, resident, moderator, make_user
):
    hearing = make_hearing(published=False)
    planner = make_user(name="Per Planlegger", roles=["planner"])

    async def scenario():
        for user in (resident, moderator):
            ws, answer = await subscribed(user, hearing.discussion.stream)
            assert answer["type"] == "denied"
            await ws.disconnect()
        ws, answer = await subscribed(planner, hearing.discussion.stream)
        assert answer["type"] == "subscribed"
        await ws.disconnect()

    run(scenario)


def test_a_discussion_that_does_not_exist_is_denied(resident):
    async def scenario():
        for stream in ("discussion-999999", "discussion-abc", "discussion-"):
            ws, answer = await subscribed(resident, stream)
            assert answer == {"type": "denied", "stream": stream}
            await ws.disconnect()

    run(scenario)


def test_a_moderator_who_comes_back_is_replayed_the_missed_events_in_order_then_live_ones(
    moderator, hearing, post_comment, committing
):
    from participation.live.models import Event

    first = post_comment(hearing, "Først")
    seen = Event.objects.filter(stream="moderation").latest("id").id
    second = post_comment(hearing, "Andre")
    moderation.do_claim(moderator, second)

    async def scenario():
        ws, answer = await subscribed(moderator, "moderation", last_event_id=seen)
        assert answer["type"] == "subscribed"
        replayed = [await ws.receive_json_from(timeout=5) for _ in range(2)]
        assert [(e["type"], e["contribution_id"]) for e in replayed] == [
            ("contribution.created", second.pk),
            ("contribution.claimed", second.pk),
        ]
        assert replayed[0]["id"] < replayed[1]["id"]
        await committing(moderation.do_publish, moderator, first)
        live = await ws.receive_json_from(timeout=5)
        assert (live["type"], live["contribution_id"]) == ("contribution.decided", first.pk)
        assert live["id"] > replayed[1]["id"]
        await ws.disconnect()

    run(scenario)
