"""Idea bank actions: posting, supporting, following, commenting, answering, merging.

`check_*` raise ContributionError with a message for the person; `do_*` own the transaction,
the audit log and the side effects (events, mails) scheduled on commit.
"""

import secrets
from hashlib import sha256

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from hearings.uploads import IMAGE_TYPES, check_upload, clean_image, stored_name
from ideabank.models import (
    Idea,
    IdeaPhoto,
    IdeaStatus,
    IdeaStatusChange,
    Open311Client,
    Support,
    Topic,
)
from participation.accounts.permissions import is_planner
from participation.contributions.models import AuditEntry, Comment, Contribution, Discussion
from participation.contributions.operations import (
    ContributionError,
    LoginRequired,
    announce_new,
    check_body,
    check_storable,
    contribution_fields,
    do_create_comment,
)
from participation.geo.operations import area_for_point
from participation.live.events import emit
from participation.notifications import operations as follows
from participation.notifications.models import Follow
from participation.text.redact import redact_personal_data
from participation.text.render import public_plain

MAX_TITLE_CHARS = 200
MIN_TITLE_CHARS = 3
MAX_IDEA_CHARS = 10_000
MAX_COMMENT_CHARS = 10_000
MAX_ANSWER_CHARS = 10_000
MAX_PHOTOS = 5
MAX_FREE_TAGS = 5


def free_tags_allowed() -> bool:
    return getattr(settings, "IDEABANK_ALLOW_FREE_TAGS", False)


def ideabank_discussion() -> Discussion:
    """The one discussion where ideas themselves are moderated."""
    discussion = Discussion.objects.filter(kind=Discussion.Kind.IDEABANK).order_by("pk").first()
    if discussion is None:
        discussion = Discussion.objects.create(kind=Discussion.Kind.IDEABANK, title="Idébank")
    return discussion


def listed_ideas():
    """Ideas anyone may see in lists and on the map."""
    return Idea.objects.filter(state=Contribution.State.PUBLISHED, merged_into__isnull=True)


# ---------------------------------------------------------------- checks


def check_logged_in(user) -> None:
    if not user.is_authenticated:
        raise LoginRequired()


def check_title(title: str) -> str:
    text = (title or "").strip()
    if len(text) < MIN_TITLE_CHARS:
        raise ContributionError(_("Give the idea a title of at least three characters."))
    if len(text) > MAX_TITLE_CHARS:
        raise ContributionError(
            _("The title is too long: %(count)s characters, the limit is %(limit)s.")
            % {"count": len(text), "limit": MAX_TITLE_CHARS}
        )
    return text


def check_point(lat, lon) -> tuple[float, float] | tuple[None, None]:
    if lat is None and lon is None:
        return None, None
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise ContributionError(_("The place on the map could not be read.")) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ContributionError(_("The place on the map could not be read."))
    return lat, lon


def check_free_tags(names) -> list[str]:
    names = [n.strip() for n in names if n and n.strip()]
    if not names:
        return []
    if not free_tags_allowed():
        raise ContributionError(_("Choose topics from the list."))
    if len(names) > MAX_FREE_TAGS:
        raise ContributionError(
            _("Add at most %(limit)s tags of your own.") % {"limit": MAX_FREE_TAGS}
        )
    for name in names:
        if len(name) > 50 or not slugify(name, allow_unicode=True):
            raise ContributionError(_("A tag must be a word or two, at most 50 characters."))
        # A free tag becomes a public topic shared by every idea: never personal data in it.
        if redact_personal_data(name).findings:
            raise ContributionError(
                _("A tag must not hold a phone number, e-mail, address or identity number.")
            )
    return names


def check_photo(uploaded) -> tuple[str, bytes]:
    """The content type and the cleaned bytes of a photo (metadata and GPS removed)."""
    mime = check_upload(uploaded)
    if mime not in IMAGE_TYPES:
        raise ContributionError(
            _("%(name)s is not a photo. Send JPEG, PNG, WebP or GIF images.")
            % {"name": uploaded.name}
        )
    return mime, clean_image(uploaded.name, uploaded.read(), mime)


