"""Background work for the idea bank; runs on the task worker (immediately in tests)."""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from ideabank.models import IdeaStatusChange, Support
from participation.accounts.models import User
from participation.notifications.models import Follow


def status_change_recipients(change: IdeaStatusChange) -> list[User]:
    """Supporters and followers, each once, except the person who made the change."""
    ids = set(Support.objects.filter(idea=change.idea_id).values_list("user_id", flat=True))
    ids |= set(Follow.objects.filter(idea=change.idea_id).values_list("user_id", flat=True))
    ids.discard(change.changed_by_id)
    return list(User.objects.filter(pk__in=ids, is_active=True).exclude(email="").order_by("pk"))


@task()
def notify_status_change(change_id: int) -> int:
    """Queue the notifications about a new status: RESPONSE for the idea's author,
    FOLLOWED_ACTIVITY for supporters and followers (each once, not the person who made the
    change). They are mailed in each one's language, at once or in their digest (see
    participation/notifications). Returns how many were queued; a retried task finds the
    change already claimed and queues nothing."""
    from participation.notifications.delivery import notify
    from participation.notifications.models import NotificationKind

    with transaction.atomic():
        claimed = IdeaStatusChange.objects.filter(pk=change_id, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
        if not claimed:
            return 0
        change = IdeaStatusChange.objects.select_related("idea").get(pk=change_id)
        idea = change.idea
        key = f"idea-status:{change.pk}"
        queued = notify(
            NotificationKind.RESPONSE,
            [idea.author_id],
            key,
            idea=idea,
            exclude_user_id=change.changed_by_id,
        )
        others = {user.pk for user in status_change_recipients(change)} - {idea.author_id}
        queued += notify(NotificationKind.FOLLOWED_ACTIVITY, others, key, idea=idea)
    return queued
