"""What deleting the account will do, counted for the person before they confirm."""

from __future__ import annotations

from django.db.models import Q

from participation.accounts.privacy import OnDelete, entries


def deletion_summary(user) -> dict:
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    from hearings.models import Attachment
    from ideabank.models import Support
    from participation.accounts.privacy.export import sessions_of
    from participation.contributions.models import Contribution
    from participation.notifications.models import Follow, Notification, NotificationSetting

    mine = Contribution.objects.filter(author=user)
    published = mine.filter(state=Contribution.State.PUBLISHED)
    gone = mine.exclude(state=Contribution.State.PUBLISHED)
    return {
        "published_name": user.name or user.display_name,
        "published": published.count(),
        "published_submissions": published.filter(kind=Contribution.Kind.SUBMISSION).count(),
        "unpublished": gone.count(),
        "attachments_deleted": Attachment.objects.filter(
            Q(submission__in=gone) | Q(uploaded_by=user, submission=None)
        ).count(),
        "supports": Support.objects.filter(user=user).count(),
        "follows": Follow.objects.filter(user=user).count(),
        "notifications": Notification.objects.filter(user=user).count()
        + NotificationSetting.objects.filter(user=user).count(),
        "email_addresses": EmailAddress.objects.filter(user=user).count(),
        "social_accounts": SocialAccount.objects.filter(user=user).count(),
        "sessions": len(sessions_of(user)),
        "kept_anonymised": _registry_counts(user, OnDelete.ANONYMISE),
        "deleted": _registry_counts(user, OnDelete.DELETE),
    }


def _registry_counts(user, outcome) -> list[tuple[str, int]]:
    """(title, number of rows) of every registered kind with this outcome the person has."""
    counts = []
    for entry in entries():
        if entry.on_delete != outcome or entry.generic:
            continue
        n = entry.queryset(user).count()
        if n:
            counts.append((str(entry.title), n))
    return counts
