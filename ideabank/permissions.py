"""Who may do what in the idea bank, as named predicates."""

from django.http import Http404

from ideabank.models import Idea
from participation.accounts.permissions import is_planner
from participation.contributions.permissions import (  # noqa: F401 - one rule for every kind
    can_see_contribution,
    can_see_original,
)


def can_see_idea(user, idea: Idea) -> bool:
    """Published ideas are public (merged ones too: they link to the idea they joined)."""
    return can_see_contribution(user, idea)


def can_post_idea(user) -> bool:
    return user.is_authenticated


def can_support(user, idea: Idea) -> bool:
    return user.is_authenticated and idea.is_listed


def can_comment(user, idea: Idea) -> bool:
    return user.is_authenticated and idea.is_listed


def can_answer(user) -> bool:
    """Set an idea's status with a public answer, and merge duplicates."""
    return is_planner(user)


def get_idea_for_user(user, pk) -> Idea:
    """An idea the user may see; anything else is a 404, so pending or rejected ideas do not
    leak."""
    idea = Idea.objects.select_related("area", "merged_into").filter(pk=pk).first()
    if idea is None or not can_see_idea(user, idea):
        raise Http404
    return idea
