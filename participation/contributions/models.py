"""The one concrete base of everything a resident posts, and the discussions it belongs to.

Submissions, comments and ideas are children (multi-table inheritance) of Contribution, so
moderation, reports, redaction, privacy export and the live queue never need the kind.
"""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ModerationMode(models.TextChoices):
    PRE = "pre", _("Pre-moderation: nothing is public until a moderator approves it")
    POST = "post", _("Post-moderation: public at once, reviewed afterwards")


class RejectionReason(models.TextChoices):
    """Why a moderator rejected a post; the author sees the label and the moderator's note."""

    OFF_TOPIC = "off_topic", _("Not about the subject of the discussion")
    OFFENSIVE = "offensive", _("Offensive, harassing or discriminating language")
    PERSONAL_DATA = "personal_data", _("Contains personal information about others")
    SPAM = "spam", _("Advertising or spam")
    DUPLICATE = "duplicate", _("Posted more than once")
    ILLEGAL = "illegal", _("Illegal content")
    OTHER = "other", _("Other reason")


class ReportReason(models.TextChoices):
    """Why a resident reports a published post."""

    OFFENSIVE = "offensive", _("Offensive or harassing")
    PERSONAL_DATA = "personal_data", _("Reveals personal information")
    SPAM = "spam", _("Advertising or spam")
    OFF_TOPIC = "off_topic", _("Off topic")
    ILLEGAL = "illegal", _("Illegal content")
    OTHER = "other", _("Something else")


class Discussion(models.Model):
    """Where contributions are shown and moderated: a hearing, an idea, the idea bank."""

    class Kind(models.TextChoices):
        HEARING = "hearing", _("Hearing")
        IDEA = "idea", _("Idea")
        IDEABANK = "ideabank", _("Idea bank")
        INITIATIVE = "initiative", _("Citizen initiative")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    moderation = models.CharField(
        _("moderation"),
        max_length=8,
        choices=ModerationMode.choices,
        default=ModerationMode.POST,
        help_text=_("Whether posts are public before or after a moderator has seen them."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("discussion")
        verbose_name_plural = _("discussions")

    def __str__(self):
        return self.title

    @property
    def stream(self) -> str:
        return f"discussion-{self.pk}"


class Contribution(models.Model):
    class Kind(models.TextChoices):
        SUBMISSION = "submission", _("Submission")
        COMMENT = "comment", _("Comment")
        IDEA = "idea", _("Idea")
        INITIATIVE = "initiative", _("Citizen initiative")

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")
        HIDDEN = "hidden", _("Hidden")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, editable=False)
    discussion = models.ForeignKey(
        Discussion, on_delete=models.PROTECT, related_name="contributions"
    )
    # Null once the account is deleted: the public record keeps the published name.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
    )
    author_name = models.CharField(_("name"), max_length=200)
    author_assurance = models.CharField(
        _("identity assurance when posted"), max_length=16, default="none"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("on behalf of"),
    )
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    body = models.TextField(_("text as written"))
    # The public rendering: sanitised, linkified, personal data redacted. Made on write.
    public_html = models.TextField(_("published text"), blank=True)
    redactions = models.JSONField(_("redactions"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING, db_index=True
    )
    idempotency_key = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    report_count = models.PositiveIntegerField(default=0)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    rejection_code = models.CharField(
        _("reason for rejection"), max_length=32, choices=RejectionReason.choices, blank=True
    )
    # The moderator's edited text (edit-redact); public_html is made from it when set, while
    # `body` stays as written.
    moderated_body = models.TextField(_("text as edited by a moderator"), blank=True)
    # A claim is a lease: the moderator holds the item until `claimed_until`, then anyone may.
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("claimed by"),
    )
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    # Null while a moderator still has to look at it (new, published unreviewed, or reported).
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            # A double click or a retried request creates one contribution.
            models.UniqueConstraint(
                fields=["author", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="contribution_idempotent_per_author",
            )
        ]
        indexes = [models.Index(fields=["discussion", "state", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.author_name}"

    @property
    def is_public(self) -> bool:
        return self.state == self.State.PUBLISHED

    def concrete(self) -> "Contribution":
        """The child row (Submission, Comment, Idea …) when this is a bare Contribution; its
        accessor is named after its kind. Itself for a child, or a kind without a child row."""
        if type(self) is not Contribution:
            return self
        try:
            return getattr(self, self.kind)
        except (AttributeError, ObjectDoesNotExist):
            return self

    @property
    def public_text(self) -> str:
        """What the public reads, as plain text: `public_html` (redacted, and the moderator's
        edit when there is one), never the text as written. For APIs and plain-text mails."""
        from participation.text.render import public_html_to_text

        return public_html_to_text(self.public_html)

    @property
    def public_name(self) -> str:
        """The name the public sees. A kind that may withhold it (a submission) overrides
        this, so a bare Contribution asks its child: never the stored name by default."""
        child = self.concrete()
        if child is not self:
            return child.public_name
        return self.author_name


class Comment(Contribution):
    """A shorter public message in a discussion (a hearing, a plan section, an idea), threaded."""

    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    section = models.CharField(
        _("section"), max_length=100, blank=True, help_text=_("Anchor of the plan section.")
    )

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self):
        return f"{self.author_name}: {self.body[:40]}"


class Report(models.Model):
    """A resident's flag on a published post; N of them hide it pending review."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="reports"
    )
    reason = models.CharField(_("reason"), max_length=32, choices=ReportReason.choices)
    text = models.TextField(_("details"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "reporter"], name="one_report_per_person"
            )
        ]

    def __str__(self):
        return f"{self.reason} ({self.contribution_id})"


class AuditEntry(models.Model):
    """Who did what to a contribution, when and why. Never edited."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=32)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.action} {self.contribution_id} {self.created_at:%Y-%m-%d %H:%M}"
