"""Who may do what with a hearing, as named predicates."""

from django.http import Http404

from hearings.models import Hearing, Phase
from participation.accounts.permissions import is_planner
from participation.contributions.operations import ContributionError
from participation.contributions.permissions import can_see_original  # noqa: F401 - one rule

# The one rule for seeing a hearing, as a predicate and as a queryset (keep them together): a
# published hearing is public; a draft only to the planners who prepare it. The plan page, the
# hearing's pages, its live stream, feeds and mails all ask one of these two.


def can_view_hearing(user, hearing: Hearing) -> bool:
    return hearing.is_published or (user is not None and is_planner(user))


def visible_hearings(user=None):
    """The hearings `user` may see; with no user, what the public may see (feeds, mails)."""
    if user is not None and is_planner(user):
        return Hearing.objects.all()
    return Hearing.objects.filter(is_published=True)


def can_submit(user, hearing: Hearing) -> bool:
    from hearings.operations import check_can_submit

    try:
        check_can_submit(user, hearing)
    except ContributionError:
        return False
    return True


def can_comment(user, hearing: Hearing) -> bool:
    from hearings.operations import check_can_comment

    try:
        check_can_comment(user, hearing)
    except ContributionError:
        return False
    return True


def can_review(user, hearing: Hearing) -> bool:
    """Tag, summarise and answer submissions (merknadsbehandling)."""
    return is_planner(user) and hearing.phase() != Phase.DRAFT


def can_publish_responses(user, hearing: Hearing) -> bool:
    return is_planner(user) and hearing.phase() == Phase.CLOSED


def get_hearing_for_user(user, pk) -> Hearing:
    """A hearing the user may see; anything else is a 404, so drafts do not leak."""
    hearing = visible_hearings(user).select_related("discussion").filter(pk=pk).first()
    if hearing is None:
        raise Http404
    return hearing
