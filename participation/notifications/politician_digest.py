"""The politicians' digest: what happened in the hearings and ideas they follow.

Each politician (a member of the `politician` group) with the POLITICIAN_DIGEST kind set to
daily or weekly gets one mail per period: new submissions and comments counted, the most
discussed threads, and followed hearings that close within DEADLINE_DAYS, all with links.

- `build_politician_digests(frequency, now)` computes every digest of the period with a fixed
  number of aggregate queries, however many politicians follow however many posts: the counts
  are grouped by discussion once and shared by everyone who follows it.
- `send_politician_digests(frequency, period_key)` is the task: it builds, queues one outbox row
  per recipient with the key `politician-digest:<frequency>:<period start>` (unique per person)
  and claims the rows in batches with a conditional UPDATE in the transaction that sends, so a
  retried or duplicated task mails nobody twice.
- `send_due_politician_digests(now)` is what the scheduling command calls: daily digests once a
  local day, weekly ones on Mondays (Europe/Oslo, the site's TIME_ZONE), from
  NOTIFICATION_DIGEST_HOUR (7) like the other digests; a missed day is caught up.

The periods are whole local days ending at the midnight that starts the day of sending, so a
task that runs late (or again) counts exactly the same posts.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django_tasks import task

from participation.contributions.models import Comment, Contribution
from participation.notifications import delivery
from participation.notifications.links import live_plan_pages
from participation.notifications.models import (
    Follow,
    Frequency,
    Notification,
    NotificationKind,
)

KIND = NotificationKind.POLITICIAN_DIGEST
POLITICIAN_GROUP = "politician"
DEADLINE_DAYS = 14
THREADS_PER_DIGEST = 3
# Mails claimed and sent per transaction (and per SMTP connection).
BATCH_SIZE = 200
# In the morning, with the other digests (delivery.py): the cron command may run at any hour.
SEND_FROM_HOUR = getattr(settings, "NOTIFICATION_DIGEST_HOUR", 7)
PERIOD_DAYS = {Frequency.DAILY: 1, Frequency.WEEKLY: 7}
PUBLISHED = Contribution.State.PUBLISHED


# ---------------------------------------------------------------- periods


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()))


def period_for(frequency: str, now: datetime) -> tuple[datetime, datetime]:
    """The whole local days before the day of `now`: yesterday, or the last seven days."""
    end = _local_midnight(timezone.localdate(now))
    start = _local_midnight(timezone.localdate(now) - timedelta(days=PERIOD_DAYS[frequency]))
    return start, end


def period_from_key(frequency: str, period_key: str) -> tuple[datetime, datetime]:
    first = date.fromisoformat(period_key)
    return _local_midnight(first), _local_midnight(first + timedelta(days=PERIOD_DAYS[frequency]))


def period_key_for(frequency: str, now: datetime) -> str:
    return timezone.localdate(period_for(frequency, now)[0]).isoformat()


def outbox_key(frequency: str, period_key: str) -> str:
    return f"politician-digest:{frequency}:{period_key}"


# ---------------------------------------------------------------- what a digest holds


@dataclass
class Target:
    """A followed hearing or idea, with what happened in it during the period."""

    kind: str  # "hearing" or "idea"
    pk: int
    title: str
    discussion_id: int
    closes_at: datetime | None = None
    # {language code: path} of the live plan pages that show the hearing.
    page_paths: dict[str, str] = field(default_factory=dict)
    new_submissions: int = 0
    new_comments: int = 0

    @property
    def new_posts(self) -> int:
        return self.new_submissions + self.new_comments

    def path(self, language: str) -> str:
        """The page to read it on, in `language` when there is such a page."""
        if self.page_paths:
            return self.page_paths.get(language) or next(iter(self.page_paths.values()))
        with translation.override(language):
            if self.kind == Follow.Kind.HEARING:
                return reverse("hearings:submissions", args=[self.pk])
            return reverse("ideabank:detail", args=[self.pk])


@dataclass
class Thread:
    """A top-level comment and its replies, with how many of them are new."""

    comment_id: int
    target: Target
    author_name: str
    excerpt: str
    new_posts: int

    def path(self, language: str) -> str:
        return f"{self.target.path(language)}#comment-{self.comment_id}"


@dataclass
class Digest:
    user: object
    frequency: str
    period_start: datetime
    period_end: datetime
    targets: list[Target]
    threads: list[Thread]
    deadlines: list[Target]

    @property
    def new_submissions(self) -> int:
        return sum(t.new_submissions for t in self.targets)

    @property
    def new_comments(self) -> int:
        return sum(t.new_comments for t in self.targets)

    @property
    def active_targets(self) -> list[Target]:
        return [t for t in self.targets if t.new_posts]

    @property
    def is_empty(self) -> bool:
        return not self.active_targets and not self.deadlines


# ---------------------------------------------------------------- building


def _recipients(frequency: str) -> list:
    """Active politicians with an address who chose `frequency` and follow a hearing or idea."""
    from participation.accounts.models import User
    from participation.notifications.operations import frequencies_for

    follows_something = Follow.objects.filter(
        Q(hearing__isnull=False) | Q(idea__isnull=False), user=OuterRef("pk")
    )
    users = list(
        User.objects.filter(groups__name=POLITICIAN_GROUP, is_active=True)
        .exclude(email="")
        .filter(Exists(follows_something))
        .order_by("pk")
    )
    wanted = frequencies_for(users, KIND)
    return [user for user in users if wanted[user.pk] == frequency]


def _plan_page_paths(hearing) -> dict[str, str]:
    paths = {}
    for page in hearing.live_plan_pages:
        parts = page.get_url_parts()
        if parts:
            paths.setdefault(page.locale.language_code, parts[2])
    return paths


def _targets(hearing_ids, idea_ids) -> dict[tuple[str, int], Target]:
    from hearings.permissions import visible_hearings
    from ideabank.models import Idea

    targets = {}
    hearings = (
        visible_hearings()
        .filter(pk__in=hearing_ids)
        .only("pk", "title", "closes_at", "discussion_id", "responses_published_at")
        .prefetch_related(live_plan_pages())
    )
    for hearing in hearings:
        targets[(Follow.Kind.HEARING, hearing.pk)] = Target(
            kind=Follow.Kind.HEARING,
            pk=hearing.pk,
            title=hearing.title,
            discussion_id=hearing.discussion_id,
            # A hearing whose responses are out is decided: no deadline to remind of.
            closes_at=None if hearing.responses_published_at else hearing.closes_at,
            page_paths=_plan_page_paths(hearing),
        )
    ideas = Idea.objects.filter(pk__in=idea_ids, state=PUBLISHED).values_list(
        "pk", "public_title", "title", "comments_discussion_id"
    )
    for pk, public_title, title, discussion_id in ideas:
        targets[(Follow.Kind.IDEA, pk)] = Target(
            kind=Follow.Kind.IDEA,
            pk=pk,
            title=public_title or title,
            discussion_id=discussion_id,
        )
    return targets


def _count_new_posts(targets: dict, start, end) -> dict[int, list[Thread]]:
    """Fill in the targets' counts; return each discussion's most discussed threads. Three
    queries for all discussions together."""
    by_discussion = {t.discussion_id: t for t in targets.values()}
    new = Contribution.objects.filter(
        discussion_id__in=list(by_discussion),
        state=PUBLISHED,
        published_at__gte=start,
        published_at__lt=end,
    )
    counts = (
        new.filter(kind__in=[Contribution.Kind.SUBMISSION, Contribution.Kind.COMMENT])
        .values_list("discussion_id", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for discussion_id, kind, n in counts:
        target = by_discussion[discussion_id]
        if kind == Contribution.Kind.SUBMISSION:
            # An idea's own discussion holds comments only; submissions belong to hearings.
            target.new_submissions += n
        else:
            target.new_comments += n

    # A thread is a top-level comment and its replies (replies are one level deep).
    activity = (
        Comment.objects.filter(
            discussion_id__in=list(by_discussion),
            state=PUBLISHED,
            published_at__gte=start,
            published_at__lt=end,
        )
        .annotate(thread=Coalesce("parent_id", "pk"))
        .values_list("discussion_id", "thread")
        .annotate(n=Count("pk"))
        .order_by()
    )
    top: dict[int, list[tuple[int, int]]] = {}
    for discussion_id, thread_id, n in activity:
        top.setdefault(discussion_id, []).append((n, thread_id))
    for threads in top.values():
        threads.sort(key=lambda item: (-item[0], item[1]))
        del threads[THREADS_PER_DIGEST:]
    new_posts = {thread_id: n for threads in top.values() for n, thread_id in threads}
    roots = Comment.objects.filter(pk__in=list(new_posts), state=PUBLISHED).values_list(
        "pk", "discussion_id", "author_name", "public_html"
    )
    result: dict[int, list[Thread]] = {}
    for pk, discussion_id, author_name, html in roots:
        result.setdefault(discussion_id, []).append(
            Thread(
                comment_id=pk,
                target=by_discussion[discussion_id],
                author_name=author_name,
                excerpt=Truncator(strip_tags(html)).words(25),
                new_posts=new_posts[pk],
            )
        )
    return result


def build_politician_digests(
    frequency: str,
    now: datetime,
    *,
    period: tuple[datetime, datetime] | None = None,
    include_empty: bool = False,
) -> list[Digest]:
    """Every politician's digest for the period before `now` (or `period`), in recipient order.

    A fixed number of queries (see tests): recipients, their frequencies, their follows, the
    hearings (+ their plan pages), the ideas, then the counts and threads grouped by discussion.
    Empty digests (nothing new, no deadline) are left out unless `include_empty`.
    """
    start, end = period or period_for(frequency, now)
    return _build(_recipients(frequency), frequency, start, end, now, include_empty=include_empty)


def preview_digest(user, now: datetime | None = None) -> Digest:
    """The digest `user` would get for the last seven days up to `now`, empty or not: what the
    page under /varsler/ shows, so a politician need not wait for Monday's mail."""
    now = now or timezone.now()
    start = now - timedelta(days=7)
    (digest,) = _build([user], Frequency.WEEKLY, start, now, now, include_empty=True)
    return digest


