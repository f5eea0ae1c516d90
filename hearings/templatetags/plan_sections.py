"""Name a plan section by its heading, not by its anchor ("Ny skole", not "skole")."""

from django import template
from django.utils.translation import get_language
from wagtail.models import Locale

register = template.Library()


@register.filter
def section_heading(anchor: str, hearing) -> str:
    """The heading of the section `anchor` on the hearing's plan page (in the reader's
    language when the plan is translated), or "" when no section has that anchor. Looked up
    once per hearing object, so a page of comments asks the database once."""
    if not anchor or hearing is None:
        return ""
    headings = getattr(hearing, "_section_headings", None)
    if headings is None:
        plans = hearing.plan_pages.live()
        locale = Locale.objects.filter(language_code=get_language()).first()
        plan = (locale and plans.filter(locale=locale).first()) or plans.first()
        headings = plan.section_headings() if plan else {}
        hearing._section_headings = headings
    return headings.get(anchor, "")
