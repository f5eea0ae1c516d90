"""The live streams contributions are told on, and who may join them."""

from participation.contributions.models import Discussion
from participation.contributions.permissions import can_moderate, can_view_discussion
from participation.live.streams import register_stream


def authorise_moderation(user, rest: str) -> bool:
    # The stream is exactly "moderation"; it carries originals and pending posts.
    return rest == "" and can_moderate(user)


def authorise_discussion(user, rest: str) -> bool:
    # "discussion-<id>" carries only published items, for whoever may read the discussion.
    if not rest.isdigit():
        return False
    discussion = Discussion.objects.filter(pk=int(rest)).first()
    return discussion is not None and can_view_discussion(user, discussion)


def register() -> None:
    register_stream("moderation", authorise_moderation, privileged=True)
    register_stream("discussion", authorise_discussion)
