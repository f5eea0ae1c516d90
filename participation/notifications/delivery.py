"""Queue notifications in the outbox and build the e-mails that tell about them.

`notify()` is what operations call inside their transaction: it writes one `Notification` row
per recipient who wants this kind of mail (a key makes the same event one row, however often it
is queued) and, in the same transaction, enqueues the at-once sends. Digests collect the rest
(tasks.py).

A mail is rendered when it is sent, in the recipient's language, from what the row refers to;
something hidden, withdrawn or reversed in the meantime is not told. Every mail carries a
one-click unsubscribe link (RFC 8058) and a link to the settings page.
"""

import re
from dataclasses import dataclass, field
from html import unescape

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Case, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags

from participation.notifications import links
from participation.notifications.models import (
    DEFAULT_FREQUENCY,
    Frequency,
    Notification,
    NotificationKind,
    NotificationSetting,
)

Kind = NotificationKind
# What the digests of this module collect; the politician digest has its own sender.
DIGESTED_KINDS = [k for k in NotificationKind if k != NotificationKind.POLITICIAN_DIGEST]


# ---------------------------------------------------------------- frequencies


def _default_frequency() -> Case:
    return Case(
        *[When(kind=kind, then=Value(freq.value)) for kind, freq in DEFAULT_FREQUENCY.items()],
        default=Value(Frequency.IMMEDIATE.value),
    )


def with_frequency(notifications):
    """Annotate each notification with `frequency`: its recipient's current choice for its
    kind (the setting, or the default), in the same query."""
    setting = NotificationSetting.objects.filter(
        user=OuterRef("user_id"), kind=OuterRef("kind")
    ).values("frequency")[:1]
    return notifications.annotate(frequency=Coalesce(Subquery(setting), _default_frequency()))


def _recipients(user_ids, kind) -> dict[int, str]:
    """{user id: frequency} of the active people with an e-mail address, in one query."""
    from participation.accounts.models import User

    setting = NotificationSetting.objects.filter(user=OuterRef("pk"), kind=kind).values(
        "frequency"
    )[:1]
    default = DEFAULT_FREQUENCY.get(kind, Frequency.IMMEDIATE)
    rows = (
        User.objects.filter(pk__in=user_ids, is_active=True)
        .exclude(email="")
        .annotate(frequency=Coalesce(Subquery(setting), Value(str(default))))
        .values_list("pk", "frequency")
    )
    return dict(rows)


# ---------------------------------------------------------------- queueing


def notify(
    kind,
    user_ids,
    key: str,
    *,
    hearing=None,
    idea=None,
    contribution=None,
    exclude_user_id=None,
) -> int:
    """Queue `kind` about one event for each of `user_ids` (minus `exclude_user_id`, usually the
    person who caused it). Returns how many rows are new. Call it inside the transaction that
    makes the event: the rows commit with it, and the at-once mails are enqueued on commit."""
    ids = {pk for pk in user_ids if pk is not None and pk != exclude_user_id}
    if not ids:
        return 0
    wanted = {pk: f for pk, f in _recipients(ids, kind).items() if f != Frequency.NEVER}
    if not wanted:
        return 0
    # Only the rows that are new are enqueued: a second call for the same event (the cron job
    # runs every few minutes) sends nothing again. The unique key still guards a race.
    already = set(
        Notification.objects.filter(key=key, user_id__in=wanted).values_list("user_id", flat=True)
    )
    new = [pk for pk in wanted if pk not in already]
    if not new:
        return 0
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=pk,
                kind=kind,
                key=key[:120],
                hearing=hearing,
                idea=idea,
                contribution=contribution,
            )
            for pk in sorted(new)
        ],
        ignore_conflicts=True,
    )
    at_once = [pk for pk in new if wanted[pk] == Frequency.IMMEDIATE]
    if at_once:
        ids_to_send = list(
            Notification.objects.filter(
                key=key[:120], user_id__in=at_once, sent_at=None
            ).values_list("pk", flat=True)
        )
        # With the outbox rows, in the caller's transaction: a crash after the commit cannot
        # leave an at-once mail unqueued.
        enqueue_sends(ids_to_send)
    return len(new)


def enqueue_sends(notification_ids) -> None:
    from participation.notifications.tasks import send_notification

    for pk in notification_ids:
        send_notification.enqueue(pk)


