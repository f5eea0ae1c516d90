"""The idea bank: residents' ideas, their supports, photos, follows and the municipality's answers.

Two discussions per idea, on purpose:
- `Idea.discussion` (from Contribution) is the one idea-bank-wide Discussion (kind IDEABANK):
  the idea itself is moderated there, like any other contribution, with that discussion's
  moderation mode.
- `Idea.comments_discussion` is the idea's own Discussion (kind IDEA): the comments on the idea
  live and are moderated there, and its stream carries the idea's live events (new comments,
  support counts, status changes).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import ItemBase, TagBase

from hearings.models import private_storage
from participation.contributions.models import Contribution, Discussion


class Topic(TagBase):
    """A topic (tag) on ideas. Official topics are the municipality's list; others are free tags
    residents typed, allowed only when settings.IDEABANK_ALLOW_FREE_TAGS is on."""

    official = models.BooleanField(
        _("official topic"),
        default=True,
        help_text=_("Official topics are offered to everyone who posts an idea."),
    )

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]


class TaggedIdea(ItemBase):
    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="tagged_ideas")
    content_object = models.ForeignKey("ideabank.Idea", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="one_tag_per_idea")
        ]


class IdeaStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    CONSIDERING = "considering", _("Under consideration")
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    NOT_PURSUED = "not_pursued", _("Not pursued")


class Idea(Contribution):
    """A resident's suggestion, with topics and optionally a place on the map."""

    class Source(models.TextChoices):
        WEB = "web", _("This site")
        OPEN311 = "open311", _("Open311 client")

    title = models.CharField(_("title"), max_length=200)
    # The title with personal data redacted; what the public sees. Made on write.
    public_title = models.CharField(_("published title"), max_length=255, blank=True)
    topics = TaggableManager(through=TaggedIdea, blank=True, verbose_name=_("topics"))
    # A point in WGS 84; both or neither. Indexed together for bounding-box queries.
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(
        _("place"), max_length=255, blank=True, help_text=_("The place name or address given.")
    )
    # The place with personal data redacted (a home address, a phone number typed there);
    # what the public sees on the page, the map and Open311. Made on write, like public_title.
    public_address = models.CharField(_("published place"), max_length=255, blank=True)
    area = models.ForeignKey(
        "geo.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("area"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=IdeaStatus.choices, default=IdeaStatus.RECEIVED
    )
    answer = models.TextField(_("the municipality's answer"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    # Kept right by F() updates inside the support/withdraw/merge transactions.
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    comments_discussion = models.OneToOneField(
        Discussion, on_delete=models.PROTECT, related_name="idea", editable=False
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("merged into"),
        # No index: almost every row is NULL, and on SQLite an index here makes the planner
        # walk it instead of the point index for the map's bounding-box query.
        db_index=False,
    )
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.WEB
    )
    open311_client = models.ForeignKey(
        "ideabank.Open311Client",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
    )

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        indexes = [
            models.Index(fields=["lat", "lon"], name="idea_point"),
            models.Index(fields=["status"], name="idea_status"),
            models.Index(fields=["support_count"], name="idea_support_count"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lon__isnull=True)
                | Q(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180),
                name="idea_point_complete_and_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="idea_not_merged_into_itself"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def public_place(self) -> str:
        """Where the idea is, as readers see it: the published place and its area, the area
        left out when the place already names it (a place "Sentrum" in the area Sentrum)."""
        area = self.area.name if self.area_id else ""
        if not self.public_address:
            return area
        if not area or area.casefold() in self.public_address.casefold():
            return self.public_address
        return f"{self.public_address}, {area}"

    @property
    def comments_stream(self) -> str:
        """The live stream of the idea's own discussion: comments, supports, status."""
        return f"discussion-{self.comments_discussion_id}"

    @property
    def is_listed(self) -> bool:
        """Shown in lists and on the map: published and not merged into another idea."""
        return self.is_public and self.merged_into_id is None


class IdeaStatusChange(models.Model):
    """The history of an idea's status and the municipality's public answers. Never edited."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("status"), max_length=16, choices=IdeaStatus.choices)
    answer = models.TextField(_("answer"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the mail task before it sends, so a retried task never mails twice.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.idea_id}: {self.status}"


class Support(models.Model):
    """One person's support for an idea. One per account, and one per eID identity."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    # Null once the supporter deleted the account: the support stays counted, nobody's.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="idea_supports",
    )
    # A copy of user.pid_hash when the person logged in with eID: the same person with two
    # accounts is still one person.
    identity_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="one_support_per_account"),
            models.UniqueConstraint(
                fields=["idea", "identity_hash"],
                condition=Q(identity_hash__isnull=False),
                name="one_support_per_identity",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} → {self.idea_id}"


def idea_photo_path(instance, filename):
    return f"ideas/{instance.idea_id}/{filename}"


class IdeaPhoto(models.Model):
    """A photo on an idea: stored under a random name with the extension of its detected type
    (the name the person gave stays in `original_name`), in private storage, and served by a
    view that checks the idea may be seen: a pending or rejected idea's photo is not public."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=idea_photo_path, max_length=255, storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]

    def __str__(self):
        return self.original_name


class Place(models.Model):
    """A named place or street in the local gazetteer the place search looks in."""

    class Kind(models.TextChoices):
        PLACE = "place", _("Place")
        STREET = "street", _("Street")
        ADDRESS = "address", _("Address")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PLACE)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name", "kind"], name="one_place_per_name")]

    def __str__(self):
        return self.name


class Open311Client(models.Model):
    """An app that reads and posts through the Open311 GeoReport v2 API with an api_key."""

    name = models.CharField(_("name"), max_length=200)
    # Only a SHA-256 of the key is kept; the key is shown once when it is made.
    api_key_hash = models.CharField(max_length=64, unique=True, editable=False)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="open311_clients",
        verbose_name=_("posts as"),
        help_text=_("The account the client's posts are made with."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")

    def __str__(self):
        return self.name
