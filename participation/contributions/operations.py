"""What every kind of contribution shares: the public rendering, the initial state, the events."""

import re

from django.core.validators import ProhibitNullCharactersValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.contributions.badges import author_badge
from participation.contributions.models import Contribution, Discussion, ModerationMode
from participation.live.events import emit
from participation.text.redact import redact_personal_data
from participation.text.render import public_plain, render_redacted

MAX_BODY_CHARS = 100_000


class ContributionError(Exception):
    """A rule stopped the action; `message` is for the person, in their language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class LoginRequired(ContributionError):
    def __init__(self):
        super().__init__(_("Log in to take part. What you wrote is kept."))


def check_storable(*texts: str) -> None:
    """A NUL cannot be stored (PostgreSQL refuses it): refuse it as the forms do, also on the
    paths without a form (Open311), instead of failing with a server error."""
    if any("\x00" in (text or "") for text in texts):
        raise ContributionError(ProhibitNullCharactersValidator.message)


def check_body(body: str, *, min_chars: int = 1, max_chars: int = MAX_BODY_CHARS) -> str:
    check_storable(body)
    text = (body or "").strip()
    if len(text) < min_chars:
        raise ContributionError(_("Write something before you send."))
    if len(text) > max_chars:
        raise ContributionError(
            _("The text is too long: %(count)s characters, the limit is %(limit)s.")
            % {"count": len(text), "limit": max_chars}
        )
    return body


def public_rendering(body: str) -> tuple[str, dict]:
    """The sanitised, linkified, redacted HTML the public sees, and what was redacted."""
    html, result = render_redacted(body)
    return str(html), {str(kind): n for kind, n in result.counts.items()}


def initial_state(discussion: Discussion) -> str:
    if discussion.moderation == ModerationMode.PRE:
        return Contribution.State.PENDING
    return Contribution.State.PUBLISHED


def contribution_fields(*, author, discussion, body, organisation=None, idempotency_key=""):
    """The Contribution columns for a new post by `author` (a verified or local user)."""
    html, redactions = public_rendering(body)
    state = initial_state(discussion)
    return {
        "discussion": discussion,
        "author": author,
        # Published with the post; a name typed before the name form refused contact details
        # (or an e-mail account's fallback) must not publish one.
        "author_name": public_plain(author.display_name)[:200],
        "author_assurance": author.assurance_level,
        "organisation": organisation,
        "organisation_name": organisation.name if organisation else "",
        "body": body,
        "public_html": html,
        "redactions": redactions,
        "state": state,
        "published_at": timezone.now() if state == Contribution.State.PUBLISHED else None,
        "idempotency_key": idempotency_key[:64],
    }


def public_event_payload(contribution: Contribution) -> dict:
    """What a reader of the discussion may see of a published contribution; no originals."""
    return {
        "contribution_id": contribution.pk,
        "kind": contribution.kind,
        "author_name": contribution.public_name,
        "organisation_name": contribution.organisation_name,
        "html": contribution.public_html,
        "published_at": contribution.published_at.isoformat()
        if contribution.published_at
        else None,
        "parent_id": getattr(contribution, "parent_id", None),
        # Comments only: the "elected representative" badge (party/role, or "").
        "author_badge": author_badge(contribution)
        if contribution.kind == Contribution.Kind.COMMENT
        else "",
    }


# The reader events that carry a contribution's public fields (name, text).
READER_EVENT_TYPES = ("contribution.published", "contribution.updated")


def refresh_reader_events(contribution: Contribution, *, announce: bool = False) -> None:
    """A discussion's event log is replayed to any reader from any id they send, so it must not
    keep what is no longer public: earlier events about `contribution` are rewritten to what a
    reader may see now (the moderator's edit, a withheld name), or deleted once it is not
    public. With `announce`, readers are also told the change. Call it in the transaction
    that changed the row; it reads the row as saved, not the caller's copy."""
    from participation.live.models import Event

    current = Contribution.objects.select_related("discussion").get(pk=contribution.pk).concrete()
    earlier = Event.objects.filter(
        stream=current.discussion.stream,
        type__in=READER_EVENT_TYPES,
        payload__contribution_id=current.pk,
    )
    if not current.is_public:
        # Gone from the log; readers who saw it are told by the "hidden" event that follows.
        earlier.delete()
        return
    payload = public_event_payload(current)
    earlier.update(payload=payload)
    if announce:
        emit(current.discussion.stream, "contribution.updated", payload)


def announce_new(contribution: Contribution) -> None:
    """Tell moderators about every new post, and readers about a published one."""
    emit(
        "moderation",
        "contribution.created",
        {
            "contribution_id": contribution.pk,
            "kind": contribution.kind,
            "state": contribution.state,
            "discussion_id": contribution.discussion_id,
        },
    )
    if contribution.state == Contribution.State.PUBLISHED:
        emit(
            contribution.discussion.stream,
            "contribution.published",
            public_event_payload(contribution),
        )


_ANCHOR = re.compile(r"[\w\-.:]{1,100}")


def anchor_or_blank(section: str) -> str:
    """The plan section's anchor a comment is on, or "" for anything that is not an anchor:
    it comes from a hidden field and is shown in a link, so it is no place for free text."""
    section = (section or "")[:100]
    if not _ANCHOR.fullmatch(section) or redact_personal_data(section).findings:
        return ""
    return section


def do_create_comment(
    user, discussion: Discussion, body: str, *, parent=None, section: str = "", idempotency_key=""
):
    """A comment in `discussion`, after the caller's own checks. Returns (comment, created);
    a retried request (same author and key) returns the first comment."""
    from django.db import IntegrityError, transaction

    from participation.contributions.models import AuditEntry, Comment

    if parent is not None and (parent.discussion_id != discussion.pk or not parent.is_public):
        raise ContributionError(_("You can only reply to a published comment in this debate."))
    if idempotency_key:
        existing = Comment.objects.filter(author=user, idempotency_key=idempotency_key).first()
        if existing:
            return existing, False
    try:
        with transaction.atomic():
            comment = Comment.objects.create(
                kind=Contribution.Kind.COMMENT,
                parent=parent,
                section=anchor_or_blank(section),
                **contribution_fields(
                    author=user, discussion=discussion, body=body, idempotency_key=idempotency_key
                ),
            )
            AuditEntry.objects.create(contribution=comment, actor=user, action="commented")
            announce_new(comment)
            if parent is not None and comment.state == Contribution.State.PUBLISHED:
                from participation.notifications.delivery import notify_reply

                notify_reply(comment)
    except IntegrityError:
        existing = Comment.objects.filter(author=user, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing, False
    return comment, True
