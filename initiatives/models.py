"""Citizen initiatives (innbyggerforslag, kommuneloven § 12-1) and their signatures.

An Initiative is a Contribution (multi-table inheritance), so the moderation queue, reports,
redaction and the audit log work for it unchanged. Each initiative has its own Discussion
(kind INITIATIVE, always pre-moderated): the queue then shows the initiative's title, and
nothing is public, nor can be signed, before a moderator has published it.

`Contribution.state` says whether a moderator let it out; `Initiative.status` says where it is
in the collection and the council's handling.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.contributions.models import Contribution


class Status(models.TextChoices):
    COLLECTING = "collecting", _("Collecting signatures")
    READY = "ready", _("Sent to the council")
    DECIDED = "decided", _("Decided by the council")
    CLOSED = "closed", _("Closed without enough signatures")
    WITHDRAWN = "withdrawn", _("Withdrawn by the proposer")


class Initiative(Contribution):
    """A resident's proposal to the municipal council. `body` (from Contribution) is the
    proposal itself; the justification is kept and rendered beside it."""

    title = models.CharField(_("title"), max_length=200)
    # The title with personal data redacted; what the public sees. Made on write.
    public_title = models.CharField(_("published title"), max_length=255, blank=True)
    justification = models.TextField(_("justification as written"))
    public_justification_html = models.TextField(_("published justification"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.COLLECTING,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    # Kept right by F() updates inside the sign/withdraw transactions.
    signature_count = models.PositiveIntegerField(_("signatures"), default=0)
    ready_at = models.DateTimeField(_("threshold reached"), null=True, blank=True)
    # Claimed by the mail task before it tells staff, so staff are told once.
    ready_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    decision_text = models.TextField(
        _("the council's decision"),
        blank=True,
        help_text=_("The decision as the council made it; shown publicly on the initiative."),
    )
    decision_date = models.DateField(_("date of the decision"), null=True, blank=True)
    decision_case_number = models.CharField(
        _("case number"),
        max_length=50,
        blank=True,
        help_text=_("The case number in the municipality's archive, e.g. 2025/1234."),
    )
    decided_at = models.DateTimeField(_("decision posted"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decision posted by"),
    )
    # Claimed by the decision mail task before it tells the proposer (signers have their own).
    author_decision_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("citizen initiative")
        verbose_name_plural = _("citizen initiatives")

    def __str__(self):
        return self.title

    @property
    def collection_ends_at(self):
        """When signing ends, by settings.INITIATIVE_COLLECTION_DAYS (None: no end)."""
        days = settings.INITIATIVE_COLLECTION_DAYS
        if not days or self.published_at is None:
            return None
        return self.published_at + timedelta(days=days)

    def collection_over(self, now=None) -> bool:
        ends = self.collection_ends_at
        return ends is not None and (now or timezone.now()) >= ends

    @property
    def is_listed(self) -> bool:
        """Shown in the public list: published by a moderator."""
        return self.is_public


class Signature(models.Model):
    """One person's signature: one per eID identity per initiative, enforced by the database.

    The name and the date are the case record the council gets. When the account is deleted,
    `user` becomes NULL and the signature stays, counted, with the name it was signed with
    (initiatives/privacy.py).
    """

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="signatures")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiative_signatures",
    )
    # A copy of user.pid_hash (a keyed hash, never the number): the same person is one
    # signature whatever account they sign from. Never exported, never shown. Emptied when
    # the account is gone and the collection is over (it has no use left then).
    identity_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    signed_at = models.DateTimeField(_("signed"), auto_now_add=True)
    # Claimed by the decision mail task before it mails this signer, so each is told once.
    decision_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "identity_hash"], name="one_signature_per_identity"
            ),
            # Signed with an identity; only an anonymised signature (no account) may lose it.
            models.CheckConstraint(
                condition=(models.Q(identity_hash__isnull=False) & ~models.Q(identity_hash=""))
                | models.Q(identity_hash__isnull=True, user__isnull=True),
                name="signature_has_identity",
            ),
        ]

    def __str__(self):
        return f"{self.name} → {self.initiative_id}"
