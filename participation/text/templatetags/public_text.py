"""`{{ text|public_text }}` for everyone, `{{ text|original_text }}` for the author and staff."""

from django import template
from django.utils.safestring import SafeString

from participation.text.render import public_plain, render_original, render_public

register = template.Library()


@register.filter
def public_text(text: str | None) -> SafeString:
    return render_public(text or "")


@register.filter
def original_text(text: str | None) -> SafeString:
    return render_original(text or "")


@register.filter(name="public_plain")
def public_plain_filter(text: str | None) -> str:
    """A short field (a file name, a place) redacted; plain text, so the template escapes it."""
    return public_plain(text)