def notify_reply(reply) -> int:
    """Tell the author of the comment `reply` answers, once it is public; not a self-reply."""
    from participation.contributions.models import Comment, Contribution

    row = (
        Comment.objects.filter(
            pk=reply.pk, parent__isnull=False, state=Contribution.State.PUBLISHED
        )
        .values("author_id", "parent__author_id")
        .first()
    )
    if row is None or row["parent__author_id"] is None:
        return 0
    return notify(
        Kind.REPLY,
        [row["parent__author_id"]],
        f"reply:{reply.pk}",
        contribution=reply,
        exclude_user_id=row["author_id"],
    )


# ---------------------------------------------------------------- links


def absolute(path: str) -> str:
    return path if path.startswith("http") else settings.SITE_URL + path


def settings_url() -> str:
    """The page where a person chooses what to get and how often (in the active language)."""
    return absolute(reverse("follows:index"))


def unsubscribe_url(user_id: int, scope: str) -> str:
    from participation.notifications.unsubscribe import make_token

    return absolute(reverse("unsubscribe:confirm", args=[make_token(user_id, scope)]))


def hearing_url(hearing) -> str:
    return absolute(links.hearing_url(hearing))


def discussion_url(contribution) -> str:
    """Where a post can be read: its hearing's page, or the idea it is about."""
    from ideabank.models import Idea
    from participation.contributions.models import Discussion

    discussion = contribution.discussion
    if discussion.kind == Discussion.Kind.HEARING:
        return hearing_url(discussion.hearing)
    if discussion.kind == Discussion.Kind.IDEA:
        idea_id = Idea.objects.filter(comments_discussion=discussion).values_list("pk", flat=True)
        if idea_id:
            return absolute(reverse("ideabank:detail", args=[idea_id[0]]))
    if discussion.kind == Discussion.Kind.INITIATIVE:
        # A citizen initiative's own discussion: its page.
        initiative_id = discussion.contributions.filter(kind="initiative").values_list(
            "pk", flat=True
        )
        if initiative_id:
            return absolute(reverse("initiatives:detail", args=[initiative_id[0]]))
    if contribution.kind == "idea":
        return absolute(reverse("ideabank:detail", args=[contribution.pk]))
    return absolute(reverse("ideabank:list"))


# ---------------------------------------------------------------- rendering


@dataclass
class Item:
    """One notification, ready for the templates: what happened and where to read more."""

    kind: str
    subject: str
    url: str
    context: dict = field(default_factory=dict)

    @property
    def template(self) -> str:
        return f"notifications/email/items/{self.kind}"


def _key_suffix(notification: Notification) -> str:
    return notification.key.rsplit(":", 1)[-1]


def build_item(notification: Notification) -> Item | None:
    """What to tell about `notification` now, in the active language; None when it no longer
    holds (the hearing was unpublished, the post hidden, the decision reversed)."""
    from django.utils.translation import gettext as _

    kind = notification.kind
    hearing, idea, contribution = (
        notification.hearing,
        notification.idea,
        notification.contribution,
    )
    now = timezone.now()
    if kind == Kind.NEW_HEARING:
        from hearings.permissions import can_view_hearing

        if hearing is None or not can_view_hearing(None, hearing) or hearing.closes_at < now:
            return None
        return Item(
            kind,
            _('New hearing: "%(title)s"') % {"title": hearing.title},
            hearing_url(hearing),
            {"hearing": hearing},
        )
    if kind == Kind.HEARING_CLOSING:
        if hearing is None or hearing.phase(now) != "open":
            return None
        return Item(
            kind,
            _('The hearing "%(title)s" closes soon') % {"title": hearing.title},
            hearing_url(hearing),
            {"hearing": hearing, "days_left": hearing.days_left(now)},
        )
    if kind in (Kind.RESPONSE, Kind.FOLLOWED_ACTIVITY) and idea is not None:
        return _idea_status_item(notification, idea)
    if kind == Kind.RESPONSE and contribution is not None:
        from hearings.models import Submission

        submission = Submission.objects.select_related("hearing").filter(pk=contribution.pk).first()
        if (
            submission is None
            or not submission.response
            or not submission.hearing.responses_are_public
        ):
            return None
        return Item(
            kind,
            _("The municipality has responded: %(title)s") % {"title": submission.hearing.title},
            absolute(reverse("hearings:submission", args=[submission.hearing_id, submission.pk])),
            {"submission": submission},
        )
    if kind == Kind.MODERATION and contribution is not None:
        decision = _key_suffix(notification)
        # The decision may have been reversed since: tell only what still holds.
        if contribution.state != decision or decision not in ("published", "rejected"):
            return None
        title = contribution.discussion.title
        if decision == "published":
            subject = _('Your post on "%(title)s" is published') % {"title": title}
        else:
            subject = _('Your post on "%(title)s" was not published') % {"title": title}
        return Item(
            kind,
            subject,
            discussion_url(contribution),
            {"contribution": contribution, "decision": decision},
        )
    if kind == Kind.REPLY and contribution is not None:
        if contribution.state != contribution.State.PUBLISHED:
            return None
        return Item(
            kind,
            _('New reply to you in "%(title)s"') % {"title": contribution.discussion.title},
            discussion_url(contribution),
            # Only what every reader sees: the public name and the redacted text.
            {
                "reply": contribution,
                "replier": _replier(contribution),
                "reply_text": unescape(strip_tags(contribution.public_html)).strip(),
            },
        )
    return None


