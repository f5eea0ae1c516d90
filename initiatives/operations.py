"""Citizen initiatives: starting, signing, withdrawing, reaching the threshold, the decision.

`check_*` raise ContributionError with a message for the person; `do_*` own the transaction,
write the audit log, and queue mails in the same transaction. Moderation (publish,
reject with a reason) is the shared one in participation.contributions.moderation.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.models import Initiative, Signature, Status
from participation.accounts.permissions import is_planner
from participation.contributions.models import (
    AuditEntry,
    Contribution,
    Discussion,
    ModerationMode,
)
from participation.contributions.operations import (
    ContributionError,
    LoginRequired,
    announce_new,
    check_body,
    contribution_fields,
)
from participation.live.events import emit
from participation.text.render import public_plain

MIN_TITLE_CHARS = 5
MAX_TITLE_CHARS = 200
MAX_PROPOSAL_CHARS = 10_000
MAX_JUSTIFICATION_CHARS = 20_000
MAX_DECISION_CHARS = 20_000
MUNICIPALITY_CAP = 300
COUNTY_CAP = 500
KIND = Contribution.Kind.INITIATIVE

State = Contribution.State


class EidRequired(ContributionError):
    """Logged in, but not with ID-porten: the page offers the ID-porten button."""

    def __init__(self, message=None):
        super().__init__(
            message
            or _(
                "Citizen initiatives need a login with ID-porten, so that every signature is "
                "one real resident. What you wrote is kept."
            )
        )


def signature_threshold(population: int | None = None, is_county: bool | None = None) -> int:
    """Kommuneloven § 12-1: 2 % of the residents, but never more than 300 signatures in a
    municipality or 500 in a county. Rounded up: 2 % of 1,010 is 20.2, so 21 are needed."""
    population = settings.MUNICIPALITY_POPULATION if population is None else population
    is_county = settings.MUNICIPALITY_IS_COUNTY if is_county is None else is_county
    cap = COUNTY_CAP if is_county else MUNICIPALITY_CAP
    # Integer arithmetic: ceil(0.02 * n) in floats is wrong for some n (0.02 * 350 = 7.000…01).
    two_percent = -(-max(population, 0) * 2 // 100)
    return max(1, min(two_percent, cap))


def listed_initiatives():
    """Initiatives anyone may see: published by a moderator."""
    return Initiative.objects.filter(state=State.PUBLISHED)


# ---------------------------------------------------------------- checks


def check_eid(user) -> None:
    """Logged in with ID-porten (substantial or high), with an identity hash to sign with."""
    if not user.is_authenticated:
        raise LoginRequired()
    if not (user.is_eid_verified and user.pid_hash):
        raise EidRequired()


def check_title(title: str) -> str:
    text = (title or "").strip()
    if len(text) < MIN_TITLE_CHARS:
        raise ContributionError(_("Give the initiative a title of at least five characters."))
    if len(text) > MAX_TITLE_CHARS:
        raise ContributionError(
            _("The title is too long: %(count)s characters, the limit is %(limit)s.")
            % {"count": len(text), "limit": MAX_TITLE_CHARS}
        )
    return text


def check_can_start(user) -> None:
    check_eid(user)


def check_can_sign(user, initiative: Initiative, now=None) -> None:
    if not initiative.is_public:
        raise ContributionError(_("This initiative cannot be signed until it is published."))
    if initiative.status != Status.COLLECTING:
        raise ContributionError(_("This initiative no longer collects signatures."))
    if initiative.collection_over(now):
        raise ContributionError(_("The period for signing this initiative is over."))
    check_eid(user)


def check_can_withdraw_signature(user, initiative: Initiative) -> None:
    if not user.is_authenticated:
        raise LoginRequired()
    if initiative.status != Status.COLLECTING:
        # Once it has gone to the council the list is part of the case.
        raise ContributionError(
            _("The signatures have been sent to the council and can no longer be withdrawn.")
        )


def check_can_withdraw_initiative(user, initiative: Initiative) -> None:
    if not user.is_authenticated or initiative.author_id != user.pk:
        raise ContributionError(_("Only the proposer can withdraw the initiative."))
    if initiative.state in (State.REJECTED, State.WITHDRAWN) or initiative.status != (
        Status.COLLECTING
    ):
        raise ContributionError(
            _("The initiative can only be withdrawn while it collects signatures.")
        )


def check_can_handle(user) -> None:
    """Export the signatures, post the decision, change the status: planners, who take the
    initiative into the political case."""
    if not is_planner(user):
        raise ContributionError(_("Only planners can handle citizen initiatives."))


# ---------------------------------------------------------------- starting


def do_start(
    user, *, title: str, proposal: str, justification: str, idempotency_key: str = ""
) -> tuple[Initiative, bool]:
    """Start an initiative; it waits for a moderator. Returns (initiative, created); a retried
    request (same author and key) returns the first one."""
    check_can_start(user)
    title = check_title(title)
    check_body(proposal, max_chars=MAX_PROPOSAL_CHARS)
    check_body(justification, max_chars=MAX_JUSTIFICATION_CHARS)
    if idempotency_key:
        existing = Initiative.objects.filter(author=user, idempotency_key=idempotency_key).first()
        if existing:
            return existing, False
    justification_html, _redactions = _public(justification)
    try:
        with transaction.atomic():
            # Its own discussion, always pre-moderated: nothing is signed before a moderator
            # has read it, whatever the site's default.
            public_title = public_plain(title, one_line=True)[:255]
            # The discussion's title is shown to readers (report page, reply mails): public.
            discussion = Discussion.objects.create(
                kind=Discussion.Kind.INITIATIVE,
                title=public_title,
                moderation=ModerationMode.PRE,
            )
            fields = contribution_fields(
                author=user,
                discussion=discussion,
                body=proposal,
                idempotency_key=idempotency_key,
            )
            initiative = Initiative.objects.create(
                kind=KIND,
                title=title,
                public_title=public_title,
                justification=justification,
                public_justification_html=justification_html,
                **fields,
            )
            AuditEntry.objects.create(
                contribution=initiative, actor=user, action="initiative_started"
            )
            announce_new(initiative)
    except IntegrityError:
        existing = Initiative.objects.filter(author=user, idempotency_key=idempotency_key).first()
        if existing is None or not idempotency_key:
            raise
        return existing, False
    return initiative, True


def _public(text: str) -> tuple[str, dict]:
    from participation.contributions.operations import public_rendering

    return public_rendering(text)


# ---------------------------------------------------------------- signing


def _announce(initiative: Initiative, count: int, status: str) -> None:
    emit(
        initiative.discussion.stream,
        "initiative.signatures",
        {"initiative_id": initiative.pk, "signature_count": count, "status": status},
    )


def do_sign(user, initiative: Initiative) -> bool:
    """Sign once per person (eID identity). False if this person has already signed.

    The initiative row is locked for the signature, so two last signatures at once are
    counted one after the other and exactly one of them marks it ready for the council."""
    check_eid(user)
    with transaction.atomic():
        locked = (
            Initiative.objects.select_for_update(of=("self",))
            .select_related("discussion")
            .get(pk=initiative.pk)
        )
        check_can_sign(user, locked)
        try:
            with transaction.atomic():
                Signature.objects.create(
                    initiative=locked,
                    user=user,
                    identity_hash=user.pid_hash,
                    name=user.display_name[:200],
                )
        except IntegrityError:
            return False
        Initiative.objects.filter(pk=locked.pk).update(signature_count=F("signature_count") + 1)
        locked.refresh_from_db(fields=["signature_count"])
        if locked.signature_count >= signature_threshold():
            _mark_ready(locked, actor=None)
        _announce(locked, locked.signature_count, locked.status)
    initiative.signature_count, initiative.status = locked.signature_count, locked.status
    return True


def do_withdraw_signature(user, initiative: Initiative) -> bool:
    """Take back one's signature while the initiative collects. False if there was none."""
    check_can_withdraw_signature(user, initiative)
    with transaction.atomic():
        locked = (
            Initiative.objects.select_for_update(of=("self",))
            .select_related("discussion")
            .get(pk=initiative.pk)
        )
        check_can_withdraw_signature(user, locked)
        mine = Signature.objects.filter(initiative=locked, user=user)
        if user.pid_hash:
            # The same person signing from another account is still their signature.
            mine = Signature.objects.filter(initiative=locked, identity_hash=user.pid_hash)
        deleted, _counts = mine.delete()
        if not deleted:
            return False
        Initiative.objects.filter(pk=locked.pk, signature_count__gte=deleted).update(
            signature_count=F("signature_count") - deleted
        )
        locked.refresh_from_db(fields=["signature_count"])
        _announce(locked, locked.signature_count, locked.status)
    initiative.signature_count = locked.signature_count
    return True


