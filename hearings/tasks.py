"""Background work for hearings; runs on the task worker (immediately in tests)."""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from hearings.models import Submission
from participation.notifications.mail import send_in_language


@task()
def send_submission_receipt(submission_id: int) -> None:
    """Mail the receipt once. It is queued in the submission's own transaction and queued again
    by a retried submission while `receipt_sent_at` is unset; the row lock makes the second of
    two such tasks wait for the first and then find the receipt sent."""
    with transaction.atomic():
        pending = (
            Submission.objects.select_for_update()
            .filter(pk=submission_id, receipt_sent_at__isnull=True)
            .values_list("pk", flat=True)
        )
        if not list(pending):
            return
        submission = Submission.objects.select_related("hearing", "author").get(pk=submission_id)
        send_in_language(submission.author, "hearings/email/receipt", {"submission": submission})
        Submission.objects.filter(pk=submission_id).update(receipt_sent_at=timezone.now())


@task()
def send_response_published(submission_id: int) -> None:
    """Queue the sender's RESPONSE notification (mailed at once or in their digest, as they
    chose; see participation/notifications). Claimed by a conditional UPDATE in the same
    transaction as the queueing: a retried or duplicated task queues nothing more."""
    from participation.notifications.delivery import notify
    from participation.notifications.models import NotificationKind

    with transaction.atomic():
        claimed = Submission.objects.filter(
            pk=submission_id,
            response_notified_at__isnull=True,
            hearing__responses_published_at__isnull=False,
        ).update(response_notified_at=timezone.now())
        if not claimed:
            return
        submission = Submission.objects.select_related("hearing").get(pk=submission_id)
        if submission.response and submission.author_id:
            notify(
                NotificationKind.RESPONSE,
                [submission.author_id],
                f"response:{submission.pk}",
                hearing=submission.hearing,
                contribution=submission,
            )


@task()
def detect_campaigns(hearing_id: int) -> int:
    """Suggest groups of identical or near-identical letters for the planner to confirm."""
    from hearings.campaigns import do_suggest_campaigns

    return do_suggest_campaigns(hearing_id)


@task()
def run_export(export_id: int) -> None:
    from hearings.exports import run_export as run

    run(export_id)
