"""E-mail notifications: each kind from its real operation to the mailbox, frequencies, sent
once, in the recipient's language, without anyone else's contact details."""

from email.utils import parseaddr

import pytest
from django.core import mail
from django.utils import timezone

from hearings.operations import do_comment
from hearings.review import do_publish_responses
from ideabank import operations as ideas
from ideabank.models import IdeaStatus
from participation.contributions import moderation
from participation.contributions.models import Contribution, ModerationMode, RejectionReason
from participation.notifications import delivery
from participation.notifications.models import (
    Frequency,
    Notification,
    NotificationKind,
    NotificationSetting,
)
from participation.notifications.tasks import send_digest, send_notification

Kind = NotificationKind


@pytest.fixture
def kari(make_user):
    return make_user(email="kari@example.org", name="Kari Nordmann", preferred_language="en")


@pytest.fixture
def ola(make_user):
    return make_user(email="ola.replier@example.org", name="Ola Svarer", preferred_language="en")


@pytest.fixture
def moderator(make_user):
    return make_user(email="mona@kommune.no", name="Mona Moderator", roles=["moderator"])


@pytest.fixture
def planner(make_user):
    return make_user(email="per@kommune.no", name="Per Planlegger", roles=["planner"])


@pytest.fixture
def hearing(make_hearing):
    return make_hearing("open", title="Kommuneplanen")


def choose(user, kind, frequency):
    NotificationSetting.objects.update_or_create(
        user=user, kind=kind, defaults={"frequency": frequency}
    )


def html_of(message) -> str:
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return html


def reply_to(parent, author, body="Enig, og bruk gjerne bussen."):
    hearing = parent.discussion.hearing
    reply, _ = do_comment(author, hearing, body, parent=parent)
    return reply


def due_now(user, frequency):
    """Make the person's queued notifications old enough for the next digest."""
    cutoff = delivery.digest_cutoff(frequency)
    Notification.objects.filter(user=user, sent_at=None).update(
        created_at=cutoff - timezone.timedelta(hours=1)
    )


# ---------------------------------------------------------------- each kind


def test_a_reply_tells_the_author_of_the_comment_without_the_repliers_contact_details(
    hearing, kari, ola, django_capture_on_commit_callbacks
):
    comment, _ = do_comment(kari, hearing, "Bygg sykkelvei langs elva.")
    with django_capture_on_commit_callbacks(execute=True):
        reply_to(comment, ola, "Enig! Ring meg på 412 34 567 eller ola.replier@example.org")

    (message,) = mail.outbox
    assert message.to == [kari.email]
    assert "Kommuneplanen" in message.subject
    assert "Ola Svarer" in message.body  # the public name, as every reader sees it
    for text in (message.subject, message.body, html_of(message), str(message.extra_headers)):
        assert ola.email not in text
        assert "412 34 567" not in text
    assert Notification.objects.get(user=kari).kind == Kind.REPLY


def test_a_reply_from_an_elected_representative_says_so_as_the_site_does(
    hearing, kari, make_user, django_capture_on_commit_callbacks
):
    politician = make_user(
        email="pal@example.org",
        name="Pål Politiker",
        roles=("politician",),
        political_role="Ap, bystyret",
    )
    comment, _ = do_comment(kari, hearing, "Bygg sykkelvei langs elva.")
    with django_capture_on_commit_callbacks(execute=True):
        reply_to(comment, politician, "Vi tar det med i budsjettet.")

    (message,) = mail.outbox
    assert "Pål Politiker (Elected representative, Ap, bystyret)" in message.body
    assert "Pål Politiker (Elected representative, Ap, bystyret)" in html_of(message)


def test_replying_to_yourself_tells_no_one(hearing, kari, django_capture_on_commit_callbacks):
    comment, _ = do_comment(kari, hearing, "Bygg sykkelvei langs elva.")
    with django_capture_on_commit_callbacks(execute=True):
        reply_to(comment, kari, "Og en ting til.")
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_a_reply_held_for_moderation_is_told_when_it_is_published(
    hearing, kari, ola, moderator, django_capture_on_commit_callbacks
):
    comment, _ = do_comment(kari, hearing, "Bygg sykkelvei langs elva.")
    hearing.discussion.moderation = ModerationMode.PRE
    hearing.discussion.save()
    with django_capture_on_commit_callbacks(execute=True):
        reply = reply_to(comment, ola)
    assert reply.state == Contribution.State.PENDING
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        moderation.do_publish(moderator, reply)

    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        [
            (kari.email, 'New reply to you in "Kommuneplanen"'),
            (ola.email, 'Your post on "Kommuneplanen" is published'),
        ]
    )