def has_signed(user, initiative: Initiative) -> bool:
    if not user.is_authenticated:
        return False
    if user.pid_hash:
        return Signature.objects.filter(initiative=initiative, identity_hash=user.pid_hash).exists()
    return Signature.objects.filter(initiative=initiative, user=user).exists()


# ---------------------------------------------------------------- status


def _set_status(initiative: Initiative, status: str, actor, **extra) -> bool:
    """Move from COLLECTING to `status` with a conditional UPDATE: the first caller wins, a
    second (a racing signature, a double click) changes nothing and returns False."""
    now = timezone.now()
    changed = Initiative.objects.filter(pk=initiative.pk, status=Status.COLLECTING).update(
        status=status, status_changed_at=now, **extra
    )
    if not changed:
        return False
    # The collection is over: anonymised signatures (account deleted) need no identity now.
    Signature.objects.filter(initiative=initiative, user__isnull=True).update(identity_hash=None)
    was = initiative.status
    initiative.status, initiative.status_changed_at = status, now
    for name, value in extra.items():
        setattr(initiative, name, value)
    AuditEntry.objects.create(
        contribution=initiative,
        actor=actor,
        action=f"initiative_{status}",
        data={"from": was, "to": status, "signatures": initiative.signature_count},
    )
    return True


def _mark_ready(initiative: Initiative, actor) -> bool:
    if not _set_status(initiative, Status.READY, actor, ready_at=timezone.now()):
        return False
    # Queued in the caller's transaction with the status change, not after it.
    _enqueue("notify_staff_ready", initiative.pk)
    return True


