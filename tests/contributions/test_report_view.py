"""A resident reports a published post through the site."""

from datetime import timedelta
from http import HTTPStatus

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from participation.contributions.models import Contribution, ModerationMode


@override_settings(MODERATION_REPORT_THRESHOLD=1)
def test_a_resident_reports_a_comment_with_a_reason_and_it_is_hidden_for_review(
    client, make_hearing, post_comment, make_user
):
    comment = post_comment(make_hearing(moderation=ModerationMode.POST))
    client.force_login(make_user(name="Per", date_joined=timezone.now() - timedelta(days=30)))
    url = reverse("contributions:report", args=[comment.pk])

    assert client.get(url).status_code == HTTPStatus.OK
    response = client.post(url, {"reason": "offensive", "text": "Hets", "next": "/horinger/"})

    assert (response.status_code, response["Location"]) == (HTTPStatus.FOUND, "/horinger/")
    comment.refresh_from_db()
    assert comment.state == Contribution.State.HIDDEN
    assert comment.reports.get().text == "Hets"


def test_a_pending_post_cannot_be_reported_or_seen_through_the_report_page(
    client, hearing, post_comment, make_user
):
    comment = post_comment(hearing)
    client.force_login(make_user())
    response = client.get(reverse("contributions:report", args=[comment.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_reporting_needs_an_account(client, make_hearing, post_comment):
    comment = post_comment(make_hearing(moderation=ModerationMode.POST))
    response = client.get(reverse("contributions:report", args=[comment.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert "login" in response["Location"]


def test_the_report_page_does_not_name_a_sender_whose_name_is_withheld(client, hearing, make_user):
    from hearings.models import Submission
    from hearings.operations import do_submit

    sender = make_user(name="Hemmelig Avsender")
    submission, _ = do_submit(sender, hearing, "Jeg er imot planen.", name_withheld_requested=True)
    Submission.objects.filter(pk=submission.pk).update(
        name_withheld=True, state=Contribution.State.PUBLISHED
    )
    client.force_login(make_user(name="Per"))

    response = client.get(reverse("contributions:report", args=[submission.pk]))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Jeg er imot planen." in html
    assert "Hemmelig Avsender" not in html
