from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hearings.operations import do_submit
from ideabank.operations import do_comment_on_idea, do_post_idea
from participation.contributions.models import Comment, Contribution
from participation.contributions.operations import do_create_comment
from participation.notifications.models import (
    Follow,
    Frequency,
    Notification,
    NotificationKind,
    NotificationSetting,
)
from participation.notifications.politician_digest import (
    build_politician_digests,
    deliver,
    outbox_key,
    period_for,
    period_key_for,
    send_due_politician_digests,
    send_politician_digests,
)

WEEKLY = Frequency.WEEKLY
KIND = NotificationKind.POLITICIAN_DIGEST


def local(*args):
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def in_period(now):
    """A moment inside the weekly period that a digest sent `now` covers."""
    start, _end = period_for(WEEKLY, now)
    return start + timedelta(days=2)


@pytest.fixture
def politician(make_user):
    return make_user(
        email="ola@example.org", name="Ola Folkevalgt", roles=("politician",), political_role="Ap"
    )


def published_at(contribution, when):
    Contribution.objects.filter(pk=contribution.pk).update(published_at=when)
    return contribution


def comment(author, discussion, when, text="Et innlegg.", parent=None):
    created, _ = do_create_comment(author, discussion, text, parent=parent)
    return published_at(created, when)


def submission(author, hearing, when, text="Jeg er imot planen."):
    created, _ = do_submit(author, hearing, text)
    Contribution.objects.filter(pk=created.pk).update(state="published")
    return published_at(created, when)


def test_a_politician_gets_counts_threads_and_deadlines_of_what_they_follow(
    make_user, make_hearing, politician, now, in_period
):
    residents = [make_user(email=f"r{i}@example.org", name=f"Resident {i}") for i in range(3)]
    hearing = make_hearing(title="Kommuneplanen")
    soon = make_hearing(title="Skolestruktur")
    soon.closes_at = now + timedelta(days=5)
    soon.save(update_fields=["closes_at"])
    idea, _ = do_post_idea(residents[0], title="Benker i parken", body="Flere benker.")
    Follow.objects.bulk_create(
        [
            Follow(user=politician, hearing=hearing),
            Follow(user=politician, hearing=soon),
            Follow(user=politician, idea=idea),
        ]
    )
    submission(residents[0], hearing, in_period)
    submission(residents[1], hearing, in_period)
    hot = comment(residents[0], hearing.discussion, in_period, "Trafikken er for stor.")
    for resident in residents:
        comment(resident, hearing.discussion, in_period, "Enig.", parent=hot)
    quiet = comment(residents[1], hearing.discussion, in_period, "Stille tråd.")
    do_comment_on_idea(residents[1], idea, "God idé.")
    published_at(Comment.objects.filter(discussion=idea.comments_discussion).get(), in_period)
    # Not counted: before the period, and hidden.
    comment(residents[2], hearing.discussion, in_period - timedelta(days=9), "Gammelt.")
    hidden = comment(residents[2], hearing.discussion, in_period, "Skjult.")
    Contribution.objects.filter(pk=hidden.pk).update(state="hidden")

    (digest,) = build_politician_digests(WEEKLY, now)

    assert digest.user == politician
    assert (digest.new_submissions, digest.new_comments) == (2, 6)
    by_title = {t.title: t for t in digest.active_targets}
    assert by_title["Kommuneplanen"].new_submissions == 2
    assert by_title["Kommuneplanen"].new_comments == 5
    assert by_title["Benker i parken"].new_comments == 1
    assert "Skolestruktur" not in by_title  # nothing new there
    assert [t.comment_id for t in digest.threads][:2] == [hot.pk, quiet.pk]
    assert digest.threads[0].new_posts == 4
    assert digest.threads[0].author_name == "Resident 0"
    assert [t.title for t in digest.deadlines] == ["Skolestruktur"]