def check_can_support(user, idea: Idea) -> None:
    check_logged_in(user)
    if not idea.is_listed:
        raise ContributionError(_("This idea cannot be supported."))


def check_can_comment(user, idea: Idea) -> None:
    check_logged_in(user)
    if not idea.is_listed:
        raise ContributionError(_("This idea is closed for comments."))


def check_can_set_status(user) -> None:
    if not is_planner(user):
        raise ContributionError(_("Only planners can answer ideas."))


# ---------------------------------------------------------------- posting


def _topic_objects(topics, free_tags) -> list[Topic]:
    chosen = [t for t in topics if isinstance(t, Topic)]
    chosen += list(
        Topic.objects.filter(official=True, slug__in=[t for t in topics if isinstance(t, str)])
    )
    for name in free_tags:
        slug = slugify(name, allow_unicode=True)[:100]
        topic = (
            Topic.objects.filter(slug=slug).first()
            or Topic.objects.filter(name__iexact=name).first()
        )
        if topic is None:
            try:
                with transaction.atomic():
                    topic = Topic.objects.create(name=name[:100], slug=slug, official=False)
            except IntegrityError:
                topic = Topic.objects.get(slug=slug)
        chosen.append(topic)
    return list({t.pk: t for t in chosen}.values())


def do_post_idea(
    user,
    *,
    title: str,
    body: str,
    topics=(),
    free_tags=(),
    lat=None,
    lon=None,
    address: str = "",
    photos=(),
    idempotency_key: str = "",
    source: str = Idea.Source.WEB,
    open311_client: Open311Client | None = None,
    author_name: str = "",
) -> tuple[Idea, bool]:
    """Post an idea. Returns (idea, created); a retried request returns the first one."""
    check_logged_in(user)
    check_storable(title, address, *free_tags)
    title = check_title(title)
    check_body(body, max_chars=MAX_IDEA_CHARS)
    lat, lon = check_point(lat, lon)
    free_tags = check_free_tags(free_tags)
    if len(photos) > MAX_PHOTOS:
        raise ContributionError(_("Add at most %(limit)s photos.") % {"limit": MAX_PHOTOS})
    cleaned_photos = [(p.name, *check_photo(p)) for p in photos]
    if idempotency_key:
        existing = Idea.objects.filter(author=user, idempotency_key=idempotency_key).first()
        if existing:
            return existing, False
    area = area_for_point(lat, lon) if lat is not None else None
    try:
        with transaction.atomic():
            bank = ideabank_discussion()
            public_title = public_plain(title, one_line=True)[:255]
            # The discussion's title is shown to readers (report page, reply mails): public.
            comments = Discussion.objects.create(
                kind=Discussion.Kind.IDEA, title=public_title, moderation=bank.moderation
            )
            fields = contribution_fields(
                author=user, discussion=bank, body=body, idempotency_key=idempotency_key
            )
            if author_name:
                # An Open311 client's first_name/last_name: published, so redacted too.
                fields["author_name"] = public_plain(author_name, one_line=True)[:200]
            idea = Idea.objects.create(
                kind=Contribution.Kind.IDEA,
                title=title,
                public_title=public_title,
                lat=lat,
                lon=lon,
                address=(address or "")[:255],
                public_address=public_plain(address, one_line=True)[:255],
                area=area,
                comments_discussion=comments,
                source=source,
                open311_client=open311_client,
                **fields,
            )
            chosen = _topic_objects(topics, free_tags)
            if chosen:
                idea.topics.set(chosen)
            for name, mime, data in cleaned_photos:
                _store_photo(idea, name, mime, data)
            IdeaStatusChange.objects.create(idea=idea, status=IdeaStatus.RECEIVED, changed_by=None)
            if source == Idea.Source.WEB:
                Follow.objects.create(user=user, idea=idea)
            AuditEntry.objects.create(contribution=idea, actor=user, action="idea_posted")
            announce_new(idea)
    except IntegrityError:
        existing = Idea.objects.filter(author=user, idempotency_key=idempotency_key).first()
        if existing is None or not idempotency_key:
            raise
        return existing, False
    return idea, True