def _build(users, frequency, start, end, now, *, include_empty) -> list[Digest]:
    if not users:
        return []
    follows = Follow.objects.filter(user__in=[u.pk for u in users]).values_list(
        "user_id", "hearing_id", "idea_id"
    )
    followed: dict[int, list[tuple[str, int]]] = {}
    for user_id, hearing_id, idea_id in follows:
        if hearing_id:
            followed.setdefault(user_id, []).append((Follow.Kind.HEARING, hearing_id))
        elif idea_id:
            followed.setdefault(user_id, []).append((Follow.Kind.IDEA, idea_id))
    hearing_ids = {pk for items in followed.values() for kind, pk in items if kind == "hearing"}
    idea_ids = {pk for items in followed.values() for kind, pk in items if kind == "idea"}
    targets = _targets(hearing_ids, idea_ids)
    threads = _count_new_posts(targets, start, end) if targets else {}
    deadline_until = now + timedelta(days=DEADLINE_DAYS)

    digests = []
    for user in users:
        mine = [targets[item] for item in followed.get(user.pk, []) if item in targets]
        mine.sort(key=lambda t: (-t.new_posts, t.title, t.pk))
        hot = [thread for t in mine for thread in threads.get(t.discussion_id, [])]
        hot.sort(key=lambda thread: (-thread.new_posts, thread.comment_id))
        deadlines = sorted(
            (t for t in mine if t.closes_at and now < t.closes_at <= deadline_until),
            key=lambda t: (t.closes_at, t.pk),
        )
        digest = Digest(
            user=user,
            frequency=frequency,
            period_start=start,
            period_end=end,
            targets=mine,
            threads=hot[:THREADS_PER_DIGEST],
            deadlines=deadlines,
        )
        if include_empty or not digest.is_empty:
            digests.append(digest)
    return digests


