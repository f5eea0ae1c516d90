"""Who may do what in the idea bank, as named predicates."""

from django.http import Http404

from ideabank.models import Idea
from participation.accounts.permissions import is_moderator, is_planner


def can_see_idea(user, idea: Idea) -> bool:
    """Published ideas are public (merged ones too: they link to the idea they joined)."""
    if idea.is_public:
        return True
    return user.is_authenticated and (
        idea.author_id == user.pk or is_planner(user) or is_moderator(user)
    )


def can_see_original(user, contribution) -> bool:
    """The text as written, before redaction: its author and staff who handle it."""
    if not user.is_authenticated:
        return False
    return contribution.author_id == user.pk or is_planner(user) or is_moderator(user)


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
