"""Moderation of any contribution: claim, publish, reject, hide, edit-redact, and residents'
reports.

Every `do_*` owns its transaction, writes an AuditEntry, and emits its live events in the same
transaction (broadcast on commit): to `moderation` so every moderator's queue follows, and to
the discussion's stream only what a reader may see (a published item, or that one is gone).
The author hears of a decision by e-mail, sent by a background task after the commit.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.accounts.models import AssuranceLevel
from participation.accounts.permissions import is_moderator
from participation.contributions.models import (
    AuditEntry,
    Contribution,
    RejectionReason,
    Report,
    ReportReason,
)
from participation.contributions.operations import (
    ContributionError,
    check_body,
    public_event_payload,
    public_rendering,
    refresh_reader_events,
)
from participation.live.events import emit

State = Contribution.State
MODERATION_STREAM = "moderation"


def claim_duration() -> timedelta:
    return timedelta(seconds=settings.MODERATION_CLAIM_SECONDS)


def in_queue() -> Q:
    """What a moderator still has to look at: anything not yet reviewed and not final."""
    return Q(reviewed_at__isnull=True) & ~Q(state__in=[State.REJECTED, State.WITHDRAWN])


def free_for(moderator, now=None) -> Q:
    """Unclaimed, claimed by this moderator, or a claim that has run out."""
    now = now or timezone.now()
    return Q(claimed_by__isnull=True) | Q(claimed_until__lte=now) | Q(claimed_by=moderator)


def active_claimant(contribution: Contribution, now=None):
    now = now or timezone.now()
    if (
        contribution.claimed_by_id
        and contribution.claimed_until
        and contribution.claimed_until > now
    ):
        return contribution.claimed_by
    return None


# ---------------------------------------------------------------- checks


def check_can_moderate(user) -> None:
    if not is_moderator(user):
        raise ContributionError(_("Only moderators can do that."))


def _locked(moderator, contribution: Contribution, allowed_states) -> Contribution:
    """The row, locked for the decision; refused if someone else holds a live claim on it."""
    check_can_moderate(moderator)
    locked = (
        Contribution.objects.select_for_update(of=("self",))
        .select_related("discussion", "author")
        .get(pk=contribution.pk)
    )
    holder = active_claimant(locked)
    if holder is not None and holder.pk != moderator.pk:
        raise ContributionError(
            _("%(name)s is handling this post.") % {"name": holder.display_name}
        )
    if locked.state not in allowed_states:
        raise ContributionError(
            _("This post has already been handled (it is now: %(state)s).")
            % {"state": locked.get_state_display()}
        )
    return locked


def _audit(contribution, actor, action, reason="", **data) -> AuditEntry:
    return AuditEntry.objects.create(
        contribution=contribution, actor=actor, action=action, reason=reason, data=data
    )


def _moderator_event(type_: str, contribution: Contribution, **extra) -> None:
    emit(
        MODERATION_STREAM,
        type_,
        {
            "contribution_id": contribution.pk,
            "state": contribution.state,
            "discussion_id": contribution.discussion_id,
            **extra,
        },
    )


def _reader_removed(contribution: Contribution) -> None:
    """Readers' pages drop it; only the id travels, and a replay no longer holds its text."""
    refresh_reader_events(contribution)
    emit(
        contribution.discussion.stream,
        "contribution.hidden",
        {"contribution_id": contribution.pk, "kind": contribution.kind},
    )


def _notify_author(contribution: Contribution, decision: str) -> None:
    """Queue the author's notification in the decision's transaction; mailed after commit
    (or in their digest), see participation/notifications/delivery.py."""
    from participation.notifications.delivery import notify
    from participation.notifications.models import NotificationKind

    if contribution.author_id is None:
        return
    notify(
        NotificationKind.MODERATION,
        [contribution.author_id],
        f"moderation:{contribution.pk}:{decision}",
        contribution=contribution,
    )


# ---------------------------------------------------------------- claims


def do_claim(moderator, contribution: Contribution) -> Contribution:
    """Take the item for `MODERATION_CLAIM_SECONDS`. A conditional UPDATE: the first wins."""
    check_can_moderate(moderator)
    now = timezone.now()
    until = now + claim_duration()
    with transaction.atomic():
        taken = Contribution.objects.filter(
            in_queue(), free_for(moderator, now), pk=contribution.pk
        ).update(claimed_by=moderator, claimed_until=until)
        current = Contribution.objects.select_related("claimed_by", "discussion").get(
            pk=contribution.pk
        )
        if not taken:
            holder = active_claimant(current, now)
            if holder is not None:
                raise ContributionError(
                    _("%(name)s has already claimed this post.") % {"name": holder.display_name}
                )
            raise ContributionError(_("This post has already been handled."))
        _audit(current, moderator, "claimed")
        _moderator_event(
            "contribution.claimed",
            current,
            claimed_by_id=moderator.pk,
            claimed_by_name=moderator.display_name,
            claimed_until=until.isoformat(),
        )
    return current


