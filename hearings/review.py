"""The planner's work on a hearing (merknadsbehandling): creating the hearing, reviewing each
submission, campaign groups answered once, and publishing the responses.

`check_*` raise ContributionError with a message for the planner; `do_*` own the transaction,
the audit log and the side effects scheduled on commit.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from hearings.models import CampaignGroup, Hearing, Phase, Submission, ThemeTag
from hearings.operations import check_hearing_period, do_create_hearing
from participation.accounts.permissions import is_planner
from participation.contributions.models import AuditEntry, Contribution
from participation.contributions.operations import ContributionError, refresh_reader_events
from participation.live.events import emit

# Who is told that the municipality answered: everyone whose submission is part of the case.
NOT_IN_CASE = (Contribution.State.WITHDRAWN, Contribution.State.REJECTED)


# ---------------------------------------------------------------- hearings


def check_is_planner(user) -> None:
    if not is_planner(user):
        raise ContributionError(_("Only planners may do this."))


def do_create_hearing_as_planner(planner, *, moderation: str, **fields) -> tuple[Hearing, list]:
    """Create a hearing (with its discussion) from the admin. Returns (hearing, warnings)."""
    check_is_planner(planner)
    with transaction.atomic():
        hearing = do_create_hearing(**fields)
        hearing.discussion.moderation = moderation
        hearing.discussion.save(update_fields=["moderation"])
    return hearing, check_hearing_period(
        hearing.opens_at, hearing.closes_at, hearing.is_plan_hearing
    )


def do_update_hearing(planner, hearing: Hearing, *, moderation: str) -> list:
    """Save a hearing the admin form has changed; its discussion follows. Returns warnings."""
    check_is_planner(planner)
    with transaction.atomic():
        hearing.save()
        discussion = hearing.discussion
        discussion.moderation = moderation
        discussion.title = hearing.title[:255]
        discussion.save(update_fields=["moderation", "title"])
    return check_hearing_period(hearing.opens_at, hearing.closes_at, hearing.is_plan_hearing)


# ---------------------------------------------------------------- reviewing submissions


def check_can_review(user, hearing: Hearing) -> None:
    check_is_planner(user)
    if hearing.phase() == Phase.DRAFT:
        raise ContributionError(_("A draft hearing has no submissions to review."))


def clean_themes(themes) -> list[str]:
    seen = {}
    for theme in themes:
        name = " ".join(str(theme).split())[:100]
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return list(seen.values())


def do_review_submission(
    planner,
    submission: Submission,
    *,
    themes,
    summary: str,
    response: str,
    name_withheld: bool,
) -> Submission:
    """Tag, summarise and answer one submission, and decide whether its name is withheld.

    A member of a confirmed campaign group takes summary and response from the group.
    """
    check_can_review(planner, submission.hearing)
    in_group = submission.campaign_group_id and submission.campaign_group.confirmed_at
    with transaction.atomic():
        changed = {}
        fields = {"name_withheld": name_withheld}
        if not in_group:
            fields.update(summary=summary.strip(), response=response.strip())
        for field, value in fields.items():
            if getattr(submission, field) != value:
                changed[field] = value
                setattr(submission, field, value)
        if changed:
            submission.save(update_fields=[*changed, "updated_at"])
        themes = clean_themes(themes)
        before = sorted(t.name for t in submission.themes.all())
        if sorted(themes) != before:
            submission.themes.set(themes)
            changed["themes"] = themes
        if changed:
            AuditEntry.objects.create(
                contribution=submission, actor=planner, action="reviewed", data=changed
            )
        if "response" in changed and submission.hearing.responses_are_public:
            _responses_changed(submission.hearing)
        if "name_withheld" in changed:
            # Readers (and cached pages) get the name they may see now, and a replay of the
            # live log no longer holds the one it was published with.
            refresh_reader_events(submission, announce=True)
    return submission


def _responses_changed(hearing: Hearing) -> None:
    """The public responses changed (published, or edited after): an event on the hearing's
    stream renews the cached lists and pages readers get. It carries no text."""
    emit(hearing.discussion.stream, "hearing.responses", {"hearing_id": hearing.pk})


def log_original_viewed(user, submission: Submission, attachment=None) -> None:
    """Every staff look at the text as written (or an attachment) is on record."""
    if submission.author_id == user.pk:
        return
    data = {"attachment": attachment.pk} if attachment is not None else {}
    AuditEntry.objects.create(
        contribution=submission, actor=user, action="viewed_original", data=data
    )


# ---------------------------------------------------------------- campaign groups


def check_can_change_group(user, group: CampaignGroup) -> None:
    check_can_review(user, group.hearing)


def _audit_members(planner, group, action, ids=None, **data) -> None:
    ids = ids if ids is not None else group.submissions.values_list("pk", flat=True)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                contribution_id=pk,
                actor=planner,
                action=action,
                data={"group": group.pk, **data},
            )
            for pk in ids
        ],
        batch_size=500,
    )


def _apply_group_review(group: CampaignGroup) -> int:
    changed = Submission.objects.filter(campaign_group=group).update(
        summary=group.summary, response=group.response, updated_at=timezone.now()
    )
    if group.hearing.responses_are_public:
        _responses_changed(group.hearing)
    return changed


def do_confirm_campaign(planner, group: CampaignGroup, *, remove_ids=()) -> CampaignGroup:
    """The planner agrees these letters are one campaign: from now on they are answered once."""
    check_can_change_group(planner, group)
    with transaction.atomic():
        if remove_ids:
            _remove_members(planner, group, remove_ids)
        if group.representative_id is None or group.representative_id in set(remove_ids):
            group.representative = group.submissions.order_by("created_at", "pk").first()
        if group.representative is None:
            raise ContributionError(_("A campaign group needs at least one submission."))
        group.confirmed_by = planner
        group.confirmed_at = timezone.now()
        group.save(update_fields=["representative", "confirmed_by", "confirmed_at"])
        _audit_members(planner, group, "campaign_confirmed")
        if group.summary or group.response:
            _apply_group_review(group)
    return group


def do_reject_campaign(planner, group: CampaignGroup) -> None:
    """Not a campaign after all: the letters go back to being answered one by one."""
    check_can_change_group(planner, group)
    with transaction.atomic():
        ids = list(group.submissions.values_list("pk", flat=True))
        Submission.objects.filter(pk__in=ids).update(campaign_group=None)
        if group.confirmed_at:
            _audit_members(planner, group, "campaign_rejected", ids=ids)
        group.delete()


def _remove_members(planner, group, submission_ids) -> int:
    ids = list(group.submissions.filter(pk__in=list(submission_ids)).values_list("pk", flat=True))
    Submission.objects.filter(pk__in=ids).update(campaign_group=None)
    _audit_members(planner, group, "campaign_removed", ids=ids)
    return len(ids)


def do_remove_from_campaign(planner, group: CampaignGroup, submission_ids) -> int:
    """Split letters out of a group; they are then answered on their own."""
    check_can_change_group(planner, group)
    with transaction.atomic():
        removed = _remove_members(planner, group, submission_ids)
        if group.representative_id in set(submission_ids):
            group.representative = group.submissions.order_by("created_at", "pk").first()
            group.save(update_fields=["representative"])
    return removed


def do_review_campaign(
    planner, group: CampaignGroup, *, label: str, themes, summary: str, response: str
) -> CampaignGroup:
    """One summary, response and set of themes for every letter in a confirmed group."""
    check_can_change_group(planner, group)
    if not group.confirmed_at:
        raise ContributionError(_("Confirm the campaign group before you answer it."))
    themes = clean_themes(themes)
    with transaction.atomic():
        group.label = label.strip()[:200] or group.label
        group.summary = summary.strip()
        group.response = response.strip()
        group.save(update_fields=["label", "summary", "response"])
        _apply_group_review(group)
        ids = list(group.submissions.values_list("pk", flat=True))
        ThemeTag.objects.filter(content_object_id__in=ids).delete()
        tags = [Tag.objects.get_or_create(name=name)[0] for name in themes]
        ThemeTag.objects.bulk_create(
            [ThemeTag(content_object_id=pk, tag=tag) for pk in ids for tag in tags],
            batch_size=1000,
        )
        _audit_members(planner, group, "campaign_reviewed", ids=ids)
    return group


# ---------------------------------------------------------------- publishing responses


def check_can_publish_responses(user, hearing: Hearing, now=None) -> None:
    check_is_planner(user)
    phase = hearing.phase(now)
    if phase == Phase.RESPONDED:
        raise ContributionError(_("The responses to this hearing are already published."))
    if phase != Phase.CLOSED:
        raise ContributionError(_("Responses can be published only after the deadline."))


def submissions_to_notify(hearing: Hearing):
    return (
        Submission.objects.filter(hearing=hearing, author__isnull=False)
        .exclude(state__in=NOT_IN_CASE)
        .exclude(response="")
    )


def do_publish_responses(planner, hearing: Hearing, now=None) -> int:
    """Publish the municipality's answers beside the submissions and tell each sender once.

    Returns how many senders will be told.
    """
    now = now or timezone.now()
    check_can_publish_responses(planner, hearing, now)
    with transaction.atomic():
        locked = Hearing.objects.select_for_update().get(pk=hearing.pk)
        check_can_publish_responses(planner, locked, now)
        locked.responses_published_at = now
        locked.save(update_fields=["responses_published_at"])
        hearing.responses_published_at = now
        _responses_changed(locked)
        ids = list(
            submissions_to_notify(locked)
            .filter(response_notified_at__isnull=True)
            .values_list("pk", flat=True)
        )
        # In the same transaction: publishing and telling the senders commit together.
        _enqueue_response_mails(ids)
    return len(ids)


def _enqueue_response_mails(ids) -> None:
    from hearings.tasks import send_response_published

    for pk in ids:
        send_response_published.enqueue(pk)
