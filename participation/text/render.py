"""Plain text written by residents, and HTML written by staff, made safe to show.

Residents write plain text, never HTML: it is escaped, split into paragraphs, linkified by
Django's `urlize`, and the result is passed through nh3 with a strict allow-list anyway, so a
mistake in any earlier step still cannot put markup on the page.
"""

import re

import nh3
from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe

from participation.text.redact import RedactionResult, redact_personal_data

URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"
PUBLIC_TAGS = {"p", "br", "a", "strong", "em", "ul", "ol", "li", "blockquote"}
RICH_TAGS = PUBLIC_TAGS | {"h2", "h3", "h4", "table", "caption", "thead", "tbody", "tr", "th", "td"}

# Direction overrides, embeddings and isolates can make text display as something else than
# it is (a link to "gnp.exe" shown as "exe.png"); they are shown as their code point instead.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")
# Control characters and non-characters: invisible, and not allowed in XML 1.0, so one of them
# in a post would make the Atom feed (and any XML made from public text) fail.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _plain(text: str | None) -> str:
    # A plain str even if given a SafeString: resident text is always escaped (urlize would not).
    text = str.__str__(text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    return text.replace("\u2029", "\n\n").replace("\u2028", "\n")


def _to_html(parts: list[str]) -> str:
    """Plain text cut into parts (kept, replacement, kept, ...) as safe HTML. A replacement is
    only escaped, never linkified: `https://ola@example.com` must not link to "[e-mail"."""
    body = "".join(
        escape(part)
        if i % 2
        else urlize(
            _BIDI_CONTROLS.sub(lambda m: f"[U+{ord(m.group()):04X}]", part),
            nofollow=True,
            autoescape=True,
        )
        for i, part in enumerate(parts)
    )
    # Escaped text and links have no line breaks of their own, so the HTML splits like the text.
    paragraphs = (p.strip() for p in _BLANK_LINES.split(body))
    html = "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs if p)
    return nh3.clean(
        html,
        tags=PUBLIC_TAGS,
        attributes={"a": {"href"}},
        url_schemes=URL_SCHEMES,
        url_relative="deny",
        link_rel=LINK_REL,
    )


def sanitize(text: str) -> str:
    """The resident's plain text as safe HTML: escaped, paragraphs, line breaks and links."""
    return _to_html([_plain(text)])


def render_redacted(text: str) -> tuple[SafeString, RedactionResult]:
    """What the public sees, and what was removed from it (to store beside it, or to tell the
    author in the preview)."""
    result = redact_personal_data(_plain(text))
    return mark_safe(_to_html(result.parts)), result


def render_public(text: str) -> SafeString:
    """What the public sees: personal data redacted first, so nothing removed is linkified."""
    return render_redacted(text)[0]


def public_plain(text: str | None, *, one_line: bool = False) -> str:
    """A short field (a name, a title, a place, a file name) as the public sees it: personal
    data redacted, still plain text, escaped by the template or JSON encoder that shows it.
    `one_line` for what also goes into a mail subject or a feed title: one line, one space."""
    text = redact_personal_data(_plain(text)).text
    return " ".join(text.split()) if one_line else text


def render_original(text: str) -> SafeString:
    """What the author and staff see: the same, without redaction."""
    return mark_safe(sanitize(text))


def sanitize_rich_html(html: str) -> SafeString:
    """Staff-authored rich HTML (headings, lists, tables) cleaned to the same schemes."""
    cleaned = nh3.clean(
        str(html or ""),
        tags=RICH_TAGS,
        attributes={
            "a": {"href"},
            "th": {"scope", "colspan", "rowspan"},
            "td": {"colspan", "rowspan"},
        },
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
    )
    return mark_safe(cleaned)


_PARAGRAPH_BREAK = re.compile(r"</p>\s*<p>")
_LINE_BREAK = re.compile(r"<br\s*/?>")


def public_html_to_text(html: str) -> str:
    """Published HTML (made by `render_redacted`) back to plain text with its paragraphs and
    line breaks, for APIs and plain-text mails: the same words the page shows, nothing more."""
    from html import unescape

    from django.utils.html import strip_tags

    text = _LINE_BREAK.sub("\n", _PARAGRAPH_BREAK.sub("\n\n", str(html or "")))
    return unescape(strip_tags(text)).strip()
