"""Retention: delete what the platform no longer needs, as PrivacySettings says.

Idempotent: each rule deletes rows older than a cut-off, so running it twice, or from two
workers at once, deletes nothing more. Run daily (docs/deploy.md):
`manage.py apply_retention`, or enqueue the `apply_retention_task`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger("participation.accounts")


@dataclass
class RetentionResult:
    accounts: int = 0
    notifications: int = 0
    rejected_posts: int = 0


def unverified_accounts(days: int, now=None):
    """E-mail accounts that never confirmed an address, never used eID, never got a role."""
    from allauth.account.models import EmailAddress

    from participation.accounts.models import AssuranceLevel, User

    cutoff = (now or timezone.now()) - timedelta(days=days)
    confirmed = EmailAddress.objects.filter(verified=True).values("user_id")
    return User.objects.filter(
        date_joined__lt=cutoff,
        assurance_level=AssuranceLevel.NONE,
        pid_hash=None,
        is_staff=False,
        is_superuser=False,
        socialaccount=None,
        last_login=None,
    ).exclude(pk__in=confirmed)


def apply_retention(now=None) -> RetentionResult:
    from participation.accounts import operations
    from participation.accounts.models import PrivacySettings
    from participation.accounts.privacy.contributions import delete_contributions
    from participation.contributions.models import Contribution
    from participation.notifications.models import Notification

    now = now or timezone.now()
    rules = PrivacySettings.load()
    result = RetentionResult()
    if rules.unverified_account_days:
        for user in unverified_accounts(rules.unverified_account_days, now).iterator():
            try:
                operations.do_delete_account(user)
            except operations.AccountDeletionRefused:
                continue
            result.accounts += 1
    if rules.notification_days:
        cutoff = now - timedelta(days=rules.notification_days)
        result.notifications, _ = Notification.objects.filter(created_at__lt=cutoff).delete()
    if rules.rejected_post_days:
        cutoff = now - timedelta(days=rules.rejected_post_days)
        rejected = Contribution.objects.filter(state=Contribution.State.REJECTED).filter(
            Q(reviewed_at__lt=cutoff) | Q(reviewed_at=None, updated_at__lt=cutoff)
        )
        with transaction.atomic():
            ids = list(rejected.values_list("pk", flat=True))
            delete_contributions(ids)
        result.rejected_posts = len(ids)
    logger.info(
        "Retention applied: %s accounts, %s notifications, %s rejected posts deleted",
        result.accounts,
        result.notifications,
        result.rejected_posts,
    )
    return result


@task()
def apply_retention_task() -> None:
    apply_retention()
