"""Everything that turns what residents write into what the public sees.

Incoming text is stored as written; templates show it with `{% load public_text %}` and
`{{ body|public_text }}` (redacted) or `{{ body|original_text }}` (author and staff).
"""

from participation.text.readability import lix, lix_label
from participation.text.redact import PersonalData, RedactionResult, redact_personal_data
from participation.text.render import (
    public_plain,
    render_original,
    render_public,
    render_redacted,
    sanitize,
    sanitize_rich_html,
)

__all__ = [
    "PersonalData",
    "RedactionResult",
    "lix",
    "lix_label",
    "public_plain",
    "redact_personal_data",
    "render_original",
    "render_public",
    "render_redacted",
    "sanitize",
    "sanitize_rich_html",
]
