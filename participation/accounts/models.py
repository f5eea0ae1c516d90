from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


class AssuranceLevel(models.TextChoices):
    """How sure we are of who the person is; ordered from weakest to strongest."""

    NONE = "none", _("Not verified by eID")
    SUBSTANTIAL = "substantial", _("eID, substantial level")
    HIGH = "high", _("eID, high level")

    @classmethod
    def rank(cls, level: str) -> int:
        return [c.value for c in cls].index(level)


class NameSource(models.TextChoices):
    EID = "eid", _("From the eID provider")
    DECLARED = "declared", _("Declared by the person")


class EmailUserManager(UserManager):
    """Users log in with e-mail; the username column is kept for Django's admin."""

    def _create_user(self, username, email, password, **extra_fields):
        username = username or email
        return super()._create_user(username, email, password, **extra_fields)

    def create_user(self, email=None, password=None, username=None, **extra_fields):
        return super().create_user(username or email, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, username=None, **extra_fields):
        return super().create_superuser(username or email, email, password, **extra_fields)


class User(AbstractUser):
    """A person. The national identity number is never stored; only a keyed hash of it."""

    username = models.CharField(_("username"), max_length=150, unique=True)
    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_("The name published with this person's comments and submissions."),
    )
    name_source = models.CharField(
        _("name source"), max_length=16, choices=NameSource.choices, blank=True
    )
    assurance_level = models.CharField(
        _("identity assurance"),
        max_length=16,
        choices=AssuranceLevel.choices,
        default=AssuranceLevel.NONE,
    )
    pid_hash = models.CharField(
        _("identity hash"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("HMAC-SHA256 of the national identity number; never the number itself."),
    )
    eid_verified_at = models.DateTimeField(_("last eID login"), null=True, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("nb", "Norsk bokmål"), ("nn", "Norsk nynorsk"), ("en", "English")],
        default="nb",
    )
    political_role = models.CharField(
        _("party and role"),
        max_length=200,
        blank=True,
        help_text=_("Shown beside an elected representative's name, e.g. 'Ap, bystyret'."),
    )

    objects = EmailUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("email"),
                condition=~Q(email=""),
                name="accounts_user_email_unique_ci",
            )
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        # Never the username: for an ID-porten account it is an internal "user-<hex>".
        full = f"{self.first_name} {self.last_name}".strip()
        return self.name or full or self.email.split("@")[0] or self.unnamed_label

    @property
    def has_display_name(self) -> bool:
        return bool(self.name or self.first_name or self.last_name or self.email)

    @property
    def unnamed_label(self) -> str:
        """How someone who has given no name (nor e-mail) is called, in the active language."""
        if self.is_eid_verified:
            return gettext("ID-porten user")
        return gettext("User without a name")

    def get_full_name(self) -> str:
        # Wagtail's admin (user lists, "edited by") falls back to the username when this is empty.
        return self.display_name

    @property
    def is_eid_verified(self) -> bool:
        return self.assurance_level != AssuranceLevel.NONE

    def has_assurance(self, required: str) -> bool:
        return AssuranceLevel.rank(self.assurance_level) >= AssuranceLevel.rank(required)


class Organisation(models.Model):
    """A body that sends submissions: an association, a business, a state agency."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    organisation_number = models.CharField(
        _("organisation number"),
        max_length=9,
        blank=True,
        help_text=_("The nine-digit number in Brønnøysundregistrene, if any."),
    )
    members = models.ManyToManyField(
        User, through="Membership", related_name="organisations", verbose_name=_("members")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("May act on its behalf")
        ADMIN = "admin", _("Manages members")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership")
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation}"


@register_setting(icon="lock")
class PrivacySettings(BaseGenericSetting):
    """How long the platform keeps what it no longer needs; applied by `apply_retention`.

    0 means "keep": a municipality that has not decided yet loses nothing by accident.
    """

    unverified_account_days = models.PositiveIntegerField(
        _("delete unconfirmed e-mail accounts after (days)"),
        default=30,
        help_text=_(
            "Accounts that never confirmed their e-mail address, never logged in with "
            "ID-porten and never posted are deleted this many days after sign-up. 0 keeps them."
        ),
    )
    notification_days = models.PositiveIntegerField(
        _("delete notifications after (days)"),
        default=90,
        help_text=_(
            "Notifications in the outbox, sent or not, are deleted this many days after they "
            "were queued. Use at least 14, so weekly digests still go out. 0 keeps them."
        ),
    )
    rejected_post_days = models.PositiveIntegerField(
        _("delete rejected posts after (days)"),
        default=180,
        help_text=_(
            "Posts a moderator rejected are deleted, with their files, this many days after "
            "the decision. The author can read the reason until then. 0 keeps them."
        ),
    )

    class Meta:
        verbose_name = _("privacy and retention")

    def clean(self):
        from django.core.exceptions import ValidationError

        if 0 < self.notification_days < 14:
            raise ValidationError({"notification_days": _("Use 0 (keep) or at least 14 days.")})
