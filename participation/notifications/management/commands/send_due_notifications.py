"""Queue and send what is due by the clock. Run it every few minutes (cron, `make run`).

- NEW_HEARING: hearings that have opened (published, opened in the last seven days, still
  open) go to those who follow the hearing, its area or one of its topics.
- HEARING_CLOSING: followed hearings that close within three days.
- Daily digests after 07:00 Oslo time, weekly digests from Monday 07:00.
- At-once mails still unsent after a while (a failed send) are enqueued again.
- Attachments uploaded for a preview and never sent are purged after UNSENT_UPLOAD_HOURS.

Every step is idempotent: the outbox key makes an event one row per person, and each send
claims its rows, so running it twice (or two at once) mails nobody twice.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from participation.notifications import delivery
from participation.notifications.models import Follow, Frequency, NotificationKind
from participation.notifications.politician_digest import send_due_politician_digests

NEW_HEARING_WINDOW = timedelta(days=7)
CLOSING_WINDOW = timedelta(days=3)
RETRY_AFTER = timedelta(minutes=10)


def queue_new_hearings(now) -> int:
    from hearings.permissions import visible_hearings

    queued = 0
    hearings = (
        visible_hearings()
        .filter(
            responses_published_at__isnull=True,
            opens_at__lte=now,
            opens_at__gte=now - NEW_HEARING_WINDOW,
            closes_at__gt=now,
        )
        .prefetch_related("topics")
    )
    for hearing in hearings:
        who = Q(hearing=hearing) | Q(topic__in=[t.pk for t in hearing.topics.all()])
        if hearing.area_id:
            who |= Q(area_id=hearing.area_id)
        followers = Follow.objects.filter(who).values_list("user_id", flat=True).distinct()
        with transaction.atomic():
            queued += delivery.notify(
                NotificationKind.NEW_HEARING,
                list(followers),
                f"new-hearing:{hearing.pk}",
                hearing=hearing,
            )
    return queued


def queue_closing_hearings(now) -> int:
    from hearings.permissions import visible_hearings

    queued = 0
    hearings = visible_hearings().filter(
        responses_published_at__isnull=True,
        opens_at__lte=now,
        closes_at__gt=now,
        closes_at__lte=now + CLOSING_WINDOW,
    )
    for hearing in hearings:
        followers = Follow.objects.filter(hearing=hearing).values_list("user_id", flat=True)
        with transaction.atomic():
            queued += delivery.notify(
                NotificationKind.HEARING_CLOSING,
                list(followers),
                f"hearing-closing:{hearing.pk}",
                hearing=hearing,
            )
    return queued


def enqueue_digests(now) -> int:
    from participation.notifications.tasks import send_digest

    enqueued = 0
    for frequency in (Frequency.DAILY, Frequency.WEEKLY):
        for user_id in delivery.users_with_due_digest(frequency, now):
            send_digest.enqueue(user_id, frequency.value)
            enqueued += 1
    return enqueued


def retry_unsent(now) -> int:
    ids = delivery.stale_immediate_ids(now - RETRY_AFTER)
    delivery.enqueue_sends(ids)
    return len(ids)


def purge_unsent_uploads(now) -> int:
    """Housekeeping that rides on this clock: attachments uploaded for a preview and never
    sent are deleted after UNSENT_UPLOAD_HOURS."""
    from hearings.uploads import do_purge_unsent_uploads

    return do_purge_unsent_uploads(now)


def send_due(now=None) -> dict[str, int]:
    now = now or timezone.now()
    done = {
        "new_hearing": queue_new_hearings(now),
        "hearing_closing": queue_closing_hearings(now),
        "digests": enqueue_digests(now),
        "retried": retry_unsent(now),
    }
    done["politician_digests"] = len(send_due_politician_digests(now))
    done["unsent_uploads_purged"] = purge_unsent_uploads(now)
    return done


class Command(BaseCommand):
    help = (
        "Queue notifications that are due by the clock (new and closing hearings) and send "
        "due digests. Idempotent; run it every 5-10 minutes."
    )

    def handle(self, *args, **options):
        done = send_due()
        self.stdout.write(" ".join(f"{name}={count}" for name, count in done.items()))