def do_release(moderator, contribution: Contribution) -> Contribution:
    check_can_moderate(moderator)
    with transaction.atomic():
        released = Contribution.objects.filter(pk=contribution.pk, claimed_by=moderator).update(
            claimed_by=None, claimed_until=None
        )
        current = Contribution.objects.select_related("discussion").get(pk=contribution.pk)
        if released:
            _audit(current, moderator, "released")
            _moderator_event("contribution.released", current)
    return current


def _decided(locked: Contribution, moderator, action: str, reason: str = "", **data) -> None:
    locked.reviewed_at = timezone.now()
    locked.claimed_by = None
    locked.claimed_until = None
    _audit(locked, moderator, action, reason, **data)
    _moderator_event("contribution.decided", locked, action=action)


# ---------------------------------------------------------------- decisions


def do_publish(moderator, contribution: Contribution) -> Contribution:
    """Publish a pending post, approve a published one, or restore a hidden one."""
    with transaction.atomic():
        locked = _locked(moderator, contribution, {State.PENDING, State.PUBLISHED, State.HIDDEN})
        was = locked.state
        locked.state = State.PUBLISHED
        locked.published_at = locked.published_at or timezone.now()
        # The reports have been looked at: a fresh report counts from zero.
        locked.report_count = 0
        action = {State.PENDING: "published", State.HIDDEN: "restored"}.get(was, "approved")
        _decided(locked, moderator, action)
        locked.save(
            update_fields=[
                "state",
                "published_at",
                "report_count",
                "reviewed_at",
                "claimed_by",
                "claimed_until",
                "updated_at",
            ]
        )
        if was != State.PUBLISHED:
            emit(
                locked.discussion.stream,
                "contribution.published",
                public_event_payload(locked.concrete()),
            )
        if was == State.PENDING:
            _notify_author(locked, "published")
            if locked.kind == Contribution.Kind.COMMENT:
                from participation.notifications.delivery import notify_reply

                notify_reply(locked)  # a reply held for moderation reaches its parent now
    return locked


def check_rejection(code: str, note: str) -> None:
    if code not in RejectionReason.values:
        raise ContributionError(_("Choose a reason from the list."))
    if code == RejectionReason.OTHER and not (note or "").strip():
        raise ContributionError(_("Explain the reason to the author."))


def do_reject(moderator, contribution: Contribution, code: str, note: str = "") -> Contribution:
    """Refuse the post with a reason the author is told (a listed reason plus free text)."""
    check_rejection(code, note)
    with transaction.atomic():
        locked = _locked(moderator, contribution, {State.PENDING, State.PUBLISHED, State.HIDDEN})
        was = locked.state
        locked.state = State.REJECTED
        locked.rejection_code = code
        locked.rejection_reason = (note or "").strip()
        _decided(locked, moderator, "rejected", locked.rejection_reason, code=code)
        locked.save(
            update_fields=[
                "state",
                "rejection_code",
                "rejection_reason",
                "reviewed_at",
                "claimed_by",
                "claimed_until",
                "updated_at",
            ]
        )
        if was == State.PUBLISHED:
            _reader_removed(locked)
        _notify_author(locked, "rejected")
    return locked


def do_hide(moderator, contribution: Contribution, reason: str = "") -> Contribution:
    """Take a post out of public view, kept for the record (e.g. after reports)."""
    with transaction.atomic():
        locked = _locked(moderator, contribution, {State.PENDING, State.PUBLISHED, State.HIDDEN})
        was = locked.state
        locked.state = State.HIDDEN
        _decided(locked, moderator, "hidden", (reason or "").strip())
        locked.save(
            update_fields=["state", "reviewed_at", "claimed_by", "claimed_until", "updated_at"]
        )
        if was == State.PUBLISHED:
            _reader_removed(locked)
    return locked