# ---------------------------------------------------------------- rendering and sending


def digest_context(digest: Digest, language: str, now: datetime, absolute=delivery.absolute):
    """What the mail and the preview page show, links in `language`. No queries."""
    with translation.override(language):
        return {
            "user": digest.user,
            "LANGUAGE_CODE": language,
            "digest": digest,
            "is_weekly": digest.frequency == Frequency.WEEKLY,
            "period_first_day": timezone.localdate(digest.period_start),
            "period_last_day": timezone.localdate(digest.period_end) - timedelta(days=1),
            "targets": [
                {"target": t, "url": absolute(t.path(language))} for t in digest.active_targets
            ],
            "threads": [{"thread": t, "url": absolute(t.path(language))} for t in digest.threads],
            "deadlines": [
                {
                    "target": t,
                    "url": absolute(t.path(language)),
                    "days_left": max(
                        (timezone.localdate(t.closes_at) - timezone.localdate(now)).days, 0
                    ),
                }
                for t in digest.deadlines
            ],
            "deadline_days": DEADLINE_DAYS,
            "settings_url": absolute(reverse("follows:index")),
            "municipality": settings.MUNICIPALITY_NAME,
        }


def render_digest(digest: Digest, now: datetime | None = None) -> EmailMultiAlternatives:
    """The mail for one digest, in the recipient's language. No queries."""
    user = digest.user
    language = user.preferred_language or settings.LANGUAGE_CODE
    now = now or timezone.now()
    context = digest_context(digest, language, now)
    with translation.override(language):
        unsubscribe = delivery.unsubscribe_url(user.pk, KIND)
        context["unsubscribe_url"] = unsubscribe
        subject = render_to_string("notifications/email/politician_digest_subject.txt", context)
        context["subject"] = subject = " ".join(subject.split())
        text = render_to_string("notifications/email/politician_digest.txt", context)
        html = render_to_string("notifications/email/politician_digest.html", context)
    # RFC 2369 + RFC 8058: the mail program's own unsubscribe button stops this digest;
    # Auto-Submitted (RFC 3834) keeps out-of-office replies away.
    headers = {**delivery.list_headers(unsubscribe), "Auto-Submitted": "auto-generated"}
    message = EmailMultiAlternatives(subject, text, to=[user.email], headers=headers)
    message.attach_alternative(html, "text/html")
    return message


