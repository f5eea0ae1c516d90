"""Staff roles are groups that exist in every database, and the predicates that read them."""

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, Group, Permission

from participation.accounts.models import Membership, Organisation
from participation.accounts.permissions import (
    can_act_for,
    has_role,
    is_editor,
    is_moderator,
    is_planner,
    is_politician,
)
from participation.accounts.roles import ROLE_PERMISSIONS, ensure_roles

ROLES = ["planner", "moderator", "editor", "politician"]


def granted(group):
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_every_role_group_exists_after_migrate_with_its_permissions(db):
    assert set(settings.ROLE_GROUPS) == set(ROLES)
    for role in ROLES:
        group = Group.objects.get(name=role)
        assert granted(group) == set(ROLE_PERMISSIONS[role]), role


def test_every_staff_role_but_the_politician_may_open_the_admin(db):
    admin = ("wagtailadmin", "access_admin")
    for role in ("planner", "moderator", "editor"):
        assert admin in granted(Group.objects.get(name=role))
    assert admin not in granted(Group.objects.get(name="politician"))


def test_every_permission_a_role_names_exists(db):
    # A misspelt codename would otherwise be skipped silently by ensure_roles().
    for role, pairs in ROLE_PERMISSIONS.items():
        for app_label, codename in pairs:
            assert Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).exists(), (role, app_label, codename)


def test_ensuring_roles_again_restores_a_removed_permission_and_duplicates_nothing(db):
    editor = Group.objects.get(name="editor")
    editor.permissions.clear()
    ensure_roles()
    ensure_roles()
    assert Group.objects.filter(name="editor").count() == 1
    assert granted(Group.objects.get(name="editor")) == set(ROLE_PERMISSIONS["editor"])


@pytest.mark.parametrize("person", ["resident", *ROLES])
def test_has_role_is_true_only_for_the_persons_own_role(make_user, person):
    user = make_user(roles=[] if person == "resident" else [person])
    for role in ROLES:
        assert has_role(user, role) is (role == person), (person, role)


def test_the_named_role_predicates_match_the_groups(make_user):
    predicates = {
        "planner": is_planner,
        "moderator": is_moderator,
        "editor": is_editor,
        "politician": is_politician,
    }
    for role, predicate in predicates.items():
        assert predicate(make_user(roles=[role]))
        assert not predicate(make_user())


def test_a_visitor_who_is_not_logged_in_has_no_role(db):
    for role in ROLES:
        assert not has_role(AnonymousUser(), role)


def test_a_superuser_has_every_role(make_user):
    admin = make_user(is_superuser=True)
    assert all(has_role(admin, role) for role in ROLES)


def test_asking_for_a_role_that_does_not_exist_is_a_programming_error(make_user):
    with pytest.raises(ValueError, match="Unknown role"):
        has_role(make_user(), "mayor")


def test_only_members_may_act_for_an_organisation(make_user):
    residents_association = Organisation.objects.create(name="Sentrum vel")
    sports_club = Organisation.objects.create(name="Byen IL")
    member = make_user()
    Membership.objects.create(user=member, organisation=residents_association)
    admin = make_user()
    Membership.objects.create(
        user=admin, organisation=residents_association, role=Membership.Role.ADMIN
    )
    outsider = make_user()
    staff = make_user(roles=["planner", "moderator", "editor"])

    assert can_act_for(member, residents_association)
    assert can_act_for(admin, residents_association)
    assert not can_act_for(member, sports_club)
    assert not can_act_for(outsider, residents_association)
    # Being staff does not let you speak for an organisation.
    assert not can_act_for(staff, residents_association)
    assert not can_act_for(AnonymousUser(), residents_association)
