"""A submission and its receipt commit together; a retry repairs a receipt that never went.

The receipt is a task row in the same database (django-tasks-db). Queueing it in a commit
callback lost it whenever the worker died, or Redis failed, between the commit and the callback.
"""

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from hearings.models import Submission
from hearings.operations import do_submit
from hearings.tasks import send_submission_receipt

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
RECEIPT_TASK = "hearings.tasks.send_submission_receipt"


def receipt_rows(submission):
    return [
        row
        for row in DBTaskResult.objects.filter(task_path=RECEIPT_TASK)
        if row.args_kwargs["args"] == [submission.pk]
    ]


@override_settings(TASKS=DATABASE_TASKS)
def test_a_submission_is_stored_with_its_receipt_queued_even_if_nothing_runs_after_the_commit(
    make_hearing, resident
):
    # No commit callback runs here (pytest-django keeps the test in one transaction): what is
    # queued was queued inside the submission's own transaction.
    submission, created = do_submit(resident, make_hearing(), "Jeg er imot.", idempotency_key="a")
    assert created
    assert len(receipt_rows(submission)) == 1


@override_settings(TASKS=DATABASE_TASKS)
def test_a_submission_that_is_rolled_back_leaves_no_receipt_queued(make_hearing, resident):
    hearing = make_hearing()
    with pytest.raises(RuntimeError), transaction.atomic():
        do_submit(resident, hearing, "Jeg er imot.", idempotency_key="b")
        raise RuntimeError("the request failed after the submission")
    assert not Submission.objects.exists()
    assert not DBTaskResult.objects.filter(task_path=RECEIPT_TASK).exists()


def test_sending_again_with_the_same_key_mails_a_receipt_that_never_went(make_hearing, resident):
    hearing = make_hearing()
    submission, _ = do_submit(resident, hearing, "Jeg er imot.", idempotency_key="c")
    # As if the worker died before the receipt went out.
    Submission.objects.filter(pk=submission.pk).update(receipt_sent_at=None)
    mail.outbox.clear()

    again, created = do_submit(resident, hearing, "Jeg er imot.", idempotency_key="c")

    assert (again.pk, created) == (submission.pk, False)
    assert len(mail.outbox) == 1
    assert submission.reference in mail.outbox[0].subject + mail.outbox[0].body
    assert Submission.objects.get(pk=submission.pk).receipt_sent_at is not None


def test_sending_again_after_the_receipt_went_mails_nothing_more(make_hearing, resident):
    hearing = make_hearing()
    do_submit(resident, hearing, "Jeg er imot.", idempotency_key="d")
    assert len(mail.outbox) == 1
    do_submit(resident, hearing, "Jeg er imot.", idempotency_key="d")
    assert len(mail.outbox) == 1


def test_a_receipt_task_run_twice_mails_once(make_hearing, resident):
    submission, _ = do_submit(resident, make_hearing(), "Jeg er imot.", idempotency_key="e")
    send_submission_receipt.enqueue(submission.pk)
    send_submission_receipt.enqueue(submission.pk)
    assert len(mail.outbox) == 1
