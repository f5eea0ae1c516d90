"""The moderation queue in the Wagtail admin, through its pages and forms."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from participation.contributions import moderation
from participation.contributions.models import Contribution, ModerationMode, ReportReason
from participation.geo.models import Area

QUEUE = "/admin/moderation/"


def item_ids(response) -> list[int]:
    return [item.pk for item in response.context["items"]]


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def test_only_moderators_open_the_queue(client, make_user, moderator):
    planner = make_user(roles=["planner"])
    client.force_login(planner)
    # Wagtail answers a refused admin page by sending staff back to the dashboard.
    refused = client.get(QUEUE)
    assert (refused.status_code, refused["Location"]) == (HTTPStatus.FOUND, "/admin/")
    assert b'"url": "/admin/moderation/"' not in client.get("/admin/").content

    client.force_login(moderator)
    assert client.get(QUEUE).status_code == HTTPStatus.OK
    assert b'"url": "/admin/moderation/"' in client.get("/admin/").content


def test_a_resident_is_sent_to_log_in_rather_than_shown_the_queue(client, resident):
    client.force_login(resident)
    response = client.get(QUEUE)
    assert response.status_code == HTTPStatus.FOUND
    assert "login" in response["Location"]


def test_the_queue_shows_pending_posts_first_with_the_original_and_the_published_text(
    moderator_client, make_hearing, post_comment, make_user
):
    open_debate = make_hearing(moderation=ModerationMode.POST)
    reviewed_later = post_comment(open_debate, "Allerede publisert")
    pending = post_comment(make_hearing(), "Ring meg på 912 34 567, hilsen Kari")

    response = moderator_client.get(QUEUE)

    assert item_ids(response) == [pending.pk, reviewed_later.pk]
    html = response.content.decode()
    original, published = html.split("data-preview")[0], html.split("data-preview")[1]
    assert "Ring meg på 912 34 567" in original
    assert "912 34 567" not in published.split("</section>")[0]


def test_the_queue_filters_by_kind_discussion_area_and_reports(
    moderator_client, make_hearing, post_comment, make_user, resident
):
    from hearings.operations import do_submit

    area = Area.objects.create(
        name="Sentrum", slug="sentrum", geometry={}, min_lat=58, max_lat=59, min_lon=5, max_lon=6
    )
    in_area = make_hearing(moderation=ModerationMode.POST, area=area)
    elsewhere = make_hearing()
    reported = post_comment(in_area, "Rapportert")
    moderation.do_report(make_user(), reported, ReportReason.SPAM)
    plain = post_comment(elsewhere, "Vanlig")
    submission, _ = do_submit(resident, elsewhere, "En uttalelse")

    assert item_ids(moderator_client.get(QUEUE, {"kind": "submission"})) == [submission.pk]
    assert set(item_ids(moderator_client.get(QUEUE, {"discussion": elsewhere.discussion_id}))) == {
        plain.pk,
        submission.pk,
    }
    assert item_ids(moderator_client.get(QUEUE, {"area": area.pk})) == [reported.pk]
    assert item_ids(moderator_client.get(QUEUE, {"reported": "on"})) == [reported.pk]


def test_publishing_from_the_queue_moves_focus_to_the_next_post(
    moderator_client, hearing, post_comment
):
    first, second = post_comment(hearing, "Første"), post_comment(hearing, "Andre")

    response = moderator_client.post(
        reverse("moderation:publish", args=[first.pk]), {"next_query": "kind=comment"}
    )

    first.refresh_from_db()
    assert first.state == Contribution.State.PUBLISHED
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{QUEUE}?kind=comment&focus={second.pk}#item-{second.pk}"
    page = moderator_client.get(response["Location"])
    assert item_ids(page) == [second.pk]
    assert f'id="item-{second.pk}-h" tabindex="-1" data-autofocus' in page.content.decode()


def test_rejecting_from_the_queue_records_the_reason(moderator_client, hearing, post_comment):
    comment = post_comment(hearing)

    moderator_client.post(
        reverse("moderation:reject", args=[comment.pk]),
        {"code": "offensive", "note": "Hold en saklig tone."},
    )

    comment.refresh_from_db()
    assert comment.state == Contribution.State.REJECTED
    assert (comment.rejection_code, comment.rejection_reason) == (
        "offensive",
        "Hold en saklig tone.",
    )


def test_a_post_claimed_by_another_moderator_shows_who_has_it_and_cannot_be_decided(
    moderator_client, other_moderator, hearing, post_comment
):
    comment = post_comment(hearing)
    moderation.do_claim(other_moderator, comment)

    page = moderator_client.get(QUEUE).content.decode()
    assert "Ola Moderator" in page.split("data-claim>")[1].split("</p>")[0]
    response = moderator_client.post(reverse("moderation:publish", args=[comment.pk]), follow=True)

    comment.refresh_from_db()
    assert comment.state == Contribution.State.PENDING
    assert "Ola Moderator" in str(list(response.context["messages"])[0])


def test_edit_redact_from_the_queue_keeps_the_original(moderator_client, hearing, post_comment):
    comment = post_comment(hearing, "Per er dum. Bygg veien.")

    moderator_client.post(
        reverse("moderation:redact", args=[comment.pk]),
        {"text": "Bygg veien.", "reason": "Personangrep"},
    )

    comment.refresh_from_db()
    assert comment.body == "Per er dum. Bygg veien."
    assert "dum" not in comment.public_html
    log = moderator_client.get(reverse("moderation:audit", args=[comment.pk])).content.decode()
    assert "Personangrep" in log and "Per er dum." in log


def test_the_live_card_of_a_decided_post_is_empty(
    moderator_client, moderator, hearing, post_comment
):
    comment = post_comment(hearing)
    card = reverse("moderation:card", args=[comment.pk])
    assert moderator_client.get(card).status_code == HTTPStatus.OK

    moderation.do_publish(moderator, comment)

    assert moderator_client.get(card).status_code == HTTPStatus.NO_CONTENT


def test_the_queue_runs_the_same_queries_for_two_posts_as_for_twenty(
    moderator_client, hearing, post_comment, make_user
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(2):
        post_comment(hearing, f"Innlegg {n}")
    with CaptureQueriesContext(connection) as few:
        moderator_client.get(QUEUE)
    for n in range(18):
        post_comment(hearing, f"Innlegg {n}", author=make_user())
    with CaptureQueriesContext(connection) as many:
        moderator_client.get(QUEUE)
    assert len(many) == len(few)