def test_only_politicians_who_chose_the_frequency_get_a_digest(
    make_user, make_hearing, politician, now, in_period
):
    daily = make_user(email="daily@example.org", roles=("politician",))
    NotificationSetting.objects.create(user=daily, kind=KIND, frequency=Frequency.DAILY)
    never = make_user(email="never@example.org", roles=("politician",))
    NotificationSetting.objects.create(user=never, kind=KIND, frequency=Frequency.NEVER)
    resident = make_user(email="resident@example.org")
    hearing = make_hearing()
    Follow.objects.bulk_create(
        [Follow(user=user, hearing=hearing) for user in (politician, daily, never, resident)]
    )
    comment(resident, hearing.discussion, in_period)

    assert [d.user for d in build_politician_digests(WEEKLY, now)] == [politician]


def test_nothing_new_and_no_deadline_sends_no_mail(make_hearing, politician, now):
    Follow.objects.create(user=politician, hearing=make_hearing())
    mail.outbox.clear()

    assert send_politician_digests.enqueue(WEEKLY, period_key_for(WEEKLY, now)).return_value == 0
    assert mail.outbox == []


def test_the_mail_is_in_the_recipients_language_with_text_html_and_links(
    make_user, make_hearing, plan_page, politician, now, in_period
):
    politician.preferred_language = "en"
    politician.save(update_fields=["preferred_language"])
    resident = make_user(email="kari@example.org", name="Kari Nordmann")
    hearing = make_hearing(title="Kommuneplanen")
    page = plan_page(hearing)
    idea, _ = do_post_idea(resident, title="Benker i parken", body="Flere benker.")
    Follow.objects.bulk_create(
        [Follow(user=politician, hearing=hearing), Follow(user=politician, idea=idea)]
    )
    thread = comment(resident, hearing.discussion, in_period, "Ring meg på kari@example.org")
    do_comment_on_idea(resident, idea, "God idé.")
    published_at(Comment.objects.filter(discussion=idea.comments_discussion).get(), in_period)
    mail.outbox.clear()

    send_politician_digests.enqueue(WEEKLY, period_key_for(WEEKLY, now))

    (message,) = mail.outbox
    assert message.to == ["ola@example.org"]
    assert message.subject == "Your weekly digest: 2 new posts in what you follow"
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    assert '<html lang="en">' in html
    for body in (message.body, html):
        assert "Hello Ola Folkevalgt" in body
        assert "1 new comment" in body
        assert f"http://testserver{page.url}" in body or page.url in body
        assert f"/en/ideer/{idea.pk}/" in body
        assert f"#comment-{thread.pk}" in body
        # Nobody else's contact details: the comment's e-mail address was redacted.
        assert "kari@example.org" not in body
        assert "resident" not in body.lower() or "Kari Nordmann" in body


def test_a_retried_task_sends_no_second_mail(make_user, make_hearing, politician, now, in_period):
    resident = make_user(email="kari@example.org")
    hearing = make_hearing()
    Follow.objects.create(user=politician, hearing=hearing)
    comment(resident, hearing.discussion, in_period)
    key = period_key_for(WEEKLY, now)
    mail.outbox.clear()

    assert send_politician_digests.enqueue(WEEKLY, key).return_value == 1
    assert send_politician_digests.enqueue(WEEKLY, key).return_value == 0

    assert len(mail.outbox) == 1
    row = Notification.objects.get(user=politician, kind=KIND)
    assert row.key == outbox_key(WEEKLY, key) == f"politician-digest:weekly:{key}"
    assert row.sent_at is not None


