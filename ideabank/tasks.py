"""Background work for the idea bank; runs on the task worker (immediately in tests)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
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
    """Mail supporters and followers about a new status, in each one's language. Returns how
    many were mailed; a retried task finds the change already claimed and mails nobody."""
    claimed = IdeaStatusChange.objects.filter(pk=change_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if not claimed:
        return 0
    change = IdeaStatusChange.objects.select_related("idea").get(pk=change_id)
    recipients = status_change_recipients(change)
    for user in recipients:
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            context = {
                "user": user,
                "LANGUAGE_CODE": translation.get_language(),
                "idea": change.idea,
                "change": change,
                "status_label": change.get_status_display(),
                "url": settings.SITE_URL + reverse("ideabank:detail", args=[change.idea_id]),
            }
            subject = render_to_string("ideabank/email/status_subject.txt", context).strip()
            text = render_to_string("ideabank/email/status.txt", context)
            html = render_to_string("ideabank/email/status.html", context)
        message = EmailMultiAlternatives(subject, text, to=[user.email])
        message.attach_alternative(html, "text/html")
        message.send()
    return len(recipients)