def test_a_rejection_tells_the_author_the_reason_in_nynorsk(
    make_hearing, make_user, moderator, django_capture_on_commit_callbacks
):
    hearing = make_hearing("open", title="Kommuneplanen")
    hearing.discussion.moderation = ModerationMode.PRE
    hearing.discussion.save()
    nils = make_user(email="nils@example.org", name="Nils", preferred_language="nn")
    comment, _ = do_comment(nils, hearing, "Skriv om bussen.")

    with django_capture_on_commit_callbacks(execute=True):
        moderation.do_reject(moderator, comment, RejectionReason.OFF_TOPIC)

    (message,) = mail.outbox
    assert message.subject == "Innlegget ditt om «Kommuneplanen» vart ikkje publisert"
    assert "Skriv om bussen." in message.body
    assert html_of(message).startswith("<!DOCTYPE html>")
    assert '<html lang="nn">' in html_of(message)
    assert "/nn/avmelding/" in message.extra_headers["List-Unsubscribe"]


def test_the_response_to_a_submission_is_told_to_its_sender_once(
    make_hearing, kari, planner, django_capture_on_commit_callbacks
):
    hearing = make_hearing("closed", title="Reguleringsplan for sentrum")
    from hearings.models import Submission
    from hearings.operations import do_submit

    submission, _ = do_submit(kari, hearing, "Bevar parken.", idempotency_key="k1")
    Submission.objects.filter(pk=submission.pk).update(
        state="published", response="Parken bevares."
    )
    mail.outbox.clear()  # the receipt, queued with the submission

    with django_capture_on_commit_callbacks(execute=True):
        do_publish_responses(planner, hearing)

    (message,) = mail.outbox
    assert message.to == [kari.email]
    assert "Parken bevares." in message.body and "Parken bevares." in html_of(message)
    assert Notification.objects.get(user=kari).kind == Kind.RESPONSE


def test_a_new_idea_status_is_a_response_to_the_author_and_activity_for_supporters(
    make_user, planner, django_capture_on_commit_callbacks
):
    author = make_user(email="author@example.org", name="Author", preferred_language="en")
    supporter = make_user(email="supporter@example.org", name="Supporter")
    follower = make_user(email="follower@example.org", name="Follower", preferred_language="nn")
    idea, _ = ideas.do_post_idea(author, title="Lights in the park", body="More light, please.")
    ideas.do_support(supporter, idea)
    ideas.do_follow(follower, idea)

    with django_capture_on_commit_callbacks(execute=True):
        ideas.do_set_status(planner, idea, IdeaStatus.DONE, "The lights are up.")

    kinds = dict(Notification.objects.values_list("user__email", "kind"))
    assert kinds == {
        author.email: Kind.RESPONSE,
        supporter.email: Kind.FOLLOWED_ACTIVITY,
        follower.email: Kind.FOLLOWED_ACTIVITY,
    }
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {author.email, supporter.email, follower.email}
    assert (
        by_recipient[author.email].subject == 'New status for the idea "Lights in the park": Done'
    )
    assert "The lights are up." in by_recipient[author.email].body
    assert by_recipient[follower.email].subject.startswith("Ny status for ideen")
    assert planner.email not in by_recipient


# ---------------------------------------------------------------- how often


@pytest.mark.parametrize("frequency", [Frequency.IMMEDIATE, Frequency.DAILY, Frequency.NEVER])
def test_each_frequency_decides_when_the_mail_goes(
    frequency, make_hearing, kari, ola, django_capture_on_commit_callbacks
):
    from participation.notifications.management.commands.send_due_notifications import send_due

    choose(kari, Kind.REPLY, frequency)
    first = make_hearing("open", title="Kommuneplanen")
    second = make_hearing("open", title="Sykkelplanen")
    comments = [do_comment(kari, h, "Mitt innspill.")[0] for h in (first, second)]
    with django_capture_on_commit_callbacks(execute=True):
        for comment in comments:
            reply_to(comment, ola)

    if frequency == Frequency.IMMEDIATE:
        assert len(mail.outbox) == 2
        return
    assert mail.outbox == []
    due_now(kari, Frequency.DAILY)
    send_due()
    if frequency == Frequency.NEVER:
        assert mail.outbox == []
        assert not Notification.objects.filter(user=kari).exists()
        return
    (digest,) = mail.outbox
    assert digest.to == [kari.email]
    assert "daily summary" in digest.subject
    for title in ("Kommuneplanen", "Sykkelplanen"):
        assert title in digest.body and title in html_of(digest)
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Everything in it is claimed: the next run sends nothing.
    send_due()
    assert len(mail.outbox) == 1


def test_a_digest_groups_the_kinds_and_leaves_out_what_is_sent_at_once(
    hearing, kari, ola, moderator, django_capture_on_commit_callbacks
):
    choose(kari, Kind.REPLY, Frequency.WEEKLY)
    choose(kari, Kind.MODERATION, Frequency.WEEKLY)
    comment, _ = do_comment(kari, hearing, "Bygg sykkelvei langs elva.")
    with django_capture_on_commit_callbacks(execute=True):
        reply_to(comment, ola)
        moderation.do_reject(moderator, reply_to(comment, ola, "Ny tekst"), "off_topic")
    # Ola's own rejection went at once (his default); Kari's replies wait for the week.
    assert [m.to for m in mail.outbox] == [[ola.email]]
    mail.outbox.clear()
    due_now(kari, Frequency.WEEKLY)

    assert send_digest.call(kari.pk, Frequency.DAILY) == 0
    assert send_digest.call(kari.pk, Frequency.WEEKLY) == 2
    (digest,) = mail.outbox
    assert "weekly summary" in digest.subject
    assert digest.body.count("== Someone replies to me ==") == 1


