"""`{{ text|public_text }}` for everyone, `{{ text|original_text }}` for the author and staff."""

from django import template
from django.utils.safestring import SafeString

from participation.text.render import render_original, render_public

register = template.Library()


@register.filter
def public_text(text: str | None) -> SafeString:
    return render_public(text or "")


@register.filter
def original_text(text: str | None) -> SafeString:
    return render_original(text or "")
