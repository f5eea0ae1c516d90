"""Who may do what with citizen initiatives, as named predicates."""

from django.http import Http404

from initiatives.models import Initiative
from participation.accounts.permissions import is_planner
from participation.contributions.operations import ContributionError
from participation.contributions.permissions import (  # noqa: F401 - one rule for every kind
    can_see_contribution,
    can_see_original,
)


def can_see_initiative(user, initiative: Initiative) -> bool:
    """Published initiatives are public; before that, the proposer and staff who handle it."""
    return can_see_contribution(user, initiative)


def can_start(user) -> bool:
    from initiatives.operations import check_can_start

    return _allowed(check_can_start, user)


def can_sign(user, initiative: Initiative) -> bool:
    from initiatives.operations import check_can_sign

    return _allowed(check_can_sign, user, initiative)


def can_withdraw_initiative(user, initiative: Initiative) -> bool:
    from initiatives.operations import check_can_withdraw_initiative

    return _allowed(check_can_withdraw_initiative, user, initiative)


def can_handle(user) -> bool:
    """Export the signature list, post the council's decision, change the status."""
    return is_planner(user)


def _allowed(check, *args) -> bool:
    try:
        check(*args)
    except ContributionError:
        return False
    return True


def get_initiative_for_user(user, pk) -> Initiative:
    """An initiative the user may see; anything else is a 404, so pending or rejected ones do
    not leak."""
    initiative = Initiative.objects.select_related("discussion").filter(pk=pk).first()
    if initiative is None or not can_see_initiative(user, initiative):
        raise Http404
    return initiative
