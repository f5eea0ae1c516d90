"""Send what the outbox holds; runs on the task worker (immediately in tests).

Each send claims its rows (`sent_at`, a conditional UPDATE) in the transaction that sends: a
retried or duplicated task finds them claimed and mails no one, and a failed send rolls the
claim back, so the next run of `send_due_notifications` tries again.
"""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from participation.notifications import delivery
from participation.notifications.models import Frequency, Notification


@task()
def send_notification(notification_id: int) -> bool:
    """Mail one notification at once. Returns whether a mail went out."""
    with transaction.atomic():
        claimed = Notification.objects.filter(pk=notification_id, sent_at=None).update(
            sent_at=timezone.now()
        )
        if not claimed:
            return False
        notification = Notification.objects.select_related(
            "user", "hearing", "idea", "contribution__discussion"
        ).get(pk=notification_id)
        message = delivery.build_single(notification)
        if message is None:  # no longer true (hidden, reversed): claimed, and nothing said
            return False
        delivery.send(message)
    return True


@task()
def send_digest(user_id: int, frequency: str) -> int:
    """Mail the person one digest of everything due for `frequency`, grouped by kind. Returns
    how many notifications it claimed."""
    from participation.accounts.models import User

    if frequency not in (Frequency.DAILY, Frequency.WEEKLY):
        raise ValueError(f"Not a digest frequency: {frequency!r}")
    with transaction.atomic():
        # Locked, so a second digest task for the same person waits and then finds them sent.
        ids = list(
            Notification.objects.select_for_update()
            .filter(pk__in=delivery.due_digest_notifications(user_id, frequency).values("pk"))
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        claimed = Notification.objects.filter(pk__in=ids, sent_at=None).update(
            sent_at=timezone.now()
        )
        if claimed != len(ids):
            # Another digest got some of them first: roll back and let the next run decide.
            raise RuntimeError("Notifications claimed by another task; retry later")
        notifications = list(
            Notification.objects.filter(pk__in=ids).select_related(
                "hearing", "idea", "contribution__discussion"
            )
        )
        user = User.objects.get(pk=user_id)
        message = delivery.build_digest(user, frequency, notifications)
        if message is not None:
            delivery.send(message)
    return len(ids)
