"""Citizen initiatives in the privacy registry (participation/accounts/privacy).

- A signature is part of the council's case: deleting the account keeps it, counted, with the
  name and the date it was signed with, and cuts the link to the account. The identity hash
  stays while the initiative still collects signatures (so the same person cannot sign again
  from a new account) and is emptied at once where the collection is over.
- The proposer's initiative is a Contribution: the contributions entry handles it (published
  ones stay under the published name, the others go with their own discussion).
- `decided_by` is what a planner did as staff.
"""

from django.utils.translation import gettext_lazy as _

from participation.accounts.privacy import OnDelete, plain, register


def export_signatures(user) -> list[dict]:
    from initiatives.models import Signature

    rows = (
        Signature.objects.filter(user=user).select_related("initiative").order_by("signed_at", "pk")
    )
    return [
        {
            "id": s.pk,
            "initiative": s.initiative.public_title,
            "initiative_id": s.initiative_id,
            "status": str(s.initiative.get_status_display()),
            "name": s.name,
            "signed_at": plain(s.signed_at),
        }
        for s in rows
    ]


def erase_signatures(user) -> None:
    from initiatives.models import Signature, Status

    mine = Signature.objects.filter(user=user)
    mine.exclude(initiative__status=Status.COLLECTING).update(user=None, identity_hash=None)
    mine.update(user=None)


register(
    "initiatives.Signature",
    "user",
    section="initiative_signatures",
    title=_("Signatures on citizen initiatives"),
    on_delete=OnDelete.ANONYMISE,
    export=export_signatures,
    erase=erase_signatures,
)

register(
    "initiatives.Initiative",
    "decided_by",
    section="initiative_decisions_posted",
    title=_("Council decisions you posted on citizen initiatives"),
    on_delete=OnDelete.STAFF_RECORD,
    fields=["title", "decided_at"],
)
