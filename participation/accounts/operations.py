"""Account operations: `check_*` raise a domain error, `do_*` change state."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from participation.accounts.eid import EidIdentity, EidLoginRefused, RefusalReason
from participation.accounts.models import AssuranceLevel, NameSource, User


def check_eid_assurance(identity: EidIdentity, required_level: str) -> None:
    """Refuse a login whose level of assurance is below what was asked for."""
    if AssuranceLevel.rank(identity.level) < AssuranceLevel.rank(required_level):
        raise EidLoginRefused(RefusalReason.ASSURANCE, required_level=required_level)


def check_eid_belongs_to(identity: EidIdentity, user: User) -> None:
    """Refuse when the account is already tied to a different person's eID."""
    if user.pid_hash and user.pid_hash != identity.pid_hash:
        raise EidLoginRefused(RefusalReason.CONFLICT)


def user_for_identity(identity: EidIdentity) -> User | None:
    """The account this person already has, whatever `sub` the provider sent this time."""
    return User.objects.filter(pid_hash=identity.pid_hash).first()


def apply_eid_identity(user: User, identity: EidIdentity) -> list[str]:
    """Copy what the login proved onto `user` (unsaved); returns the changed field names."""
    user.pid_hash = identity.pid_hash
    # The level of this login, not the best ever reached: a page that needs "high"
    # asks for a new login at that level.
    user.assurance_level = identity.level
    user.eid_verified_at = timezone.now()
    fields = ["pid_hash", "assurance_level", "eid_verified_at"]
    if identity.name:
        user.name = identity.name
        user.name_source = NameSource.EID
        fields += ["name", "name_source"]
    return fields


def do_record_eid_login(user: User, identity: EidIdentity) -> None:
    check_eid_belongs_to(identity, user)
    with transaction.atomic():
        fields = apply_eid_identity(user, identity)
        user.save(update_fields=fields)


def needs_name(user: User) -> bool:
    """An account without a name to publish is asked for one right after logging in."""
    return user.is_authenticated and not user.name.strip()


def may_declare_name(user: User) -> bool:
    """A name that came from the eID provider is not ours to overwrite by hand."""
    return user.name_source != NameSource.EID


def do_declare_name(user: User, name: str) -> None:
    user.name = name
    user.name_source = NameSource.DECLARED
    user.save(update_fields=["name", "name_source"])
