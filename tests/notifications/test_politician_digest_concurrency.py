"""The politicians' digest under parallel runs of its task: real concurrent transactions on
PostgreSQL. However many workers run the same period at once, each politician gets one mail."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from participation.contributions.models import Contribution
from participation.contributions.operations import do_create_comment
from participation.notifications.models import Follow, Notification
from participation.notifications.politician_digest import (
    period_for,
    period_key_for,
    send_politician_digests,
)
from tests.concurrency import POSTGRES_CONCURRENCY, in_parallel

pytestmark = POSTGRES_CONCURRENCY


def test_parallel_runs_of_the_same_digest_mail_each_politician_once(make_user, make_hearing):
    now = timezone.now()
    hearing = make_hearing()
    politicians = [make_user(email=f"p{i}@example.org", roles=("politician",)) for i in range(12)]
    Follow.objects.bulk_create([Follow(user=p, hearing=hearing) for p in politicians])
    resident = make_user(email="kari@example.org")
    comment, _ = do_create_comment(resident, hearing.discussion, "Et innlegg.")
    start, _end = period_for("weekly", now)
    Contribution.objects.filter(pk=comment.pk).update(published_at=start + timedelta(days=1))
    key = period_key_for("weekly", now)
    mail.outbox = []

    results = in_parallel([lambda: send_politician_digests.call("weekly", key)] * 4)

    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == 12
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in politicians)
    assert Notification.objects.filter(sent_at__isnull=True).count() == 0
