"""Who may moderate, report and read a discussion, as named predicates."""

from django.core.exceptions import ObjectDoesNotExist

from participation.accounts.permissions import is_moderator, is_planner
from participation.contributions.models import Discussion


def can_moderate(user) -> bool:
    return is_moderator(user)


def can_see_original(user, contribution) -> bool:
    """The text as written, before redaction and a moderator's edit: its author and the staff
    who handle it. The one rule for every kind (hearings, ideas and initiatives use it)."""
    if not user.is_authenticated:
        return False
    return contribution.author_id == user.pk or is_planner(user) or is_moderator(user)


def can_see_contribution(user, contribution) -> bool:
    """A published contribution is public; before (or after) that, only who may see the
    original."""
    return contribution.is_public or can_see_original(user, contribution)


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
