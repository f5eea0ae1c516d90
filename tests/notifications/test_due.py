"""send_due_notifications, the cron job: new and closing hearings, digests, retries. Every run
may repeat; nobody is mailed twice."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from ideabank.models import Topic
from participation.notifications import delivery
from participation.notifications.models import (
    Follow,
    Frequency,
    Notification,
    NotificationKind,
    NotificationSetting,
)

Kind = NotificationKind
OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """One cron run; what it queues is enqueued when its transactions commit."""

    def run_once():
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_due_notifications", stdout=StringIO())

    return run_once


@pytest.fixture
def person(make_user):
    def make(email, **fields):
        return make_user(email=email, preferred_language="en", **fields)

    return make


def test_a_hearing_that_opens_is_told_once_to_those_who_follow_its_area_or_topics(
    make_hearing, make_area, person, run
):
    area = make_area("Sentrum", "sentrum")
    traffic = Topic.objects.create(name="Trafikk", slug="trafikk")
    hearing = make_hearing("open", title="Sykkelplanen", area=area)
    hearing.topics.add(traffic)
    by_area, by_topic, both, neither = (
        person(f"{name}@example.org") for name in ("area", "topic", "both", "neither")
    )
    Follow.objects.create(user=by_area, area=area)
    Follow.objects.create(user=by_topic, topic=traffic)
    Follow.objects.create(user=both, area=area)
    Follow.objects.create(user=both, topic=traffic)
    Follow.objects.create(user=neither, topic=Topic.objects.create(name="Kultur", slug="kultur"))

    run()
    run()

    assert sorted(m.to[0] for m in mail.outbox) == [
        "area@example.org",
        "both@example.org",
        "topic@example.org",
    ]
    assert all(m.subject == 'New hearing: "Sykkelplanen"' for m in mail.outbox)
    assert set(Notification.objects.values_list("key", flat=True)) == {f"new-hearing:{hearing.pk}"}


def test_hearings_not_open_or_opened_long_ago_are_not_announced(
    make_hearing, make_area, person, run
):
    area = make_area("Sentrum", "sentrum")
    follower = person("kari@example.org")
    Follow.objects.create(user=follower, area=area)
    make_hearing("upcoming", area=area)
    make_hearing("draft", area=area)
    make_hearing("closed", area=area)
    old = make_hearing("open", area=area)
    old.opens_at = timezone.now() - timedelta(days=8)
    old.save()

    run()

    assert mail.outbox == []


def test_a_followed_hearing_closing_within_three_days_is_told_once(make_hearing, person, run):
    kari = person("kari@example.org")
    soon = make_hearing("open", title="Snart slutt")
    soon.closes_at = timezone.now() + timedelta(days=2)
    soon.save()
    later = make_hearing("open", title="God tid")
    for hearing in (soon, later):
        Follow.objects.create(user=kari, hearing=hearing)

    run()
    run()

    subjects = [m.subject for m in mail.outbox]
    assert 'The hearing "Snart slutt" closes soon' in subjects
    assert not any("God tid" in s and "closes" in s for s in subjects)
    assert Notification.objects.filter(kind=Kind.HEARING_CLOSING).count() == 1


def test_a_daily_digest_waits_for_the_morning_and_then_carries_everything_once(
    make_hearing, make_area, person, run
):
    area = make_area("Sentrum", "sentrum")
    kari = person("kari@example.org")
    NotificationSetting.objects.create(user=kari, kind=Kind.NEW_HEARING, frequency=Frequency.DAILY)
    Follow.objects.create(user=kari, area=area)
    make_hearing("open", title="Sykkelplanen", area=area)
    make_hearing("open", title="Skoleplanen", area=area)

    run()
    assert mail.outbox == []  # queued after this morning's digest: tomorrow's
    assert Notification.objects.filter(user=kari, sent_at=None).count() == 2

    Notification.objects.update(
        created_at=delivery.digest_cutoff(Frequency.DAILY) - timedelta(minutes=5)
    )
    run()
    run()

    (digest,) = mail.outbox
    assert "daily summary" in digest.subject and "(2 new)" in digest.subject
    assert "Sykkelplanen" in digest.body and "Skoleplanen" in digest.body
    assert not Notification.objects.filter(sent_at=None).exists()


def test_a_weekly_digest_is_not_sent_by_the_daily_run(make_hearing, make_area, person, run):
    area = make_area("Sentrum", "sentrum")
    kari = person("kari@example.org")
    NotificationSetting.objects.create(user=kari, kind=Kind.NEW_HEARING, frequency=Frequency.WEEKLY)
    Follow.objects.create(user=kari, area=area)
    make_hearing("open", title="Sykkelplanen", area=area)
    run()
    # Older than today's daily cutoff, but newer than the last Monday morning.
    Notification.objects.update(
        created_at=delivery.digest_cutoff(Frequency.WEEKLY) + timedelta(minutes=1)
    )
    if delivery.digest_cutoff(Frequency.WEEKLY) != delivery.digest_cutoff(Frequency.DAILY):
        run()
        assert mail.outbox == []

    Notification.objects.update(
        created_at=delivery.digest_cutoff(Frequency.WEEKLY) - timedelta(minutes=1)
    )
    run()
    (digest,) = mail.outbox
    assert "weekly summary" in digest.subject


def test_an_at_once_mail_that_failed_is_sent_by_a_later_run(
    make_hearing, make_area, person, monkeypatch, run
):
    area = make_area("Sentrum", "sentrum")
    kari = person("kari@example.org")
    Follow.objects.create(user=kari, area=area)
    make_hearing("open", area=area)

    def broken(message):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr(delivery, "send", broken)
    run()
    monkeypatch.undo()
    assert mail.outbox == []
    run()  # too soon to retry: the first task may still be waiting for the worker
    assert mail.outbox == []

    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    run()
    run()
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("local", "frequency", "cutoff"),
    [
        # Wednesday 25 November 2026
        ((2026, 11, 25, 6, 59), Frequency.DAILY, (2026, 11, 24, 7, 0)),
        ((2026, 11, 25, 7, 0), Frequency.DAILY, (2026, 11, 25, 7, 0)),
        ((2026, 11, 25, 23, 0), Frequency.DAILY, (2026, 11, 25, 7, 0)),
        ((2026, 11, 25, 12, 0), Frequency.WEEKLY, (2026, 11, 23, 7, 0)),
        # Monday 23 November, before and after seven
        ((2026, 11, 23, 6, 0), Frequency.WEEKLY, (2026, 11, 16, 7, 0)),
        ((2026, 11, 23, 7, 30), Frequency.WEEKLY, (2026, 11, 23, 7, 0)),
        # Summer time: seven in Oslo is 05:00 UTC
        ((2026, 7, 1, 7, 10), Frequency.DAILY, (2026, 7, 1, 7, 0)),
    ],
)
def test_digests_are_cut_at_seven_in_the_morning_oslo_time(local, frequency, cutoff):
    now = datetime(*local, tzinfo=OSLO)
    assert delivery.digest_cutoff(frequency, now) == datetime(*cutoff, tzinfo=OSLO)


def test_the_cron_run_sends_a_politician_their_daily_digest_once(make_hearing, make_user, run):
    from hearings.operations import do_submit
    from participation.contributions.models import Contribution
    from participation.notifications.politician_digest import due_periods, period_from_key

    politician = make_user(
        email="ola@example.org",
        roles=("politician",),
        political_role="Ap, bystyret",
        preferred_language="en",
    )
    NotificationSetting.objects.create(
        user=politician, kind=Kind.POLITICIAN_DIGEST, frequency=Frequency.DAILY
    )
    hearing = make_hearing("open", title="Sykkelplanen")
    Follow.objects.create(user=politician, hearing=hearing)
    (period_key,) = [key for freq, key in due_periods(timezone.now()) if freq == Frequency.DAILY]
    start, _end = period_from_key(Frequency.DAILY, period_key)
    submission, _ = do_submit(make_user(email="kari@example.org"), hearing, "Jeg er imot planen.")
    Contribution.objects.filter(pk=submission.pk).update(
        state="published", published_at=start + timedelta(hours=12)
    )
    mail.outbox.clear()

    run()
    run()

    # Following the hearing also brings its opening notice; the digest is the other mail.
    (digest,) = [m for m in mail.outbox if "digest" in m.subject]
    assert digest.to == ["ola@example.org"]
    assert "Sykkelplanen" in digest.body
    assert "kari@example.org" not in digest.body
