"""LIX, the readability index Scandinavian editors know (klarspråk).

LIX = words / sentences + 100 * long words / words, where a long word has more than six
letters. Abbreviations with a full stop ("f.eks.") count as sentence ends, as in every simple
LIX counter.
"""

import html
import re

import nh3
from django.utils.translation import pgettext_lazy

_TAG = re.compile(r"<[A-Za-z/!][^<>]*>")
# Closing a block (or a <br>) ends a sentence even without punctuation, like a heading does.
_BLOCK_BOUNDARY = re.compile(
    r"</?(?:p|div|h[1-6]|li|ul|ol|br|tr|td|th|blockquote|table|caption)\b[^<>]*>", re.IGNORECASE
)
# A sentence ends at . : ! ? followed by space, a closing quote/bracket or the end, and at a
# line break (headings and list items rarely end with a full stop)...
_SENTENCE_END = re.compile(r"[.:!?]+(?=[\s\"'»”’)\]]|$)|\n")
# ...but not at a full stop followed by a lower-case letter or a digit: "1. mai", "f.eks. dette".
_NEXT_VISIBLE = re.compile(r"[ \t\"'»”’)\]]*(\S)")
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")

LABELS = (
    (25, pgettext_lazy("readability", "very easy")),
    (35, pgettext_lazy("readability", "easy")),
    (45, pgettext_lazy("readability", "medium")),
    (55, pgettext_lazy("readability", "difficult")),
    (float("inf"), pgettext_lazy("readability", "very difficult")),
)


def _plain_text(text: str) -> str:
    if not _TAG.search(text):
        return text
    text = _BLOCK_BOUNDARY.sub("\n", text)
    return html.unescape(nh3.clean(text, tags=set()))


def _count_sentences(text: str) -> int:
    count, start = 0, 0
    for end in _SENTENCE_END.finditer(text):
        if end.group().startswith("."):
            following = _NEXT_VISIBLE.match(text, end.end())
            if following and (following[1].islower() or following[1].isdigit()):
                continue
        count += bool(_WORD.search(text, start, end.start()))
        start = end.end()
    return count + bool(_WORD.search(text, start))


def lix(text: str) -> float:
    """The LIX score of plain text or HTML; 0 for text without words."""
    text = _plain_text(text or "")
    words = _WORD.findall(text)
    if not words:
        return 0.0
    sentences = _count_sentences(text)
    long_words = sum(1 for word in words if sum(c.isalpha() for c in word) > 6)
    return len(words) / sentences + 100 * long_words / len(words)


def lix_label(score: float) -> str:
    """'very easy' (under 25), 'easy' (25-34), 'medium' (35-44), 'difficult' (45-54) or
    'very difficult' (55 and over), in the active language."""
    return next(str(label) for limit, label in LABELS if score < limit)
