"""Role × hearing phase × action, as a matrix."""

import pytest

from hearings.permissions import (
    can_comment,
    can_publish_responses,
    can_review,
    can_see_original,
    can_submit,
    can_view_hearing,
)
from participation.accounts.models import AssuranceLevel

PHASES = ["draft", "open", "closed", "responded"]
ROLES = ["anonymous", "resident", "planner", "moderator", "editor", "politician"]

# What each role may do in each phase. Residents submit while open (and late while closed).
EXPECTED = {
    "view": {
        "anonymous": {"open", "closed", "responded"},
        "resident": {"open", "closed", "responded"},
        "planner": set(PHASES),
        "moderator": {"open", "closed", "responded"},
        "editor": {"open", "closed", "responded"},
        "politician": {"open", "closed", "responded"},
    },
    "submit": {
        "anonymous": set(),
        **{role: {"open", "closed"} for role in ROLES[1:]},
    },
    "comment": {"anonymous": set(), **{role: {"open"} for role in ROLES[1:]}},
    "review": {
        role: ({"open", "closed", "responded"} if role == "planner" else set()) for role in ROLES
    },
    "publish_responses": {role: ({"closed"} if role == "planner" else set()) for role in ROLES},
}
PREDICATES = {
    "view": can_view_hearing,
    "submit": can_submit,
    "comment": can_comment,
    "review": can_review,
    "publish_responses": can_publish_responses,
}


@pytest.fixture
def users(make_user):
    from django.contrib.auth.models import AnonymousUser

    people = {"anonymous": AnonymousUser()}
    for role in ROLES[1:]:
        people[role] = make_user(
            email=f"{role}@example.org",
            roles=() if role == "resident" else (role,),
            assurance_level=AssuranceLevel.SUBSTANTIAL,
        )
    return people


@pytest.mark.parametrize("action", list(EXPECTED))
@pytest.mark.parametrize("phase", PHASES)
def test_each_role_may_do_exactly_what_the_matrix_says(action, phase, users, make_hearing):
    hearing = make_hearing(phase=phase, identity_level="substantial")
    for role, user in users.items():
        allowed = PREDICATES[action](user, hearing)
        assert allowed == (phase in EXPECTED[action][role]), (role, phase, action)


def test_a_resident_with_only_an_email_account_cannot_submit_where_eid_is_required(
    make_user, make_hearing
):
    hearing = make_hearing(identity_level="substantial")
    assert not can_submit(make_user(), hearing)


def test_only_the_author_and_case_staff_see_the_original_text(users, make_hearing):
    from hearings.operations import do_submit

    hearing = make_hearing()
    submission, _ = do_submit(users["resident"], hearing, "Tekst")
    seen_by = {role for role, user in users.items() if can_see_original(user, submission)}
    assert seen_by == {"resident", "planner", "moderator"}
