"""What a person posted: the export of every contribution, and what deleting the account does.

Published contributions are public records (a submission is a document in the case; comments
and ideas are part of a public debate others replied to and supported): they stay, under the
name they were published with (`Contribution.author_name`, stored when posted; a withheld
name stays withheld), with the link to the account removed. Everything else the person
posted -- awaiting moderation, rejected, hidden, withdrawn -- was never or is no longer
public and goes, with its attachments and photos.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from participation.accounts.privacy import plain

# Child fields nobody needs to read in an export (internal keys and fingerprints).
_SKIPPED = {"idempotency_key", "text_fingerprint", "comments_discussion", "open311_client"}


def _child(contribution):
    """The concrete child row (Submission, Comment, Idea …) of a Contribution, or None."""
    child = contribution.concrete()
    return None if child is contribution else child


def _field_values(obj, base_fields: set[str]) -> dict:
    values = {}
    for f in type(obj)._meta.concrete_fields:
        if f.name in base_fields or f.name in _SKIPPED or f.name.endswith("hash"):
            continue
        if getattr(f.remote_field, "parent_link", False):
            continue
        if f.is_relation:
            if f.related_model is get_user_model():
                continue  # which staff member did something is the municipality's record
            related = getattr(obj, f.name)
            values[f.name] = str(related) if related is not None else None
        else:
            values[f.name] = plain(f.value_from_object(obj))
    return values


def export_contributions(user) -> list[dict]:
    from participation.contributions.models import Contribution

    base_fields = {f.name for f in Contribution._meta.concrete_fields}
    rows = []
    for c in (
        Contribution.objects.filter(author=user)
        .select_related("discussion")
        .prefetch_related("audit_entries")
        .order_by("created_at", "pk")
    ):
        child = _child(c)
        row = {
            "id": c.pk,
            "kind": c.kind,
            "kind_label": str(c.get_kind_display()),
            "state": c.state,
            "state_label": str(c.get_state_display()),
            "where": c.discussion.title,
            "published_name": c.public_name,
            "organisation": c.organisation_name,
            "text_as_written": c.body,
            "text_as_edited_by_moderator": c.moderated_body,
            "created_at": plain(c.created_at),
            "published_at": plain(c.published_at),
            "rejection_reason": str(c.get_rejection_code_display()) if c.rejection_code else "",
            "rejection_note": c.rejection_reason,
            # What was decided about the post; who decided is the municipality's, not named.
            "decisions": [
                {"action": e.action, "reason": e.reason, "at": plain(e.created_at)}
                for e in c.audit_entries.all()
            ],
        }
        if child is not None:
            row["details"] = _field_values(child, base_fields)
            if "response" in row["details"] and hasattr(child, "public_response"):
                # The planner's draft answer is the municipality's until it is published.
                row["details"]["response"] = child.public_response
            attachments = getattr(child, "attachments", None)
            if attachments is not None:
                row["attachments"] = [
                    {"file_name": a.original_name, "size": a.size, "content_type": a.content_type}
                    for a in attachments.all()
                ]
            photos = getattr(child, "photos", None)
            if photos is not None:
                row["photos"] = [
                    {"file_name": p.original_name, "size": p.size} for p in photos.all()
                ]
        rows.append(row)
    return rows


def _delete_files(contribution_ids) -> None:
    """Files of posts that go: private attachments and idea photos, on commit."""
    from hearings.models import Attachment
    from ideabank.models import IdeaPhoto

    files = [a.file for a in Attachment.objects.filter(submission_id__in=contribution_ids)]
    files += [p.file for p in IdeaPhoto.objects.filter(idea_id__in=contribution_ids)]

    def delete():
        for f in files:
            if f:
                f.storage.delete(f.name)

    transaction.on_commit(delete)


def _keep_replies_in_thread(gone: set[int]) -> None:
    """Others' replies to a comment that goes move up to the nearest comment that stays."""
    from participation.contributions.models import Comment

    parents = dict(Comment.objects.filter(pk__in=gone).values_list("pk", "parent_id"))

    def surviving(pk):
        while pk in gone:
            pk = parents.get(pk)
        return pk

    for pk in parents:
        Comment.objects.filter(parent_id=pk).exclude(pk__in=gone).update(parent_id=surviving(pk))


def delete_contributions(ids) -> None:
    """Delete these posts for good: their files (on commit), their live events, the
    discussion that was theirs alone; others' replies move up the thread."""
    from ideabank.models import Idea
    from participation.contributions.models import Contribution, Discussion
    from participation.live.models import Event

    gone = set(ids)
    if not gone:
        return
    # The discussions that belong to a post that goes (an idea's comment thread, an
    # initiative's own discussion) go too when nothing else is in them.
    own_discussions = set(
        Contribution.objects.filter(
            pk__in=gone,
            discussion__kind__in=[Discussion.Kind.IDEA, Discussion.Kind.INITIATIVE],
        ).values_list("discussion_id", flat=True)
    )
    own_discussions |= set(
        Idea.objects.filter(pk__in=gone).values_list("comments_discussion_id", flat=True)
    )
    _delete_files(gone)
    _keep_replies_in_thread(gone)
    Event.objects.filter(payload__contribution_id__in=list(gone)).delete()
    Event.objects.filter(payload__idea_id__in=list(gone)).delete()
    Contribution.objects.filter(pk__in=gone).delete()
    for discussion in Discussion.objects.filter(pk__in=own_discussions, contributions=None):
        stream = discussion.stream
        try:
            with transaction.atomic():
                discussion.delete()
        except (ProtectedError, IntegrityError):
            continue
        Event.objects.filter(stream=stream).delete()


def erase_contributions(user) -> None:
    from participation.contributions.models import Contribution

    mine = Contribution.objects.filter(author=user)
    delete_contributions(
        mine.exclude(state=Contribution.State.PUBLISHED).values_list("pk", flat=True)
    )
    # Public records: the published name stays on the row, the account link goes.
    mine.update(author=None, idempotency_key="")