def test_inactive_people_and_people_without_an_address_get_nothing(make_user):
    gone = make_user(is_active=False)
    silent = make_user()
    silent.email = ""
    silent.save()
    assert delivery.notify(Kind.NEW_HEARING, [gone.pk, silent.pk], "new-hearing:1") == 0
    assert not Notification.objects.exists()


# ---------------------------------------------------------------- once


def test_the_same_event_queued_twice_is_one_row_and_one_mail(
    hearing, kari, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.notify(Kind.NEW_HEARING, [kari.pk], "new-hearing:x", hearing=hearing)
        assert not delivery.notify(Kind.NEW_HEARING, [kari.pk], "new-hearing:x", hearing=hearing)
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_retried_task_sends_no_second_mail(hearing, kari, ola, make_user):
    choose(kari, Kind.REPLY, Frequency.DAILY)  # queued, not sent, so the tasks can be retried
    comment, _ = do_comment(kari, hearing, "Bygg sykkelvei langs elva.")
    reply_to(comment, ola)
    notification = Notification.objects.get(user=kari)

    assert send_notification.call(notification.pk) is True
    assert send_notification.call(notification.pk) is False
    send_notification.enqueue(notification.pk)
    assert len(mail.outbox) == 1

    due_now(kari, Frequency.DAILY)
    assert send_digest.call(kari.pk, Frequency.DAILY) == 0  # already sent alone


def test_a_retried_digest_sends_no_second_mail(hearing, kari, ola):
    choose(kari, Kind.REPLY, Frequency.DAILY)
    comment, _ = do_comment(kari, hearing, "Bygg sykkelvei langs elva.")
    reply_to(comment, ola)
    due_now(kari, Frequency.DAILY)

    send_digest.enqueue(kari.pk, Frequency.DAILY)
    send_digest.enqueue(kari.pk, Frequency.DAILY)
    assert len(mail.outbox) == 1


def test_a_failed_send_is_not_claimed_and_the_next_try_sends_it(
    hearing, kari, ola, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(message):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr(delivery, "send", broken)
    comment, _ = do_comment(kari, hearing, "Bygg sykkelvei langs elva.")
    with django_capture_on_commit_callbacks(execute=True):
        reply_to(comment, ola)
    notification = Notification.objects.get(user=kari)
    assert notification.sent_at is None

    monkeypatch.undo()
    send_notification.enqueue(notification.pk)
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.sent_at is not None


def test_a_post_hidden_before_the_mail_goes_is_not_told(
    hearing, kari, ola, moderator, django_capture_on_commit_callbacks
):
    choose(kari, Kind.REPLY, Frequency.DAILY)
    comment, _ = do_comment(kari, hearing, "Bygg sykkelvei langs elva.")
    reply = reply_to(comment, ola)
    moderation.do_hide(moderator, reply, "Personangrep")
    due_now(kari, Frequency.DAILY)

    assert send_digest.call(kari.pk, Frequency.DAILY) == 1  # claimed ...
    assert mail.outbox == []  # ... and nothing said


# ---------------------------------------------------------------- the mail itself


def test_every_notification_mail_has_text_html_and_one_click_unsubscribe(
    hearing, kari, ola, django_capture_on_commit_callbacks
):
    comment, _ = do_comment(kari, hearing, "Bygg sykkelvei langs elva.")
    with django_capture_on_commit_callbacks(execute=True):
        reply_to(comment, ola)
    (message,) = mail.outbox
    assert message.body.strip() and html_of(message)
    url = message.extra_headers["List-Unsubscribe"]
    assert url.startswith("<http") and url.endswith(">") and "/avmelding/" in url
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    # The footer says why, and links to unsubscribing and to the settings page.
    assert url[1:-1] in message.body and url[1:-1] in html_of(message)
    assert "/varsler/" in message.body
    assert "Someone replies to me" in message.body
    assert parseaddr(message.to[0])[1] == kari.email


def test_the_submission_receipt_is_not_a_notification_and_has_no_unsubscribe(
    hearing, kari, django_capture_on_commit_callbacks
):
    from hearings.operations import do_submit

    with django_capture_on_commit_callbacks(execute=True):
        do_submit(kari, hearing, "Jeg er imot planen.", idempotency_key="r1")
    (receipt,) = mail.outbox
    assert "List-Unsubscribe" not in receipt.extra_headers
    assert not Notification.objects.exists()