def _enqueue(name: str, initiative_id: int) -> None:
    from initiatives import tasks

    getattr(tasks, name).enqueue(initiative_id)


def do_mark_ready(staff, initiative: Initiative) -> bool:
    """Staff send it to the council by hand (e.g. with signatures counted on paper)."""
    check_can_handle(staff)
    if not initiative.is_public:
        raise ContributionError(_("Only a published initiative can be sent to the council."))
    with transaction.atomic():
        locked = Initiative.objects.select_for_update(of=("self",)).get(pk=initiative.pk)
        done = _set_status(locked, Status.READY, staff, ready_at=timezone.now())
        if not done:
            raise ContributionError(_("Only an initiative that collects signatures can be sent."))
        # The planner did it: no mail to tell the planners what they just did.
        Initiative.objects.filter(pk=locked.pk).update(ready_notified_at=timezone.now())
        _announce(locked, locked.signature_count, locked.status)
    initiative.status = locked.status
    return True


def do_close(staff, initiative: Initiative) -> bool:
    """Staff end the collection without enough signatures."""
    check_can_handle(staff)
    with transaction.atomic():
        locked = Initiative.objects.select_for_update(of=("self",)).get(pk=initiative.pk)
        if not _set_status(locked, Status.CLOSED, staff):
            raise ContributionError(_("Only an initiative that collects signatures can be closed."))
        _announce(locked, locked.signature_count, locked.status)
    initiative.status = locked.status
    return True