def test_a_failed_send_is_not_marked_sent_and_the_retry_sends_it(
    make_user, make_hearing, politician, now, in_period, monkeypatch
):
    resident = make_user(email="kari@example.org")
    hearing = make_hearing()
    Follow.objects.create(user=politician, hearing=hearing)
    comment(resident, hearing.discussion, in_period)
    digests = build_politician_digests(WEEKLY, now)
    mail.outbox.clear()

    from django.core.mail.backends.locmem import EmailBackend

    def broken(self, messages):
        raise ConnectionError("SMTP server gone")

    with monkeypatch.context() as patch:
        patch.setattr(EmailBackend, "send_messages", broken)
        with pytest.raises(ConnectionError):
            deliver(digests, "politician-digest:weekly:test")
    assert Notification.objects.get(user=politician).sent_at is None

    assert deliver(digests, "politician-digest:weekly:test") == 1
    assert deliver(digests, "politician-digest:weekly:test") == 0
    assert len(mail.outbox) == 1


def fill(make_user, make_hearing, followers: int, posts: int, in_period, tag: str):
    """`followers` politicians follow one hearing and one idea; `posts` new posts in each,
    a third of them replies, and a few submissions."""
    from django.contrib.auth.models import Group

    from participation.accounts.models import User

    authors = [make_user(email=f"{tag}-author{i}@example.org") for i in range(3)]
    hearing = make_hearing()
    idea, _ = do_post_idea(authors[0], title=f"Idé {tag}", body="Flere benker.")
    users = User.objects.bulk_create(
        [
            User(username=f"{tag}-{i}", email=f"{tag}-{i}@example.org", name=f"P {i}")
            for i in range(followers)
        ]
    )
    Group.objects.get(name="politician").user_set.add(*users)
    Follow.objects.bulk_create(
        [Follow(user=u, hearing=hearing) for u in users]
        + [Follow(user=u, idea=idea) for u in users]
    )
    roots = []
    for i in range(posts):
        parent = roots[i % len(roots)] if roots and i % 3 == 0 else None
        made = comment(authors[i % 3], hearing.discussion, in_period, f"Innlegg {i}", parent)
        roots += [] if parent else [made]
        comment(authors[i % 3], idea.comments_discussion, in_period, f"Om ideen {i}")
    for i in range(min(posts, 3)):
        submission(authors[i], hearing, in_period)
    return hearing


def test_building_every_digest_takes_the_same_queries_for_few_and_many(
    make_user, make_hearing, plan_page, now, in_period, django_assert_num_queries
):
    small = fill(make_user, make_hearing, 2, 5, in_period, "small")
    plan_page(small)
    build_politician_digests(WEEKLY, now)  # warm Wagtail's cache of site root paths

    # Recipients, their frequencies, their follows, the hearings + their plan pages, the
    # ideas, the counts per discussion, the threads, the threads' first comments.
    with django_assert_num_queries(9):
        assert len(build_politician_digests(WEEKLY, now)) == 2

    large = fill(make_user, make_hearing, 40, 60, in_period, "large")
    plan_page(large)
    build_politician_digests(WEEKLY, now)
    with django_assert_num_queries(9):
        digests = build_politician_digests(WEEKLY, now)
    assert len(digests) == 42
    assert max(d.new_comments for d in digests) == 120


def test_sending_every_digest_takes_the_same_queries_for_few_and_many(
    make_user, make_hearing, now, in_period
):
    def queries_to_send(tag):
        Notification.objects.all().delete()
        mail.outbox.clear()
        with CaptureQueriesContext(connection) as queries:
            sent = send_politician_digests.enqueue(WEEKLY, period_key_for(WEEKLY, now))
        return len(queries), sent.return_value

    fill(make_user, make_hearing, 2, 5, in_period, "small")
    few, sent_few = queries_to_send("small")
    fill(make_user, make_hearing, 40, 60, in_period, "large")
    many, sent_many = queries_to_send("large")
    assert (sent_few, sent_many) == (2, 42)
    # Rendering the mails runs no queries: building, queueing and claiming are all there is.
    assert few == many


