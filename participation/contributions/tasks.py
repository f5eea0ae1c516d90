"""Background work for moderation; runs on the task worker (immediately in tests)."""

from django_tasks import task

from participation.contributions.models import Contribution

DECISIONS = {"published", "rejected"}


@task()
def notify_author_of_decision(contribution_id: int, decision: str) -> None:
    """Kept for tasks queued before decisions went through the notification outbox: queue the
    author's notification (once, by its key); it is mailed in their language by
    participation.notifications.tasks, at once or in their digest."""
    from participation.notifications.delivery import notify
    from participation.notifications.models import NotificationKind

    if decision not in DECISIONS:
        raise ValueError(f"Unknown decision {decision!r}")
    contribution = Contribution.objects.filter(pk=contribution_id).first()
    if contribution is None or contribution.author_id is None:
        return
    notify(
        NotificationKind.MODERATION,
        [contribution.author_id],
        f"moderation:{contribution.pk}:{decision}",
        contribution=contribution,
    )
