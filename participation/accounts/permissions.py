"""Who may do what, as named predicates. Roles are groups named in settings.ROLE_GROUPS."""

from django.conf import settings


def has_role(user, role: str) -> bool:
    if role not in settings.ROLE_GROUPS:
        raise ValueError(f"Unknown role {role!r}")
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return role in cached


def is_planner(user) -> bool:
    return has_role(user, "planner")


def is_moderator(user) -> bool:
    return has_role(user, "moderator")


def is_editor(user) -> bool:
    return has_role(user, "editor")


def is_politician(user) -> bool:
    return has_role(user, "politician")


def can_act_for(user, organisation) -> bool:
    return user.is_authenticated and organisation.memberships.filter(user=user).exists()


# The roles that work in the admin; a politician's badge is not one of them.
STAFF_ROLES = ("planner", "moderator", "editor")


def is_staff_member(user) -> bool:
    """Anyone who can reach a staff tool: the admin flag, a superuser or a staff role."""
    if not user.is_authenticated:
        return False
    return user.is_staff or user.is_superuser or any(has_role(user, r) for r in STAFF_ROLES)
