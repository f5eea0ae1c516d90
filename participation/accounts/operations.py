"""Account operations: `check_*` raise a domain error, `do_*` change state."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from participation.accounts.eid import EidIdentity, EidLoginRefused, RefusalReason
from participation.accounts.models import AssuranceLevel, NameSource, User


def check_eid_assurance(identity: EidIdentity, required_level: str) -> None:
    """Refuse a login whose level of assurance is below what was asked for."""
    if AssuranceLevel.rank(identity.level) < AssuranceLevel.rank(required_level):
        raise EidLoginRefused(
            RefusalReason.ASSURANCE, required_level=required_level, used_level=identity.level
        )


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
    try:
        with transaction.atomic():
            fields = apply_eid_identity(user, identity)
            user.save(update_fields=fields)
    except IntegrityError:
        # Another account took this identity at the same moment (its own first eID login).
        raise EidLoginRefused(RefusalReason.CONFLICT) from None


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


# ---------------------------------------------------------------- deleting an account


class AccountDeletionRefused(Exception):
    """Deleting this account is not possible now; the message says why, to the person."""


def check_may_delete_account(user: User) -> None:
    from django.utils.translation import gettext as _

    from ideabank.models import Open311Client

    if Open311Client.objects.filter(account=user).exists():
        raise AccountDeletionRefused(
            _(
                "An Open311 client posts through this account. Ask the municipality to move "
                "or remove the client first."
            )
        )
    if (
        user.is_superuser
        and not User.objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk).exists()
    ):
        raise AccountDeletionRefused(
            _("This is the only administrator account. Make another administrator first.")
        )


def do_delete_account(user: User) -> None:
    """Delete the account and everything that is only about the person.

    What happens to each kind of row is in the privacy registry
    (participation/accounts/privacy/): published posts stay under the published name without
    the link, supports and signatures stay counted without the person, the rest goes. Files
    are deleted once the transaction has committed.
    """
    import logging

    from participation.accounts.privacy import entries
    from participation.accounts.privacy.export import sessions_of

    check_may_delete_account(user)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        for entry in entries():
            entry.erase(locked)
        sessions = [s.pk for s in sessions_of(locked, include_expired=True)]
        from django.contrib.sessions.models import Session

        Session.objects.filter(pk__in=sessions).delete()
        locked.delete()
    # No identifier in the log: the account is gone, and so is who it was.
    logging.getLogger("participation.accounts").info("An account was deleted on request")
