"""Who may moderate, report and read a discussion, as named predicates."""

from django.core.exceptions import ObjectDoesNotExist

from participation.accounts.permissions import is_moderator
from participation.contributions.models import Discussion


def can_moderate(user) -> bool:
    return is_moderator(user)


def can_view_discussion(user, discussion: Discussion) -> bool:
    """Whether `user` may read the published posts of a discussion: the same rule as the page
    that shows it (the hearing's own rule for a hearing; an idea must be visible to the reader;
    the idea bank and initiatives are public)."""
    try:
        if discussion.kind == Discussion.Kind.HEARING:
            from hearings.permissions import can_view_hearing

            return can_view_hearing(user, discussion.hearing)
        if discussion.kind == Discussion.Kind.IDEA:
            from ideabank.permissions import can_see_idea

            return can_see_idea(user, discussion.idea)
    except ObjectDoesNotExist:
        # A discussion whose owner is gone (or not made yet) has nothing to show.
        return False
    return True