def do_close_expired(now=None) -> int:
    """Close every published initiative whose collection period has run out below the
    threshold. Run daily (management command `close_initiatives`). Returns how many closed."""
    now = now or timezone.now()
    closed = 0
    for initiative in listed_initiatives().filter(status=Status.COLLECTING):
        if not initiative.collection_over(now):
            continue
        with transaction.atomic():
            if _set_status(initiative, Status.CLOSED, None):
                closed += 1
    return closed


def do_withdraw_initiative(user, initiative: Initiative) -> Initiative:
    """The proposer withdraws it while it collects (or still waits for a moderator)."""
    check_can_withdraw_initiative(user, initiative)
    with transaction.atomic():
        locked = (
            Initiative.objects.select_for_update(of=("self",))
            .select_related("discussion")
            .get(pk=initiative.pk)
        )
        check_can_withdraw_initiative(user, locked)
        if locked.state == State.PENDING:
            # Not yet public: it leaves the moderation queue as withdrawn.
            Contribution.objects.filter(pk=locked.pk).update(
                state=State.WITHDRAWN, claimed_by=None, claimed_until=None
            )
            locked.state = State.WITHDRAWN
        if not _set_status(locked, Status.WITHDRAWN, user):
            raise ContributionError(
                _("The initiative can only be withdrawn while it collects signatures.")
            )
        # Moderators' queues drop it, as after a decision.
        emit(
            "moderation",
            "contribution.decided",
            {
                "contribution_id": locked.pk,
                "state": locked.state,
                "discussion_id": locked.discussion_id,
                "action": "withdrawn",
            },
        )
        _announce(locked, locked.signature_count, locked.status)
    initiative.status, initiative.state = locked.status, locked.state
    return initiative


# ---------------------------------------------------------------- the council's decision


def do_post_decision(
    staff, initiative: Initiative, *, text: str, date, case_number: str = ""
) -> Initiative:
    """Publish the council's decision. Signers and the proposer are told once each; posting
    a correction later updates the page without mailing them again."""
    check_can_handle(staff)
    text = (text or "").strip()
    if not text:
        raise ContributionError(_("Write the council's decision."))
    if len(text) > MAX_DECISION_CHARS:
        raise ContributionError(
            _("The decision is too long: %(count)s characters, the limit is %(limit)s.")
            % {"count": len(text), "limit": MAX_DECISION_CHARS}
        )
    if date is None:
        raise ContributionError(_("Give the date of the decision."))
    if date > timezone.localdate():
        raise ContributionError(_("The date of the decision cannot be in the future."))
    with transaction.atomic():
        locked = (
            Initiative.objects.select_for_update(of=("self",))
            .select_related("discussion")
            .get(pk=initiative.pk)
        )
        if locked.status not in (Status.READY, Status.DECIDED):
            raise ContributionError(
                _("The council's decision can be posted once the initiative is sent to it.")
            )
        was = locked.status
        now = timezone.now()
        Initiative.objects.filter(pk=locked.pk).update(
            status=Status.DECIDED,
            status_changed_at=now if was != Status.DECIDED else locked.status_changed_at,
            decision_text=text,
            decision_date=date,
            decision_case_number=(case_number or "").strip()[:50],
            decided_at=now,
            decided_by=staff,
        )
        locked.refresh_from_db()
        AuditEntry.objects.create(
            contribution=locked,
            actor=staff,
            action="initiative_decided" if was != Status.DECIDED else "initiative_decision_edited",
            data={"date": date.isoformat(), "case_number": locked.decision_case_number},
        )
        _announce(locked, locked.signature_count, locked.status)
        _enqueue("notify_decision", locked.pk)
    return locked
