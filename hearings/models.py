from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from participation.contributions.models import Contribution, Discussion


class IdentityLevel(models.TextChoices):
    """What a person must have logged in with to send a submission."""

    EMAIL = "none", _("An account with a confirmed e-mail address")
    SUBSTANTIAL = "substantial", _("ID-porten, substantial level (MinID, BankID …)")
    HIGH = "high", _("ID-porten, high level (BankID, Buypass, Commfides)")


class Phase(models.TextChoices):
    DRAFT = "draft", _("Draft")
    UPCOMING = "upcoming", _("Not yet open")
    OPEN = "open", _("Open for submissions")
    CLOSED = "closed", _("Deadline passed")
    RESPONDED = "responded", _("Responses published")


# Plan- og bygningsloven: a plan proposal is on public hearing for at least six weeks.
PLAN_HEARING_MIN_DAYS = 42


def is_short_plan_period(opens_at, closes_at, is_plan_hearing: bool) -> bool:
    return bool(is_plan_hearing) and (closes_at - opens_at).days < PLAN_HEARING_MIN_DAYS


class Hearing(models.Model):
    """A period in which anyone may send a submission on a plan (offentlig ettersyn)."""

    title = models.CharField(_("title"), max_length=255)
    case_number = models.CharField(
        _("case number"),
        max_length=32,
        help_text=_("The case number (saksnummer) in the archive, e.g. 2024/1234."),
    )
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("What the hearing is about, in plain language.")
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(
        _("deadline"),
        help_text=_("Submissions sent after this time are kept and marked late."),
    )
    is_plan_hearing = models.BooleanField(
        _("plan hearing under the Planning and Building Act"),
        default=True,
        help_text=_("Plan proposals must be on hearing for at least six weeks."),
    )
    short_period_reason = models.TextField(
        _("reason for a period shorter than six weeks"),
        blank=True,
        help_text=_(
            "Required when a plan hearing is shorter than six weeks (plan- og bygningsloven). "
            "Shown on the hearing's page."
        ),
    )
    identity_level = models.CharField(
        _("identity required"),
        max_length=16,
        choices=IdentityLevel.choices,
        default=IdentityLevel.SUBSTANTIAL,
    )
    comments_allowed = models.BooleanField(_("open debate (comments)"), default=True)
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("A draft hearing is only visible to staff.")
    )
    responses_published_at = models.DateTimeField(_("responses published"), null=True, blank=True)
    discussion = models.OneToOneField(
        Discussion, on_delete=models.PROTECT, related_name="hearing", editable=False
    )
    area = models.ForeignKey(
        "geo.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hearings",
        verbose_name=_("area"),
    )
    topics = models.ManyToManyField(
        "ideabank.Topic",
        blank=True,
        related_name="hearings",
        verbose_name=_("topics"),
        help_text=_("Residents who follow these topics are told when the hearing opens."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["-closes_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="hearing_closes_after_opening"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.case_number})"

    def phase(self, now=None) -> str:
        now = now or timezone.now()
        if not self.is_published:
            return Phase.DRAFT
        if self.responses_published_at:
            return Phase.RESPONDED
        if now < self.opens_at:
            return Phase.UPCOMING
        if now <= self.closes_at:
            return Phase.OPEN
        return Phase.CLOSED

    @property
    def responses_are_public(self) -> bool:
        """The one rule for the municipality's responses: public once the planner has published
        them (after the deadline), never while they are drafts. Every public page, feed, mail
        and export asks this, through `Submission.public_response`."""
        return self.is_published and self.responses_published_at is not None

    def get_phase_display(self) -> str:
        return Phase(self.phase()).label

    @property
    def has_short_plan_period(self) -> bool:
        return is_short_plan_period(self.opens_at, self.closes_at, self.is_plan_hearing)

    def days_left(self, now=None) -> int:
        now = timezone.localtime(now or timezone.now())
        closes = timezone.localtime(self.closes_at)
        return max((closes.date() - now.date()).days, 0)


class ThemeTag(TaggedItemBase):
    """A planner's theme on a submission (merknadsbehandling), e.g. 'traffic', 'school'."""

    content_object = models.ForeignKey("hearings.Submission", on_delete=models.CASCADE)


class CampaignGroup(models.Model):
    """Identical or near-identical letters, answered once and counted as many."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="campaign_groups")
    label = models.CharField(_("label"), max_length=200)
    representative = models.ForeignKey(
        "hearings.Submission", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    response = models.TextField(_("the municipality's response"), blank=True)

    class Meta:
        verbose_name = _("campaign group")
        verbose_name_plural = _("campaign groups")

    def __str__(self):
        return self.label


class Submission(Contribution):
    """A formal, identified statement to a hearing (høringsuttalelse). A public document."""

    hearing = models.ForeignKey(Hearing, on_delete=models.PROTECT, related_name="submissions")
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    is_late = models.BooleanField(_("late"), default=False)
    name_withheld_requested = models.BooleanField(
        _("asks to have the name withheld"), default=False
    )
    name_withheld = models.BooleanField(
        _("name withheld"),
        default=False,
        help_text=_("Decided by the planner when the sender asks for it."),
    )
    themes = TaggableManager(through=ThemeTag, blank=True, verbose_name=_("themes"))
    summary = models.TextField(_("summary"), blank=True)
    response = models.TextField(_("the municipality's response"), blank=True)
    campaign_group = models.ForeignKey(
        CampaignGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("campaign group"),
    )
    text_fingerprint = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # Set in the same transaction that decides to send, so a retried task mails once.
    response_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set by the receipt task in the transaction that mails it: a retried or repeated task
    # mails once, and a retried submission (same idempotency key) queues it again while unset.
    receipt_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        indexes = [models.Index(fields=["hearing", "is_late"])]

    def __str__(self):
        return f"{self.reference} – {self.author_name}"

    @property
    def public_name(self) -> str:
        if self.name_withheld:
            return str(_("Name withheld"))
        return self.author_name

    @property
    def public_response(self) -> str:
        """The response as the public may read it: empty while it is the planner's draft."""
        if self.is_public and self.hearing.responses_are_public:
            return self.response
        return ""


def private_storage():
    """Attachments may hold what the sender never meant to publish: not under MEDIA_URL."""
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


class Attachment(models.Model):
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="attachments", null=True
    )
    # Uploaded at preview time, before the submission exists.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True)
    file = models.FileField(upload_to="attachments/%Y/%m/", max_length=255, storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


def export_path(instance, filename):
    return f"exports/{instance.hearing_id}/{filename}"


class Export(models.Model):
    """A file made in the background for the political case or the archive; planners only."""

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Spreadsheet (XLSX)")
        CSV = "csv", _("CSV")
        PDF = "pdf", _("PDF")
        ZIP = "zip", _("Archive package (ZIP for Noark 5)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # Not public media: served only through a permission-checked admin view.
    file = models.FileField(
        upload_to=export_path, max_length=255, blank=True, storage=private_storage
    )
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.hearing_id} {self.format} {self.status}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