def _store_photo(idea: Idea, name: str, mime: str, data: bytes) -> IdeaPhoto:
    # A name of our own with the detected type's extension; the sent name is only a field.
    photo = IdeaPhoto(idea=idea, original_name=name[:255], content_type=mime, size=len(data))
    photo.file.save(stored_name(mime), ContentFile(data), save=False)
    photo.save()
    return photo


# ---------------------------------------------------------------- supporting and following


def _announce_support_count(idea: Idea) -> int:
    count = Idea.objects.values_list("support_count", flat=True).get(pk=idea.pk)
    idea.support_count = count
    emit(
        idea.comments_stream,
        "idea.support_count",
        {"idea_id": idea.pk, "support_count": count},
    )
    return count


def do_support(user, idea: Idea) -> bool:
    """Support an idea. False if this person (account or eID identity) already supports it."""
    check_can_support(user, idea)
    with transaction.atomic():
        try:
            with transaction.atomic():
                Support.objects.create(idea=idea, user=user, identity_hash=user.pid_hash or None)
        except IntegrityError:
            return False
        Idea.objects.filter(pk=idea.pk).update(support_count=F("support_count") + 1)
        _announce_support_count(idea)
    return True


def do_withdraw_support(user, idea: Idea) -> bool:
    check_logged_in(user)
    with transaction.atomic():
        deleted, _counts = Support.objects.filter(idea=idea, user=user).delete()
        if not deleted:
            return False
        Idea.objects.filter(pk=idea.pk, support_count__gt=0).update(
            support_count=F("support_count") - 1
        )
        _announce_support_count(idea)
    return True


def do_follow(user, idea: Idea) -> bool:
    # Follows of every kind live in participation.notifications; this keeps the idea bank's
    # login error (LoginRequired) for its own views.
    check_logged_in(user)
    return follows.do_follow(user, idea)


def do_unfollow(user, idea: Idea) -> bool:
    check_logged_in(user)
    return follows.do_unfollow(user, idea)


# ---------------------------------------------------------------- commenting


def do_comment_on_idea(
    user, idea: Idea, body: str, *, parent: Comment | None = None, idempotency_key: str = ""
) -> tuple[Comment, bool]:
    check_can_comment(user, idea)
    check_body(body, max_chars=MAX_COMMENT_CHARS)
    return do_create_comment(
        user, idea.comments_discussion, body, parent=parent, idempotency_key=idempotency_key
    )


# ---------------------------------------------------------------- the municipality's side


def do_set_status(staff, idea: Idea, status: str, answer: str = "") -> IdeaStatusChange:
    """Move the idea to `status` with a public answer; supporters and followers are told."""
    check_can_set_status(staff)
    if status not in IdeaStatus.values:
        raise ContributionError(_("Choose a status."))
    answer = (answer or "").strip()
    if len(answer) > MAX_ANSWER_CHARS:
        raise ContributionError(
            _("The answer is too long: %(count)s characters, the limit is %(limit)s.")
            % {"count": len(answer), "limit": MAX_ANSWER_CHARS}
        )
    if status == IdeaStatus.NOT_PURSUED and not answer:
        raise ContributionError(_("Say why the idea is not pursued."))
    with transaction.atomic():
        locked = Idea.objects.select_for_update().get(pk=idea.pk)
        if locked.merged_into_id:
            raise ContributionError(_("This idea has been merged into another; answer that one."))
        now = timezone.now()
        change = IdeaStatusChange.objects.create(
            idea=locked, status=status, answer=answer, changed_by=staff
        )
        Idea.objects.filter(pk=locked.pk).update(
            status=status, answer=answer, status_changed_at=now
        )
        AuditEntry.objects.create(
            contribution=locked,
            actor=staff,
            action="idea_status",
            data={"from": locked.status, "to": status},
        )
        emit(
            locked.comments_stream,
            "idea.status_changed",
            {
                "idea_id": locked.pk,
                "status": status,
                "status_label": str(IdeaStatus(status).label),
                "answer": answer,
            },
        )
        # Queued in the change's transaction (the queue is in this database), not after it.
        _enqueue_status_mail(change.pk)
    idea.status, idea.answer, idea.status_changed_at = status, answer, now
    return change


