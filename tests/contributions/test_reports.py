"""Who can take a post down by reporting it: only established reporters, and never a formal
submission or an initiative, which go to the moderators instead."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from hearings.operations import do_submit
from participation.accounts.models import AssuranceLevel
from participation.contributions import moderation
from participation.contributions.models import Contribution, ModerationMode, ReportReason
from participation.live.models import Event
from tests.initiatives.conftest import make_initiative, make_resident  # noqa: F401

pytestmark = pytest.mark.django_db

PUBLISHED, HIDDEN = Contribution.State.PUBLISHED, Contribution.State.HIDDEN


@pytest.fixture
def established(make_user):
    """A resident whose verified account is a month old."""

    def make(**fields):
        fields.setdefault("date_joined", timezone.now() - timedelta(days=30))
        return make_user(**fields)

    return make


@pytest.fixture
def published_comment(make_hearing, post_comment):
    return post_comment(make_hearing(moderation=ModerationMode.POST))


def report_by(reporters, contribution):
    for reporter in reporters:
        moderation.do_report(reporter, contribution, ReportReason.OFFENSIVE)
    contribution.refresh_from_db()
    return contribution


def in_queue(contribution) -> bool:
    return Contribution.objects.filter(moderation.in_queue(), pk=contribution.pk).exists()


def test_three_established_reporters_hide_a_comment_until_a_moderator_looks(
    published_comment, established
):
    comment = report_by([established() for _ in range(3)], published_comment)
    assert comment.state == HIDDEN
    assert in_queue(comment)


def test_accounts_made_today_cannot_hide_a_comment_but_their_reports_reach_the_moderators(
    published_comment, make_user
):
    comment = report_by([make_user() for _ in range(5)], published_comment)
    assert comment.state == PUBLISHED
    assert comment.report_count == 5
    assert in_queue(comment)


def test_old_accounts_without_a_verified_address_or_eid_do_not_count(
    published_comment, established
):
    unverified = [established(verified=False) for _ in range(3)]
    assert report_by(unverified, published_comment).state == PUBLISHED
    # Two more that do count are still not three.
    assert report_by([established(), established()], published_comment).state == PUBLISHED


def test_an_id_porten_login_counts_as_established_without_a_verified_address(
    published_comment, established
):
    eid = [
        established(verified=False, assurance_level=AssuranceLevel.SUBSTANTIAL) for _ in range(3)
    ]
    assert report_by(eid, published_comment).state == HIDDEN


@override_settings(MODERATION_REPORTER_MIN_DAYS=60)
def test_the_account_age_is_a_setting(published_comment, established):
    assert report_by([established() for _ in range(3)], published_comment).state == PUBLISHED


def test_a_formal_submission_is_never_hidden_by_reports_and_goes_to_the_moderators(
    make_hearing, resident, established
):
    hearing = make_hearing(moderation=ModerationMode.POST)
    submission, _ = do_submit(resident, hearing, "Vi protesterer mot planen.")
    submission = report_by([established() for _ in range(5)], submission)
    assert submission.state == PUBLISHED
    assert in_queue(submission)
    reported = Event.objects.filter(stream="moderation", type="contribution.reported")
    assert [e.payload["contribution_id"] for e in reported] == [submission.pk] * 5
    assert not Event.objects.filter(type="contribution.hidden").exists()


def test_a_citizen_initiative_is_never_hidden_by_reports(request, established):
    initiative = request.getfixturevalue("make_initiative")()
    initiative = report_by([established() for _ in range(5)], initiative)
    assert initiative.state == PUBLISHED
    assert in_queue(initiative)


@override_settings(MODERATION_REPORT_THRESHOLD=2)
def test_reports_from_before_a_moderator_approved_the_post_do_not_count_again(
    published_comment, established, moderator
):
    report_by([established()], published_comment)
    moderation.do_publish(moderator, published_comment)  # looked at, approved
    assert report_by([established()], published_comment).state == PUBLISHED
    assert report_by([established()], published_comment).state == HIDDEN
