"""Follows, notification settings and the outbox.

- `Follow`: a person follows one hearing, idea, topic or area (exactly one is set; the database
  checks it and that nobody follows the same thing twice).
- `NotificationSetting`: per person and kind, how often they want mail (at once, daily digest,
  weekly digest, never). No row means the kind's default (`DEFAULT_FREQUENCY`).
- `Notification`: the outbox. One row per person and thing to tell, with a `key` that is unique
  per person, so the same event can never be queued twice; `sent_at` is claimed by a
  conditional UPDATE in the transaction that sends, so a retried task never sends twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    NEW_HEARING = "new_hearing", _("New hearings in areas and topics I follow")
    HEARING_CLOSING = "hearing_closing", _("Hearings I follow close in three days")
    RESPONSE = "response", _("Responses and new status on my submissions and ideas")
    FOLLOWED_ACTIVITY = "followed_activity", _("New status on ideas I follow")
    MODERATION = "moderation", _("My posts are published or rejected")
    REPLY = "reply", _("Someone replies to me")
    POLITICIAN_DIGEST = "politician_digest", _("Digest of the debate I follow")


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("At once")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    NEVER = "never", _("Never")


DEFAULT_FREQUENCY = {
    NotificationKind.NEW_HEARING: Frequency.IMMEDIATE,
    NotificationKind.HEARING_CLOSING: Frequency.IMMEDIATE,
    NotificationKind.RESPONSE: Frequency.IMMEDIATE,
    NotificationKind.FOLLOWED_ACTIVITY: Frequency.IMMEDIATE,
    NotificationKind.MODERATION: Frequency.IMMEDIATE,
    NotificationKind.REPLY: Frequency.IMMEDIATE,
    # Only people with the politician role get it; at once makes no sense for a digest.
    NotificationKind.POLITICIAN_DIGEST: Frequency.WEEKLY,
}


class Follow(models.Model):
    """A person follows exactly one hearing, idea, topic or area."""

    class Kind(models.TextChoices):
        HEARING = "hearing", _("Hearing")
        IDEA = "idea", _("Idea")
        TOPIC = "topic", _("Topic")
        AREA = "area", _("Area")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    hearing = models.ForeignKey(
        "hearings.Hearing", on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    idea = models.ForeignKey(
        "ideabank.Idea", on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    topic = models.ForeignKey(
        "ideabank.Topic", on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    area = models.ForeignKey(
        "geo.Area", on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(hearing__isnull=False, idea=None, topic=None, area=None)
                    | Q(hearing=None, idea__isnull=False, topic=None, area=None)
                    | Q(hearing=None, idea=None, topic__isnull=False, area=None)
                    | Q(hearing=None, idea=None, topic=None, area__isnull=False)
                ),
                name="follow_exactly_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "hearing"],
                condition=Q(hearing__isnull=False),
                name="one_follow_per_hearing",
            ),
            models.UniqueConstraint(
                fields=["user", "idea"], condition=Q(idea__isnull=False), name="one_follow_per_idea"
            ),
            models.UniqueConstraint(
                fields=["user", "topic"],
                condition=Q(topic__isnull=False),
                name="one_follow_per_topic",
            ),
            models.UniqueConstraint(
                fields=["user", "area"], condition=Q(area__isnull=False), name="one_follow_per_area"
            ),
        ]

    def __str__(self):
        return f"{self.user_id} follows {self.kind} {self.target_id}"

    @property
    def kind(self) -> str:
        for kind in self.Kind:
            if getattr(self, f"{kind.value}_id") is not None:
                return kind.value
        raise ValueError("A follow without a target")

    @property
    def target(self):
        return getattr(self, self.kind)

    @property
    def target_id(self) -> int:
        return getattr(self, f"{self.kind}_id")


class NotificationSetting(models.Model):
    """How often a person wants mail of one kind; no row means DEFAULT_FREQUENCY."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    frequency = models.CharField(_("how often"), max_length=16, choices=Frequency.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_setting_per_kind"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind}: {self.frequency}"


class Notification(models.Model):
    """One thing to tell one person, by mail at once or in their next digest.

    What it is about is referenced, not copied, so the mail is rendered in the recipient's
    language when it is sent and never shows text that was hidden in the meantime.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    # Unique per person: the same event queued twice (a retried task, a double click) is one row.
    key = models.CharField(max_length=120)
    hearing = models.ForeignKey(
        "hearings.Hearing", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    idea = models.ForeignKey(
        "ideabank.Idea", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    contribution = models.ForeignKey(
        "contributions.Contribution",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when it went out (alone or in a digest); claimed by a conditional UPDATE.
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_notification_per_key"),
        ]
        indexes = [
            models.Index(
                fields=["user", "kind"],
                condition=Q(sent_at=None),
                name="notification_unsent",
            )
        ]

    def __str__(self):
        return f"{self.kind} for {self.user_id} ({self.key})"