def test_daily_digests_are_due_every_morning_and_weekly_ones_on_mondays(
    make_user, make_hearing, politician, monkeypatch
):
    from types import SimpleNamespace

    from participation.notifications import politician_digest

    queued = []
    fake = SimpleNamespace(enqueue=lambda *args: queued.append(args))
    monkeypatch.setattr(politician_digest, "send_politician_digests", fake)
    # Something to tell in every period, daily and weekly: a followed hearing closes within the
    # deadline days (a period where every digest is empty is not queued at all).
    hearing = make_hearing()
    hearing.opens_at, hearing.closes_at = local(2026, 11, 2, 0, 0), local(2026, 11, 30, 23, 59)
    hearing.save(update_fields=["opens_at", "closes_at"])
    daily = make_user(email="daily@example.org", roles=("politician",))
    NotificationSetting.objects.create(user=daily, kind=KIND, frequency=Frequency.DAILY)
    for person in (politician, daily):
        Follow.objects.create(user=person, hearing=hearing)
    monday_night = local(2026, 11, 23, 3, 0)
    monday = local(2026, 11, 23, 7, 0)
    tuesday = local(2026, 11, 24, 7, 0)

    # Before seven: still the previous ones (caught up if they were missed).
    assert send_due_politician_digests(monday_night) == [
        ("daily", "2026-11-21"),
        ("weekly", "2026-11-09"),
    ]
    assert send_due_politician_digests(monday) == [
        ("daily", "2026-11-22"),
        ("weekly", "2026-11-16"),
    ]
    assert queued == [
        ("daily", "2026-11-21"),
        ("weekly", "2026-11-09"),
        ("daily", "2026-11-22"),
        ("weekly", "2026-11-16"),
    ]
    # A period whose rows are all sent is not queued again; one with an unsent row is.
    for frequency, key in [("daily", "2026-11-23"), ("weekly", "2026-11-16")]:
        Notification.objects.create(
            user=politician, kind=KIND, key=outbox_key(frequency, key), sent_at=tuesday
        )
    assert send_due_politician_digests(tuesday + timedelta(hours=3)) == []
    other = make_user(email="other@example.org", roles=("politician",))
    Notification.objects.create(user=other, kind=KIND, key=outbox_key("daily", "2026-11-23"))
    assert send_due_politician_digests(tuesday) == [("daily", "2026-11-23")]


def test_a_quiet_period_sends_nothing_and_is_not_recorded_as_sent(
    make_hearing, politician, now, monkeypatch
):
    from types import SimpleNamespace

    from participation.notifications import politician_digest

    Follow.objects.create(user=politician, hearing=make_hearing())
    key = period_key_for(WEEKLY, now)
    mail.outbox.clear()

    assert send_politician_digests.enqueue(WEEKLY, key).return_value == 0

    assert mail.outbox == []
    # The person's record (privacy export) must not show a digest "sent" that never was.
    assert not Notification.objects.filter(user=politician, kind=KIND).exists()
    # ... and the scheduler does not queue a task for a period with nothing to tell.
    queued = []
    fake = SimpleNamespace(enqueue=lambda *args: queued.append(args))
    monkeypatch.setattr(politician_digest, "send_politician_digests", fake)
    assert send_due_politician_digests(now) == []


def test_the_digest_has_one_click_unsubscribe_for_the_digest_kind(
    make_user, make_hearing, politician, now, in_period
):
    delivery = pytest.importorskip("participation.notifications.delivery")
    from django.urls import NoReverseMatch

    try:
        delivery.unsubscribe_url(politician.pk, KIND)
    except NoReverseMatch:
        pytest.skip("the unsubscribe page is not wired up")
    from participation.notifications.unsubscribe import read_token

    hearing = make_hearing()
    Follow.objects.create(user=politician, hearing=hearing)
    comment(make_user(email="kari@example.org"), hearing.discussion, in_period)
    mail.outbox.clear()

    send_politician_digests.enqueue(WEEKLY, period_key_for(WEEKLY, now))

    (message,) = mail.outbox
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in message.body and link in message.alternatives[0][0]
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert read_token(token) == (politician, KIND)
