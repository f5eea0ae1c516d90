"""Following things and choosing how often to hear about them.

`check_*` raise FollowError with a message for the person; `do_*` own the transaction.
`frequency_for` / `frequencies_for` read NotificationSetting with DEFAULT_FREQUENCY as the
fallback; mail delivery imports them.
"""

from collections.abc import Iterable, Mapping

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from participation.accounts.permissions import is_politician
from participation.notifications.models import (
    DEFAULT_FREQUENCY,
    Follow,
    Frequency,
    NotificationKind,
    NotificationSetting,
)


class FollowError(Exception):
    """A rule stopped the action; `message` is for the person, in their language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class FollowLoginRequired(FollowError):
    def __init__(self):
        super().__init__(_("Log in to follow hearings, ideas, topics and areas."))


# ---------------------------------------------------------------- how often


def _user_id(user) -> int:
    return user if isinstance(user, int) else user.pk


def frequency_for(user, kind: str) -> str:
    """How often `user` (a User or a user id) wants mail of `kind`."""
    stored = (
        NotificationSetting.objects.filter(user_id=_user_id(user), kind=kind)
        .values_list("frequency", flat=True)
        .first()
    )
    return stored or DEFAULT_FREQUENCY[NotificationKind(kind)]


def frequencies_for(users: Iterable, kind: str) -> dict[int, str]:
    """{user id: frequency} for `kind`, one query; users are Users or ids, none missing."""
    ids = {_user_id(user) for user in users}
    if not ids:
        return {}
    default = DEFAULT_FREQUENCY[NotificationKind(kind)]
    result = dict.fromkeys(ids, default)
    result.update(
        NotificationSetting.objects.filter(user_id__in=ids, kind=kind).values_list(
            "user_id", "frequency"
        )
    )
    return result


def all_frequencies(user) -> dict[str, str]:
    """{kind: frequency} for every kind, one query."""
    result = {kind.value: DEFAULT_FREQUENCY[kind] for kind in NotificationKind}
    result.update(
        NotificationSetting.objects.filter(user_id=_user_id(user)).values_list("kind", "frequency")
    )
    return result


def kinds_for(user) -> list[str]:
    """The kinds this person can choose for: the politicians' digest only for politicians."""
    return [
        kind.value
        for kind in NotificationKind
        if kind != NotificationKind.POLITICIAN_DIGEST or is_politician(user)
    ]


def frequencies_allowed(kind: str) -> list[str]:
    # A digest can not be sent "at once".
    if kind == NotificationKind.POLITICIAN_DIGEST:
        return [Frequency.DAILY, Frequency.WEEKLY, Frequency.NEVER]
    return [frequency.value for frequency in Frequency]


def check_frequencies(user, choices: Mapping[str, str]) -> dict[str, str]:
    check_logged_in(user)
    allowed_kinds = kinds_for(user)
    cleaned = {}
    for kind, frequency in choices.items():
        if kind not in allowed_kinds:
            raise FollowError(_("That kind of notification is not available to you."))
        if frequency not in frequencies_allowed(kind):
            raise FollowError(_("Choose how often from the list."))
        cleaned[kind] = frequency
    return cleaned


def do_set_frequencies(user, choices: Mapping[str, str]) -> None:
    """Store how often the person wants each kind; kinds not given are left as they are."""
    cleaned = check_frequencies(user, choices)
    with transaction.atomic():
        for kind, frequency in cleaned.items():
            NotificationSetting.objects.update_or_create(
                user=user, kind=kind, defaults={"frequency": frequency}
            )


# ---------------------------------------------------------------- following


def check_logged_in(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise FollowLoginRequired()


def target_kind(target) -> str:
    """The Follow field name for a hearing, idea, topic or area."""
    from hearings.models import Hearing
    from ideabank.models import Idea, Topic
    from participation.geo.models import Area

    for model, kind in (
        (Hearing, Follow.Kind.HEARING),
        (Idea, Follow.Kind.IDEA),
        (Topic, Follow.Kind.TOPIC),
        (Area, Follow.Kind.AREA),
    ):
        if isinstance(target, model):
            return kind.value
    raise TypeError(f"Can not follow {type(target).__name__}")


def check_can_follow(user, target) -> str:
    check_logged_in(user)
    return target_kind(target)


def do_follow(user, target) -> bool:
    """Follow a hearing, idea, topic or area. False if the person already follows it."""
    kind = check_can_follow(user, target)
    try:
        # A double click races into the unique constraint: that is "already following".
        with transaction.atomic():
            Follow.objects.create(user=user, **{kind: target})
    except IntegrityError:
        return False
    return True


def do_unfollow(user, target) -> bool:
    """Stop following. False if the person did not follow it."""
    kind = check_can_follow(user, target)
    deleted, _counts = Follow.objects.filter(user=user, **{kind: target}).delete()
    return bool(deleted)


def is_following(user, target) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Follow.objects.filter(user=user, **{target_kind(target): target}).exists()