def _queue(digests: list[Digest], key: str) -> None:
    """One outbox row per recipient with something to read; an existing row (an earlier run)
    is left as it is. An empty digest gets no row: nothing was sent, and the person's record
    (privacy export) must not say it was."""
    Notification.objects.bulk_create(
        [Notification(user=d.user, kind=KIND, key=key) for d in digests if not d.is_empty],
        ignore_conflicts=True,
        batch_size=500,
    )


def _claim(user_ids: list[int], key: str) -> set[int]:
    """Mark the unsent rows of these people as sent; return whose rows this call claimed.

    The conditional UPDATE waits for a concurrent claim of the same rows to finish and then
    skips them (their sent_at is no longer null), so each row is claimed once. The timestamp
    tells this claim's rows from an earlier one's.
    """
    stamp = timezone.now()
    Notification.objects.filter(
        kind=KIND, key=key, user_id__in=user_ids, sent_at__isnull=True
    ).update(sent_at=stamp)
    return set(
        Notification.objects.filter(
            kind=KIND, key=key, user_id__in=user_ids, sent_at=stamp
        ).values_list("user_id", flat=True)
    )


def deliver(digests: list[Digest], key: str) -> int:
    """Queue, claim and send; returns how many mails went out."""
    _queue(digests, key)
    digests = [d for d in digests if not d.is_empty]
    sent = 0
    now = timezone.now()
    for first in range(0, len(digests), BATCH_SIZE):
        batch = digests[first : first + BATCH_SIZE]
        # The claim and the send share a transaction: a failed send rolls the claim back, so
        # a retry sends the batch; a claimed row is never sent again.
        with transaction.atomic():
            claimed = _claim([d.user.pk for d in batch], key)
            messages = [render_digest(d, now) for d in batch if d.user.pk in claimed]
            if messages:
                with get_connection() as connection:
                    sent += connection.send_messages(messages) or 0
    return sent


@task()
def send_politician_digests(frequency: str, period_key: str) -> int:
    """Build and send the `frequency` digests of the period starting on `period_key` (a local
    date, YYYY-MM-DD). Idempotent: returns how many mails this run sent."""
    if frequency not in PERIOD_DAYS:
        raise ValueError(f"No politicians' digest is sent {frequency!r}")
    digests = build_politician_digests(
        frequency,
        timezone.now(),
        period=period_from_key(frequency, period_key),
    )
    return deliver(digests, outbox_key(frequency, period_key))


def due_periods(now: datetime) -> list[tuple[str, str]]:
    """(frequency, period key) of the latest digests due at `now`: the daily one from
    SEND_FROM_HOUR each local day, the weekly one from SEND_FROM_HOUR on Mondays. Before that
    hour it is the previous one, so a run missed (a server down at seven, or on Monday) is
    caught up by the next."""
    local = timezone.localtime(now)
    day = local.date() - timedelta(days=1 if local.hour < SEND_FROM_HOUR else 0)
    monday = day - timedelta(days=day.weekday())
    return [
        (Frequency.DAILY.value, period_key_for(Frequency.DAILY, _local_midnight(day))),
        (Frequency.WEEKLY.value, period_key_for(Frequency.WEEKLY, _local_midnight(monday))),
    ]


def send_due_politician_digests(now: datetime | None = None) -> list[tuple[str, str]]:
    """Queue the digest tasks that are due and not done; the cron command calls this as often
    as it likes. A period is done once it has outbox rows and all of them are sent (a task
    that failed half-way is queued again and sends the rest). A period without rows is built
    here first (a fixed number of queries) and queued only if someone has something to read:
    a quiet period leaves no row behind, and no task at every run."""
    now = now or timezone.now()
    queued = []
    for frequency, period_key in due_periods(now):
        rows = Notification.objects.filter(kind=KIND, key=outbox_key(frequency, period_key))
        if rows.exists():
            if not rows.filter(sent_at__isnull=True).exists():
                continue
        elif not build_politician_digests(
            frequency, now, period=period_from_key(frequency, period_key)
        ):
            continue
        send_politician_digests.enqueue(frequency, period_key)
        queued.append((frequency, period_key))
    return queued