def _replier(contribution) -> str:
    """The replier's public name; an elected representative with their badge, as on the site."""
    from django.utils.translation import gettext as _

    from participation.contributions.badges import author_badge

    badge = author_badge(contribution)
    if not badge:
        return contribution.author_name
    return f"{contribution.author_name} ({_('Elected representative')}, {badge})"


def _idea_status_item(notification: Notification, idea) -> Item | None:
    from django.utils.translation import gettext as _

    from ideabank.models import IdeaStatusChange

    if not idea.is_listed:
        return None
    change = IdeaStatusChange.objects.filter(
        pk=_key_suffix(notification) if _key_suffix(notification).isdigit() else None,
        idea=idea,
    ).first()
    status_label = change.get_status_display() if change else idea.get_status_display()
    answer = change.answer if change else idea.answer
    return Item(
        notification.kind,
        _('New status for the idea "%(title)s": %(status)s')
        % {"title": idea.public_title, "status": status_label},
        absolute(reverse("ideabank:detail", args=[idea.pk])),
        {
            "idea": idea,
            "status_label": status_label,
            "answer": answer,
            "own_idea": notification.kind == Kind.RESPONSE,
        },
    )


def _language(user) -> str:
    return user.preferred_language or settings.LANGUAGE_CODE


def list_headers(url: str) -> dict[str, str]:
    # RFC 2369 + RFC 8058: mail programs show an unsubscribe button that POSTs to the URL.
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def unsubscribe_headers(user, scope: str) -> dict[str, str]:
    """The one-click unsubscribe headers for a mail to `user` about `scope` (a kind, "all",
    or "digest-daily"/"digest-weekly"); links in the active language."""
    return list_headers(unsubscribe_url(user.pk, str(scope)))


def _message(user, subject, text, html, unsubscribe) -> EmailMultiAlternatives:
    # Auto-Submitted (RFC 3834): out-of-office replies are not sent back to us.
    headers = {**list_headers(unsubscribe), "Auto-Submitted": "auto-generated"}
    # One line: a title a resident wrote with a line break must not stop the mail.
    subject = " ".join(str(subject).split())
    message = EmailMultiAlternatives(subject, text, to=[user.email], headers=headers)
    message.attach_alternative(html, "text/html")
    return message


