"""Moderation operations: claims, decisions, edit-redact, reports; their audit and events."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from participation.contributions import moderation
from participation.contributions.models import (
    AuditEntry,
    Contribution,
    ModerationMode,
    RejectionReason,
    ReportReason,
)
from participation.contributions.operations import ContributionError
from participation.live.models import Event

PUBLISHED = Contribution.State.PUBLISHED
PENDING = Contribution.State.PENDING


def queue():
    return list(Contribution.objects.filter(moderation.in_queue()).values_list("pk", flat=True))


def events(stream, type_=None):
    found = Event.objects.filter(stream=stream).order_by("id")
    if type_:
        found = found.filter(type=type_)
    return list(found)


def actions(contribution):
    return list(contribution.audit_entries.values_list("action", flat=True))


# ---------------------------------------------------------------- the queue


def test_a_pre_moderated_comment_waits_in_the_queue_and_is_not_public(hearing, post_comment):
    comment = post_comment(hearing)

    assert comment.state == PENDING
    assert comment.pk in queue()
    assert events(hearing.discussion.stream) == []
    assert events("moderation", "contribution.created")[0].payload["contribution_id"] == comment.pk


def test_a_post_moderated_comment_is_public_at_once_and_still_in_the_queue_until_approved(
    make_hearing, post_comment, moderator
):
    hearing = make_hearing(moderation=ModerationMode.POST)
    comment = post_comment(hearing)
    assert comment.state == PUBLISHED
    assert comment.pk in queue()

    moderation.do_publish(moderator, comment)

    assert comment.pk not in queue()
    assert "approved" in actions(comment)
    # Approving what readers already have sends them nothing new.
    assert len(events(hearing.discussion.stream, "contribution.published")) == 1


# ---------------------------------------------------------------- claims


def test_the_first_claim_wins_and_the_second_moderator_is_told_who_has_it(
    hearing, post_comment, moderator, other_moderator
):
    comment = post_comment(hearing)

    moderation.do_claim(moderator, comment)
    with pytest.raises(ContributionError, match="Mona Moderator"):
        moderation.do_claim(other_moderator, comment)

    comment.refresh_from_db()
    assert comment.claimed_by == moderator
    claimed = events("moderation", "contribution.claimed")
    assert len(claimed) == 1
    assert claimed[0].payload["claimed_by_name"] == "Mona Moderator"
    assert actions(comment) == ["commented", "claimed"]


def test_a_claim_runs_out_after_the_set_time_and_another_moderator_may_take_it(
    hearing, post_comment, moderator, other_moderator
):
    comment = post_comment(hearing)
    with override_settings(MODERATION_CLAIM_SECONDS=60):
        moderation.do_claim(moderator, comment)
    comment.refresh_from_db()
    assert comment.claimed_until - timezone.now() <= timedelta(seconds=60)

    Contribution.objects.filter(pk=comment.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )
    moderation.do_claim(other_moderator, comment)

    comment.refresh_from_db()
    assert comment.claimed_by == other_moderator


def test_a_moderator_cannot_decide_a_post_another_moderator_holds(
    hearing, post_comment, moderator, other_moderator
):
    comment = post_comment(hearing)
    moderation.do_claim(moderator, comment)

    with pytest.raises(ContributionError, match="Mona Moderator"):
        moderation.do_publish(other_moderator, comment)

    comment.refresh_from_db()
    assert comment.state == PENDING


def test_releasing_a_claim_lets_others_take_it_and_tells_the_queue(
    hearing, post_comment, moderator, other_moderator
):
    comment = post_comment(hearing)
    moderation.do_claim(moderator, comment)
    moderation.do_release(moderator, comment)

    moderation.do_claim(other_moderator, comment)

    assert len(events("moderation", "contribution.released")) == 1
    comment.refresh_from_db()
    assert comment.claimed_by == other_moderator


def test_a_decided_post_cannot_be_claimed(hearing, post_comment, moderator, other_moderator):
    comment = post_comment(hearing)
    moderation.do_publish(moderator, comment)

    with pytest.raises(ContributionError, match="already been handled"):
        moderation.do_claim(other_moderator, comment)


def test_a_resident_cannot_claim_or_decide(hearing, post_comment, make_user):
    comment = post_comment(hearing)
    someone = make_user(name="Per")

    for action in (moderation.do_claim, moderation.do_publish, moderation.do_hide):
        with pytest.raises(ContributionError):
            action(someone, comment)
    comment.refresh_from_db()
    assert comment.state == PENDING and comment.claimed_by is None


# ---------------------------------------------------------------- decisions


def test_publishing_a_pending_post_shows_it_to_readers_leaves_the_queue_and_tells_the_author(
    hearing, post_comment, moderator, resident, django_capture_on_commit_callbacks
):
    resident.preferred_language = "en"
    resident.save()
    comment = post_comment(hearing)
    moderation.do_claim(moderator, comment)

    with django_capture_on_commit_callbacks(execute=True):
        moderation.do_publish(moderator, comment)

    comment.refresh_from_db()
    assert comment.state == PUBLISHED and comment.published_at is not None
    assert comment.claimed_by is None
    assert comment.pk not in queue()
    published = events(hearing.discussion.stream, "contribution.published")
    assert [e.payload["contribution_id"] for e in published] == [comment.pk]
    assert "body" not in published[0].payload
    decided = events("moderation", "contribution.decided")
    assert decided[0].payload == {
        "contribution_id": comment.pk,
        "state": PUBLISHED,
        "discussion_id": hearing.discussion_id,
        "action": "published",
    }
    entry = AuditEntry.objects.get(contribution=comment, action="published")
    assert entry.actor == moderator
    assert [m.to for m in mail.outbox] == [[resident.email]]
    assert "is published" in mail.outbox[0].subject


def test_rejecting_tells_the_author_the_reason_in_their_language(
    hearing, post_comment, moderator, resident, django_capture_on_commit_callbacks
):
    resident.preferred_language = "en"
    resident.save()
    comment = post_comment(hearing)

    with django_capture_on_commit_callbacks(execute=True):
        moderation.do_reject(
            moderator, comment, RejectionReason.OFF_TOPIC, "Skriv om planen, ikke om bussen."
        )

    comment.refresh_from_db()
    assert comment.state == Contribution.State.REJECTED
    assert comment.pk not in queue()
    (message,) = mail.outbox
    assert "was not published" in message.subject
    assert "Not about the subject of the discussion" in message.body
    assert "Skriv om planen, ikke om bussen." in message.body
    entry = AuditEntry.objects.get(contribution=comment, action="rejected")
    assert entry.reason == "Skriv om planen, ikke om bussen."
    assert entry.data == {"code": "off_topic"}
    # It was never public, so readers are told nothing.
    assert events(hearing.discussion.stream) == []


def test_a_rejection_needs_a_listed_reason_and_other_needs_an_explanation(
    hearing, post_comment, moderator
):
    comment = post_comment(hearing)
    with pytest.raises(ContributionError):
        moderation.do_reject(moderator, comment, "because", "")
    with pytest.raises(ContributionError):
        moderation.do_reject(moderator, comment, RejectionReason.OTHER, "  ")
    comment.refresh_from_db()
    assert comment.state == PENDING


def test_hiding_a_published_post_removes_it_from_readers_pages(
    make_hearing, post_comment, moderator
):
    hearing = make_hearing(moderation=ModerationMode.POST)
    comment = post_comment(hearing)

    moderation.do_hide(moderator, comment, "Personangrep")

    comment.refresh_from_db()
    assert comment.state == Contribution.State.HIDDEN
    hidden = events(hearing.discussion.stream, "contribution.hidden")
    assert [e.payload for e in hidden] == [{"contribution_id": comment.pk, "kind": "comment"}]
    assert AuditEntry.objects.get(contribution=comment, action="hidden").reason == "Personangrep"


def test_edit_redact_changes_the_published_text_keeps_the_original_and_audits_both(
    make_hearing, post_comment, moderator
):
    hearing = make_hearing(moderation=ModerationMode.POST)
    comment = post_comment(hearing, "Naboen Per Hansen er en idiot. Bygg sykkelvei.")

    moderation.do_redact(moderator, comment, "[…] Bygg sykkelvei.", "Personangrep fjernet")

    comment.refresh_from_db()
    assert comment.body == "Naboen Per Hansen er en idiot. Bygg sykkelvei."
    assert "idiot" not in comment.public_html
    assert "Bygg sykkelvei." in comment.public_html
    entry = AuditEntry.objects.get(contribution=comment, action="edited")
    assert entry.data["before_text"] == "Naboen Per Hansen er en idiot. Bygg sykkelvei."
    assert entry.data["after_text"] == "[…] Bygg sykkelvei."
    assert "idiot" in entry.data["before_html"]
    updated = events(hearing.discussion.stream, "contribution.updated")
    assert "idiot" not in updated[0].payload["html"]


def test_edit_redact_still_removes_personal_data_the_moderator_left_in(
    hearing, post_comment, moderator
):
    comment = post_comment(hearing)

    moderation.do_redact(moderator, comment, "Ring meg på 912 34 567.")

    comment.refresh_from_db()
    assert "912 34 567" not in comment.public_html


# ---------------------------------------------------------------- reports


@override_settings(MODERATION_REPORT_THRESHOLD=2)
def test_enough_reports_hide_a_post_until_a_moderator_has_looked(
    make_hearing, post_comment, make_user, moderator
):
    hearing = make_hearing(moderation=ModerationMode.POST)
    comment = post_comment(hearing)
    moderation.do_publish(moderator, comment)
    assert comment.pk not in queue()

    # Reporters with accounts older than MODERATION_REPORTER_MIN_DAYS (see test_reports.py).
    month_ago = timezone.now() - timedelta(days=30)
    moderation.do_report(make_user(date_joined=month_ago), comment, ReportReason.OFFENSIVE, "Stygt")
    comment.refresh_from_db()
    assert comment.state == PUBLISHED
    assert comment.pk in queue()

    moderation.do_report(make_user(date_joined=month_ago), comment, ReportReason.SPAM)
    comment.refresh_from_db()
    assert comment.state == Contribution.State.HIDDEN
    assert "hidden_by_reports" in actions(comment)
    assert len(events(hearing.discussion.stream, "contribution.hidden")) == 1
    assert [e.payload["report_count"] for e in events("moderation", "contribution.reported")] == [
        1,
        2,
    ]

    # The moderator finds nothing wrong: it is back, and the count starts again.
    moderation.do_publish(moderator, comment)
    comment.refresh_from_db()
    assert comment.state == PUBLISHED and comment.report_count == 0
    assert comment.pk not in queue()


def test_a_resident_reports_a_post_once_and_never_their_own(
    make_hearing, post_comment, make_user, resident
):
    hearing = make_hearing(moderation=ModerationMode.POST)
    comment = post_comment(hearing)
    reporter = make_user()
    moderation.do_report(reporter, comment, ReportReason.OFF_TOPIC)

    with pytest.raises(ContributionError, match="already reported"):
        moderation.do_report(reporter, comment, ReportReason.OFF_TOPIC)
    with pytest.raises(ContributionError, match="your own"):
        moderation.do_report(resident, comment, ReportReason.OFF_TOPIC)
    comment.refresh_from_db()
    assert comment.report_count == 1


def test_a_pending_post_cannot_be_reported(hearing, post_comment, make_user):
    comment = post_comment(hearing)
    with pytest.raises(ContributionError):
        moderation.do_report(make_user(), comment, ReportReason.SPAM)
