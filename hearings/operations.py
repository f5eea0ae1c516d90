"""Hearing actions: submitting, commenting, reviewing, publishing responses.

`check_*` raise ContributionError with a message for the person; `do_*` own the transaction,
the audit log and the side effects: mails and jobs are queued in the same transaction (the
task queue is in this database); live events and cache bumps go on commit, best effort.
"""

import hashlib
import re
import unicodedata
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearings.models import (
    Attachment,
    Hearing,
    IdentityLevel,
    Phase,
    Submission,
    is_short_plan_period,
)
from participation.accounts.models import AssuranceLevel
from participation.accounts.permissions import can_act_for
from participation.contributions.models import AuditEntry, Comment, Contribution
from participation.contributions.operations import (
    ContributionError,
    LoginRequired,
    announce_new,
    check_body,
    contribution_fields,
    do_create_comment,
)


class IdentityTooWeak(ContributionError):
    def __init__(self, required: str):
        self.required = required
        super().__init__(
            _("This hearing requires that you log in with %(level)s. What you wrote is kept.")
            % {"level": IdentityLevel(required).label}
        )


# ---------------------------------------------------------------- checks


def check_hearing_period(opens_at, closes_at, is_plan_hearing: bool) -> list[str]:
    """Warnings (not errors) an editor should see before saving the period."""
    warnings = []
    if is_short_plan_period(opens_at, closes_at, is_plan_hearing):
        warnings.append(
            _(
                "The hearing period is shorter than six weeks. The Planning and Building Act "
                "requires at least six weeks for plan proposals."
            )
        )
    return warnings


def check_short_period_reason(opens_at, closes_at, is_plan_hearing: bool, reason: str) -> None:
    """A plan hearing shorter than six weeks needs its reason on record (and on its page)."""
    if is_short_plan_period(opens_at, closes_at, is_plan_hearing) and not reason.strip():
        raise ContributionError(
            _(
                "A plan hearing shorter than six weeks needs a reason. The Planning and "
                "Building Act requires at least six weeks; say why this one is shorter."
            )
        )


def check_can_submit(user, hearing: Hearing, organisation=None, now=None) -> None:
    phase = hearing.phase(now)
    if phase in (Phase.DRAFT, Phase.UPCOMING):
        raise ContributionError(_("This hearing is not open for submissions yet."))
    if phase == Phase.RESPONDED:
        raise ContributionError(
            _(
                "The municipality has published its responses to this hearing and takes no "
                "more submissions. Contact the municipality if you still want to be heard."
            )
        )
    if not user.is_authenticated:
        raise LoginRequired()
    if not user.has_assurance(hearing.identity_level):
        raise IdentityTooWeak(hearing.identity_level)
    if organisation is not None and not can_act_for(user, organisation):
        raise ContributionError(_("You are not a member of that organisation."))


def check_can_comment(user, hearing: Hearing, now=None) -> None:
    if not hearing.comments_allowed:
        raise ContributionError(_("This hearing has no open debate."))
    if hearing.phase(now) != Phase.OPEN:
        raise ContributionError(_("The debate is closed."))
    if not user.is_authenticated:
        raise LoginRequired()


# ---------------------------------------------------------------- submitting


def text_fingerprint(body: str) -> str:
    """Equal for letters that differ only in case, spacing, punctuation or accents."""
    text = unicodedata.normalize("NFKD", body.casefold())
    words = re.findall(r"\w+", text)
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


def do_submit(
    user,
    hearing: Hearing,
    body: str,
    *,
    organisation=None,
    name_withheld_requested: bool = False,
    attachment_tokens=(),
    idempotency_key: str = "",
    now=None,
) -> tuple[Submission, bool]:
    """Send a submission. Returns (submission, created); a retried request returns the first."""
    now = now or timezone.now()
    check_can_submit(user, hearing, organisation, now)
    check_body(body)
    if idempotency_key:
        existing = Submission.objects.filter(author=user, idempotency_key=idempotency_key).first()
        if existing:
            _repair_receipt(existing)
            return existing, False
    try:
        with transaction.atomic():
            # Serialises submissions per hearing so references are gap-free and unique.
            locked = Hearing.objects.select_for_update().get(pk=hearing.pk)
            number = Submission.objects.filter(hearing=locked).count() + 1
            submission = Submission.objects.create(
                kind=Contribution.Kind.SUBMISSION,
                hearing=locked,
                reference=f"{locked.case_number}-{number}",
                is_late=now > locked.closes_at,
                name_withheld_requested=name_withheld_requested,
                text_fingerprint=text_fingerprint(body),
                **contribution_fields(
                    author=user,
                    discussion=locked.discussion,
                    body=body,
                    organisation=organisation,
                    idempotency_key=idempotency_key,
                ),
            )
            if attachment_tokens:
                Attachment.objects.filter(
                    token__in=list(attachment_tokens), uploaded_by=user, submission__isnull=True
                ).update(submission=submission)
            AuditEntry.objects.create(contribution=submission, actor=user, action="submitted")
            announce_new(submission)
            # In the same transaction (the task queue is a table in this database): a worker
            # killed, or Redis down, right after the commit cannot leave it without a receipt.
            _enqueue_receipt(submission.pk)
    except IntegrityError:
        # The same request arrived twice at once; the other one won.
        existing = Submission.objects.filter(author=user, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        _repair_receipt(existing)
        return existing, False
    return submission, True


def _enqueue_receipt(submission_id: int) -> None:
    from hearings.tasks import send_submission_receipt

    send_submission_receipt.enqueue(submission_id)


def _repair_receipt(submission: Submission) -> None:
    """A retry of a submission whose receipt is not sent yet queues it again (the task mails
    once): the person who sends again because they saw no receipt gets one."""
    if submission.receipt_sent_at is None:
        _enqueue_receipt(submission.pk)


# ---------------------------------------------------------------- commenting


def do_comment(
    user, hearing: Hearing, body: str, *, parent=None, section: str = "", idempotency_key=""
) -> tuple[Comment, bool]:
    check_can_comment(user, hearing)
    check_body(body, max_chars=10_000)
    return do_create_comment(
        user,
        hearing.discussion,
        body,
        parent=parent,
        section=section,
        idempotency_key=idempotency_key,
    )


# ---------------------------------------------------------------- creating hearings


def do_create_hearing(*, title, case_number, opens_at, closes_at, **fields) -> Hearing:
    from participation.contributions.models import Discussion

    with transaction.atomic():
        discussion = Discussion.objects.create(kind=Discussion.Kind.HEARING, title=title[:255])
        return Hearing.objects.create(
            title=title,
            case_number=case_number,
            opens_at=opens_at,
            closes_at=closes_at,
            discussion=discussion,
            **fields,
        )


def end_of_day(day) -> datetime:
    """A deadline given as a date means the end of that day in Norway."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=ZoneInfo("Europe/Oslo"))


def required_acr(level: str) -> str:
    return {
        AssuranceLevel.SUBSTANTIAL: "idporten-loa-substantial",
        AssuranceLevel.HIGH: "idporten-loa-high",
    }.get(level, "")
