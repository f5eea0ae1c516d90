from functools import partial

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page
from wagtail.search import index


def body_blocks():
    return [
        ("heading", blocks.CharBlock(form_classname="title", label=_("Heading"))),
        ("paragraph", blocks.RichTextBlock(label=_("Paragraph"))),
        ("image", ImageChooserBlock(label=_("Image"))),
    ]


class HomePage(Page):
    intro = models.TextField(
        _("introduction"), blank=True, help_text=_("One or two sentences under the heading.")
    )
    body = StreamField(body_blocks(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_template(self, request, *args, **kwargs):
        from cms.crisis import crisis_for

        if crisis_for(request) is not None:
            return "cms/crisis_page.html"
        return super().get_template(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["children"] = self.get_children().live().public().in_menu().specific()
        # Called by the template when it lists them: the crisis page (same context) asks nothing.
        context["open_hearings"] = partial(self.open_hearings, request)
        return context

    def open_hearings(self, request, now=None):
        """The plans whose hearing is open now, the one closing first first: where a resident
        can have a say, with the deadline and days left. Each plan's `reader_url` keeps the
        reader's language (the page's own URL is its locale's)."""
        from django.urls import reverse
        from django.utils import timezone

        from hearings.models import Phase

        now = now or timezone.now()
        plans = (
            PlanPage.objects.live()
            .public()
            .descendant_of(self)
            .filter(hearing__is_published=True)
            .select_related("hearing")
        )
        open_plans = [plan for plan in plans if plan.hearing.phase(now) == Phase.OPEN]
        for plan in open_plans:
            _site_id, _root, path = plan.get_url_parts(request) or (None, None, plan.url)
            plan.reader_url = reverse("wagtail_serve", args=[path.lstrip("/")])
            plan.days_left = plan.hearing.days_left(now)
        return sorted(open_plans, key=lambda plan: plan.hearing.closes_at)


class StandardPage(Page):
    intro = models.TextField(_("introduction"), blank=True, help_text=_("A short summary."))
    body = StreamField(body_blocks(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("standard page")


class AccessibilityStatementPage(Page):
    """Tilgjengelighetserklæring: required for public web sites by the universal-design rules."""

    body = RichTextField(_("statement"), help_text=_("The statement as published by uustatus."))
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body"), FieldPanel("last_reviewed")]
    max_count = 1

    class Meta:
        verbose_name = _("accessibility statement")


class PlanPage(Page):
    """A plan proposal in plain language, its documents, area, phases, and its hearing."""

    class PlanType(models.TextChoices):
        MUNICIPAL = "kommuneplan", _("Municipal master plan (kommuneplan)")
        LAND_USE = "arealdel", _("Land-use part of the municipal plan (arealdel)")
        SUB = "kommunedelplan", _("Municipal sub-plan (kommunedelplan)")
        ZONING = "reguleringsplan", _("Zoning plan (reguleringsplan)")

    class PlanPhase(models.TextChoices):
        NOTICE = "notice", _("Notice of start")
        HEARING = "hearing", _("Public hearing")
        POLITICAL = "political", _("Political consideration")
        ADOPTED = "adopted", _("Adopted")

    plan_type = models.CharField(
        _("plan type"), max_length=32, choices=PlanType.choices, default=PlanType.ZONING
    )
    case_number = models.CharField(
        _("case number"), max_length=32, help_text=_("Saksnummer in the archive, e.g. 2024/1234.")
    )
    intro = models.TextField(
        _("summary in plain language"),
        help_text=_("What the plan means for residents, in a few short sentences."),
    )
    body = StreamField(
        [
            *body_blocks(),
            (
                "section",
                blocks.StructBlock(
                    [
                        ("heading", blocks.CharBlock(label=_("Heading"))),
                        ("anchor", blocks.CharBlock(label=_("Anchor"), required=False)),
                        ("text", blocks.RichTextBlock(label=_("Text"))),
                    ],
                    label=_("Plan section (open for comments)"),
                ),
            ),
        ],
        blank=True,
        verbose_name=_("the proposal"),
    )
    documents = StreamField(
        [("document", DocumentChooserBlock(label=_("Document")))],
        blank=True,
        verbose_name=_("documents"),
        help_text=_("The plan documents (PDF): map, provisions, description."),
    )
    plan_area = models.JSONField(
        _("plan area"),
        null=True,
        blank=True,
        help_text=_("The plan boundary as a GeoJSON Polygon (longitude, latitude)."),
    )
    current_phase = models.CharField(
        _("current phase"), max_length=16, choices=PlanPhase.choices, default=PlanPhase.HEARING
    )
    phase_dates = StreamField(
        [
            (
                "phase",
                blocks.StructBlock(
                    [
                        (
                            "phase",
                            blocks.ChoiceBlock(choices=PlanPhase.choices, label=_("Phase")),
                        ),
                        ("date", blocks.DateBlock(label=_("Date"), required=False)),
                        ("note", blocks.CharBlock(label=_("Note"), required=False)),
                    ]
                ),
            )
        ],
        blank=True,
        verbose_name=_("timeline"),
    )
    hearing = models.ForeignKey(
        "hearings.Hearing",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_pages",
        verbose_name=_("hearing"),
    )

    template = "hearings/plan_page.html"
    content_panels = [
        *Page.content_panels,
        FieldPanel("plan_type"),
        FieldPanel("case_number"),
        FieldPanel("intro"),
        FieldPanel("current_phase"),
        FieldPanel("phase_dates"),
        FieldPanel("body"),
        FieldPanel("documents"),
        FieldPanel("plan_area"),
        FieldPanel("hearing"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("case_number"),
    ]

    class Meta:
        verbose_name = _("plan")

    def section_headings(self) -> dict[str, str]:
        """Each commentable section's anchor (as in its id and in a comment's `section`)
        mapped to its heading."""
        return {
            block.value["anchor"] or block.id: block.value["heading"]
            for block in self.body
            if block.block_type == "section"
        }

    def get_context(self, request, *args, **kwargs):
        from hearings.views import plan_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(plan_page_context(request, self))
        return context


class IdeaBankPage(Page):
    """The idea bank (idébank): residents' ideas as a filtered, paged list."""

    intro = models.TextField(
        _("introduction"), blank=True, help_text=_("What the idea bank is for, in a sentence.")
    )

    template = "ideabank/idea_list.html"
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1

    class Meta:
        verbose_name = _("idea bank")

    def get_context(self, request, *args, **kwargs):
        from ideabank.views import idea_list_context

        context = super().get_context(request, *args, **kwargs)
        context.update(idea_list_context(request))
        return context


class NeighbourhoodMapPage(Page):
    """The neighbourhood map (mitt nabolag): ideas on a map, with the same ideas as a list."""

    intro = models.TextField(
        _("introduction"), blank=True, help_text=_("What residents find on the map.")
    )

    template = "ideabank/map.html"
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1

    class Meta:
        verbose_name = _("neighbourhood map")

    def get_context(self, request, *args, **kwargs):
        from ideabank.views import map_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(map_page_context(request))
        return context


def crisis_link_blocks():
    return [
        (
            "link",
            blocks.StructBlock(
                [
                    ("title", blocks.CharBlock(label=_("Title"))),
                    ("url", blocks.URLBlock(label=_("Address (URL)"))),
                ],
                label=_("Link"),
                icon="link",
            ),
        ),
    ]


@register_setting(icon="warning")
class CrisisSettings(BaseSiteSetting):
    """Krisemodus: while enabled, the front page is the crisis page and every page shows a banner.

    `updated_at` is `auto_now`: the "last updated" residents see is the last time an editor saved
    this setting, set by Django's field option rather than by code in save().
    """

    enabled = models.BooleanField(
        _("crisis mode is on"),
        default=False,
        help_text=_("The front page becomes the crisis page and every page shows a banner."),
    )
    headline = models.CharField(_("headline"), max_length=200, blank=True)
    message = models.TextField(
        _("message"), blank=True, help_text=_("Plain text: what has happened and what to do.")
    )
    contact_phone = models.CharField(
        _("contact phone"),
        max_length=40,
        blank=True,
        help_text=_("The municipality's crisis telephone, e.g. 51 50 70 90."),
    )
    links = StreamField(
        crisis_link_blocks(),
        blank=True,
        verbose_name=_("official sources"),
        help_text=_(
            "Suggestions: the municipality's own site, the crisis centre (krisesenter), "
            "the police and health authorities. "
            "Emergency numbers 110, 112 and 113 are always shown."
        ),
    )
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    panels = [
        FieldPanel("enabled"),
        FieldPanel("headline"),
        FieldPanel("message"),
        FieldPanel("contact_phone"),
        FieldPanel("links"),
    ]

    class Meta:
        verbose_name = _("crisis mode")