def _enqueue_status_mail(change_id: int) -> None:
    from ideabank.tasks import notify_status_change

    notify_status_change.enqueue(change_id)


def do_merge_ideas(staff, duplicate: Idea, into: Idea) -> Idea:
    """Merge `duplicate` into `into`: supports and follows carry over, once per person."""
    check_can_set_status(staff)
    if duplicate.pk == into.pk:
        raise ContributionError(_("An idea cannot be merged into itself."))
    with transaction.atomic():
        # Lock both in id order, so two merges of the same pair cannot deadlock.
        locked = {
            i.pk: i
            for i in Idea.objects.select_for_update()
            .filter(pk__in=[duplicate.pk, into.pk])
            .order_by("pk")
        }
        dup, target = locked[duplicate.pk], locked[into.pk]
        if dup.merged_into_id:
            raise ContributionError(_("This idea is already merged into another."))
        if target.merged_into_id:
            raise ContributionError(_("The idea to merge into is itself merged into another."))
        if not target.is_public:
            raise ContributionError(_("Merge into a published idea."))
        users = set(Support.objects.filter(idea=target).values_list("user_id", flat=True))
        hashes = set(
            Support.objects.filter(idea=target, identity_hash__isnull=False).values_list(
                "identity_hash", flat=True
            )
        )
        move, drop = [], []
        for support in Support.objects.filter(idea=dup).order_by("created_at", "pk"):
            # A support whose account was deleted (user_id None) is nobody's duplicate.
            if (support.user_id is not None and support.user_id in users) or (
                support.identity_hash and support.identity_hash in hashes
            ):
                drop.append(support.pk)
                continue
            move.append(support.pk)
            users.add(support.user_id)
            if support.identity_hash:
                hashes.add(support.identity_hash)
        Support.objects.filter(pk__in=drop).delete()
        Support.objects.filter(pk__in=move).update(idea=target)
        followers = set(Follow.objects.filter(idea=target).values_list("user_id", flat=True))
        Follow.objects.filter(idea=dup, user_id__in=followers).delete()
        Follow.objects.filter(idea=dup).update(idea=target)
        # Exact counts from the rows, not arithmetic: the merge is the moment to be right.
        Idea.objects.filter(pk=target.pk).update(
            support_count=Support.objects.filter(idea=target).count()
        )
        Idea.objects.filter(pk=dup.pk).update(merged_into=target, support_count=0)
        for idea, action, other in ((dup, "idea_merged", target), (target, "idea_merged_in", dup)):
            AuditEntry.objects.create(
                contribution=idea, actor=staff, action=action, data={"other": other.pk}
            )
        emit(
            dup.comments_stream,
            "idea.merged",
            {"idea_id": dup.pk, "merged_into": target.pk},
        )
        _announce_support_count(target)
    duplicate.merged_into = target
    duplicate.support_count = 0
    into.support_count = target.support_count
    return target


# ---------------------------------------------------------------- Open311 clients


def hash_api_key(key: str) -> str:
    return sha256(key.encode()).hexdigest()


def do_create_open311_client(name: str, account) -> tuple[Open311Client, str]:
    """A new client and its api_key; the key is shown now and only its hash is kept."""
    key = secrets.token_urlsafe(32)
    client = Open311Client.objects.create(
        name=name, account=account, api_key_hash=hash_api_key(key)
    )
    return client, key


def client_for_key(key: str) -> Open311Client | None:
    if not key:
        return None
    return (
        Open311Client.objects.select_related("account")
        .filter(api_key_hash=hash_api_key(key), is_active=True)
        .first()
    )
