from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
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

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["children"] = self.get_children().live().public().in_menu().specific()
        return context


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