def do_redact(moderator, contribution: Contribution, text: str, reason: str = "") -> Contribution:
    """Edit what the public sees; the text as written stays in `body`, and the audit log keeps
    both versions of the published text."""
    check_body(text)
    with transaction.atomic():
        locked = _locked(moderator, contribution, {State.PENDING, State.PUBLISHED, State.HIDDEN})
        before_text = locked.moderated_body or locked.body
        before_html = locked.public_html
        html, redactions = public_rendering(text)
        locked.moderated_body = text
        locked.public_html = html
        locked.redactions = redactions
        locked.save(update_fields=["moderated_body", "public_html", "redactions", "updated_at"])
        _audit(
            locked,
            moderator,
            "edited",
            (reason or "").strip(),
            before_text=before_text,
            after_text=text,
            before_html=before_html,
            after_html=html,
        )
        _moderator_event("contribution.edited", locked)
        # A replay from an older id must not bring back the sentence the moderator removed.
        refresh_reader_events(locked)
        if locked.state == State.PUBLISHED:
            emit(
                locked.discussion.stream,
                "contribution.updated",
                public_event_payload(locked.concrete()),
            )
    return locked


# ---------------------------------------------------------------- reports

# A formal submission to a hearing and a citizen initiative are part of a case: reports send
# them to the moderators, and only a moderator takes them down.
NEVER_HIDDEN_BY_REPORTS = {Contribution.Kind.SUBMISSION, Contribution.Kind.INITIATIVE}
# After these a moderator has looked at the post: reports count again from then on.
REVIEWED_ACTIONS = ("published", "approved", "restored")


def by_established_reporter(contribution: Contribution, now=None) -> Q:
    """Reports that count towards hiding a post: by someone other than its author, whose
    account is at least `MODERATION_REPORTER_MIN_DAYS` old and has a verified e-mail address
    or an ID-porten login. A crowd of accounts made for the purpose does not count."""
    now = now or timezone.now()
    joined_before = now - timedelta(days=settings.MODERATION_REPORTER_MIN_DAYS)
    eid_levels = [level for level in AssuranceLevel.values if level != AssuranceLevel.NONE]
    established = Q(reporter__date_joined__lte=joined_before) & (
        Q(reporter__emailaddress__verified=True) | Q(reporter__assurance_level__in=eid_levels)
    )
    if contribution.author_id is not None:
        established &= ~Q(reporter_id=contribution.author_id)
    return established


def established_reports_since_review(contribution: Contribution) -> int:
    """Distinct established reporters since a moderator last published or approved it."""
    reports = Report.objects.filter(
        by_established_reporter(contribution), contribution=contribution
    )
    reviewed = (
        AuditEntry.objects.filter(contribution=contribution, action__in=REVIEWED_ACTIONS)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if reviewed is not None:
        reports = reports.filter(created_at__gt=reviewed)
    return reports.values("reporter").distinct().count()


def hidden_by_reports(contribution: Contribution) -> bool:
    """Whether the reports on a published post are enough to hide it until it is reviewed."""
    return (
        contribution.state == State.PUBLISHED
        and contribution.kind not in NEVER_HIDDEN_BY_REPORTS
        and established_reports_since_review(contribution) >= settings.MODERATION_REPORT_THRESHOLD
    )


def check_can_report(user, contribution: Contribution) -> None:
    if not user.is_authenticated:
        raise ContributionError(_("Log in to report a post."))
    if contribution.state != State.PUBLISHED:
        raise ContributionError(_("Only published posts can be reported."))
    if contribution.author_id == user.pk:
        raise ContributionError(_("You cannot report your own post."))
    if Report.objects.filter(contribution=contribution, reporter=user).exists():
        raise ContributionError(_("You have already reported this post."))


def do_report(user, contribution: Contribution, reason: str, text: str = "") -> Report:
    """Record the report and put the post in the moderators' queue; at
    `MODERATION_REPORT_THRESHOLD` established reporters a comment or an idea is hidden until a
    moderator has looked at it (see `hidden_by_reports`)."""
    check_can_report(user, contribution)
    if reason not in ReportReason.values:
        raise ContributionError(_("Choose a reason from the list."))
    try:
        with transaction.atomic():
            report = Report.objects.create(
                contribution=contribution, reporter=user, reason=reason, text=text.strip()
            )
            Contribution.objects.filter(pk=contribution.pk).update(
                report_count=F("report_count") + 1, reviewed_at=None
            )
            locked = (
                Contribution.objects.select_for_update(of=("self",))
                .select_related("discussion")
                .get(pk=contribution.pk)
            )
            _audit(locked, user, "reported", text.strip(), report_reason=reason)
            if hidden_by_reports(locked):
                locked.state = State.HIDDEN
                locked.save(update_fields=["state", "updated_at"])
                _audit(locked, None, "hidden_by_reports", report_count=locked.report_count)
                _reader_removed(locked)
            _moderator_event("contribution.reported", locked, report_count=locked.report_count)
    except IntegrityError as exc:
        raise ContributionError(_("You have already reported this post.")) from exc
    return report