def tidy(text: str) -> str:
    """Plain text from templates: at most one empty line in a row, no trailing spaces."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def send(message: EmailMultiAlternatives) -> None:
    """The one place a notification mail leaves; a failure raises and rolls the claim back."""
    message.send()


def build_single(notification: Notification) -> EmailMultiAlternatives | None:
    """The mail for one notification sent at once, or None when there is nothing to tell."""
    user = notification.user
    if not user.is_active or not user.email:
        return None
    with translation.override(_language(user)):
        item = build_item(notification)
        if item is None:
            return None
        unsubscribe = unsubscribe_url(user.pk, notification.kind)
        context = {
            "user": user,
            "item": item,
            "items": [item],
            "LANGUAGE_CODE": translation.get_language(),
            "subject": item.subject,
            "reason": NotificationKind(notification.kind).label,
            "unsubscribe_url": unsubscribe,
            "settings_url": settings_url(),
            "unsubscribe_scope": "kind",
            "municipality": settings.MUNICIPALITY_NAME,
        }
        text = tidy(render_to_string("notifications/email/single.txt", context))
        html = render_to_string("notifications/email/single.html", context)
    return _message(user, item.subject, text, html, unsubscribe)


def build_digest(user, frequency: str, notifications) -> EmailMultiAlternatives | None:
    """One mail with every notification in `notifications`, grouped by kind."""
    from django.utils.translation import gettext as _

    if not user.is_active or not user.email:
        return None
    with translation.override(_language(user)):
        groups = []
        for kind in NotificationKind:
            items = [
                item
                for item in (build_item(n) for n in notifications if n.kind == kind)
                if item is not None
            ]
            if items:
                groups.append({"kind": kind, "label": kind.label, "items": items})
        if not groups:
            return None
        count = sum(len(g["items"]) for g in groups)
        if frequency == Frequency.WEEKLY:
            subject = _("Your weekly summary from %(site)s (%(count)s new)")
        else:
            subject = _("Your daily summary from %(site)s (%(count)s new)")
        subject = subject % {"site": settings.MUNICIPALITY_NAME, "count": count}
        unsubscribe = unsubscribe_url(user.pk, f"digest-{frequency}")
        context = {
            "user": user,
            "groups": groups,
            "frequency": frequency,
            "LANGUAGE_CODE": translation.get_language(),
            "subject": subject,
            "unsubscribe_url": unsubscribe,
            "settings_url": settings_url(),
            "unsubscribe_scope": "digest",
            "municipality": settings.MUNICIPALITY_NAME,
        }
        text = tidy(render_to_string("notifications/email/digest.txt", context))
        html = render_to_string("notifications/email/digest.html", context)
    return _message(user, subject, text, html, unsubscribe)


# ---------------------------------------------------------------- digests


def digest_cutoff(frequency: str, now=None):
    """The latest digest time that has passed: today 07:00 in Oslo (or yesterday's, before
    seven) for daily, the last Monday 07:00 for weekly. A digest carries what was queued
    before it, so any number of runs after the cutoff send it once, and a run missed (a
    server down on Monday) is caught up by the next."""
    from datetime import datetime, time, timedelta

    tz = timezone.get_default_timezone()  # Europe/Oslo: seven in the morning where people live
    hour = time(getattr(settings, "NOTIFICATION_DIGEST_HOUR", 7))
    local = timezone.localtime(now or timezone.now(), tz)
    day = local.date()
    if local.time() < hour:
        day -= timedelta(days=1)
    if frequency == Frequency.WEEKLY:
        day -= timedelta(days=day.weekday())
    return timezone.make_aware(datetime.combine(day, hour), tz)


def due_digest_notifications(user_id, frequency, now=None):
    """The person's unsent notifications that belong in the `frequency` digest now."""
    return with_frequency(
        Notification.objects.filter(
            user_id=user_id,
            sent_at=None,
            kind__in=DIGESTED_KINDS,
            created_at__lt=digest_cutoff(frequency, now),
        )
    ).filter(frequency=frequency)


def users_with_due_digest(frequency, now=None) -> list[int]:
    return list(
        with_frequency(
            Notification.objects.filter(
                sent_at=None,
                kind__in=DIGESTED_KINDS,
                created_at__lt=digest_cutoff(frequency, now),
            )
        )
        .filter(frequency=frequency)
        .values_list("user_id", flat=True)
        .distinct()
        .order_by("user_id")
    )


def stale_immediate_ids(older_than) -> list[int]:
    """At-once notifications still unsent (a failed send, a frequency changed to at once):
    the cron job enqueues them again; the claim makes a second send impossible."""
    return list(
        with_frequency(Notification.objects.filter(sent_at=None, created_at__lt=older_than))
        .filter(frequency=Frequency.IMMEDIATE)
        .exclude(Q(kind=NotificationKind.POLITICIAN_DIGEST))
        .values_list("pk", flat=True)[:1000]
    )
