"""Redaction of personal data from text that is about to be published.

Submissions are public documents, published with the sender's name but never with an identity
number, phone number, e-mail or street address (see DOMAIN.md). Residents paste those into free
text all the time, so what the public sees goes through `redact_personal_data()` first.

Matching runs on a normalised copy of the text (NFKC, so full-width digits and no-break spaces
count; format characters such as zero-width spaces dropped, so they cannot split a number) and
every match is mapped back to the original, so everything that is not redacted is kept exactly
as written.

Known limits (heuristics, erring on the side of publishing ordinary numbers):

- Identity numbers: 11 digits, optionally written 6+5 with a space, dot or hyphen (or as a dotted
  date followed by 5 digits). Both check digits must hold and the date must be plausible. Numbers
  written in other groupings (``010203 123 45``) and FH-numbers (no date) are not found.
- Phone numbers: Norwegian numbers as ``41234567``, ``412 34 567`` or ``41 23 45 67`` (first digit
  2-7 or 9; 8xx service numbers are not personal), any grouping after ``+47``/``0047``/``(+47)``,
  and ``+<country>``/``00<country>`` numbers of 7-15 digits. A run glued to a longer number, a
  path (``/``) or a parameter (``=``) is left alone, so case numbers, sums, dates and
  organisation numbers are not eaten. A bare 8-digit run that happens to be a date
  (``31122024``) is redacted as a phone number, unless it follows a reference label
  (``Planid 20230045``, ``saksnr. 20230045``, ``gnr/bnr``, ``journalpost``, ``ref:``): that is a
  plan, case or archive number. An identity number is redacted after any label.
- E-mail: ``local@domain.tld``. Obfuscated forms ("ola at kommune dot no") are not found.
- Street addresses: only a capitalised street name with a known suffix (Storgata, Kirkeveien,
  Karl Johans gate, Bygdøy allé, ...) FOLLOWED BY a house number of 1-3 digits (optional letter
  or range), plus a directly following postcode and one-word place. A street named without a
  number is the topic of a plan debate, not personal data, and is kept. Streets without a
  known suffix (Grensen 5), lower-case names, house numbers above 999 and multi-word places
  (Mo i Rana) are not (fully) found. Numbered national/county roads (Riksvei 7) are kept.
"""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from django.utils.translation import gettext, ngettext

# Eleven digits, optionally written 6+5 with a space, dot or hyphen; not part of a longer number.
# Also used as is by the logging filter, which masks every such run without checking mod-11.
IDENTITY_NUMBER_CANDIDATE = re.compile(
    r"(?<!\d)(\d\d)\.?(\d\d)\.?(\d\d)[ .\-]?(\d{5})(?!\d)",
)

PHONE_NUMBER = re.compile(
    r"""
    (?<![0-9/=#&+\-])(?<![0-9][.,])       # not the tail of a longer number, path or parameter
    (?:
        (?:\(\+47\)|\+47|0047)[ ]?(?:[0-9][ \-]?){7}[0-9]                   # +47 4123 4567
      | (?:\+|00)[1-9][0-9]{0,2}[ \-]?(?:[0-9][ \-]?){5,12}[0-9]           # +44 20 7946 0958
      | [2-79][0-9]{7}                                                # 41234567
      | (?<![0-9][ ])                      # grouped: not the end of 1 500 000 or a table row...
        (?:[2-79][0-9]{2}[ ][0-9]{2}[ ][0-9]{3}|[2-79][0-9](?:[ ][0-9]{2}){3})  # 412 34 567
        (?![ ][0-9])                       # ...nor the start of one
    )
    (?![0-9]|[.,][0-9])                    # nor the head of a longer number (2024/1234, 1,5)
    """,
    re.VERBOSE,
)

# A plan, case, archive or property reference label right before a number written without a
# country code: "Planid 20230045", "saksnr.: 20230045", "arkivsak nr 20230045", "gnr/bnr".
_REFERENCE_LABEL = re.compile(
    r"""
    (?<![^\W\d_])
    (?:plan[ \-]?id|plan[ \-]?nr|plan[ \-]?nummer|saks?nr|saks?nummer|sak|arkivsak(?:s?nr|snummer)?
      |arkiv[ \-]?nr|ref|refnr|referanse(?:nummer|nr)?|gnr|bnr|gnr[ ]?/[ ]?bnr|journalpost(?:nr|id)?
      |j\.?[ ]?post(?:nr)?|dok(?:ument)?[ \-]?(?:nr|id))
    \.?
    (?:[ ]?(?:nr|no)\.?)?
    [ ]?[:#]?[ ]?\Z
    """,
    re.VERBOSE | re.IGNORECASE,
)


def _after_reference_label(text: str, start: int) -> bool:
    """True when the number at `start` follows a reference label (a case, not a phone)."""
    return _REFERENCE_LABEL.search(text, max(0, start - 40), start) is not None


# E-mail is found from its "@": the domain forwards, the local part (at most 64 characters, an
# apostrophe only inside it as in o'hara) backwards. Trying every start would be quadratic.
_EMAIL_DOMAIN = re.compile(r"@[\w\-]{1,63}(?:\.[\w\-]{1,63}){0,8}\.[^\W\d_]{2,63}")
_EMAIL_LOCAL_PART = re.compile(r"(?:[\w.+%\-]|(?<=\w)'(?=\w)){1,64}\Z")

_UPPER = "A-ZÆØÅÄÖÜÉ"
_STREET_SUFFIX = (
    "veien|vegen|vei|veg|gata|gaten|gate|gt\\.|stien|stigen|sti|plassen|plass|bakken|bakke|"
    "alleen|allé|alle|tunet|tun|løkka|løkken|svingen|sving|lia|lien|haugen|kroken|krok|torget|"
    "torg|brygga|bryggen|kaia|kaien|stredet|smauet|smuget|ringen|jordet|åsen|hagen|vollen|"
    "myra|myren|enga|engen|grenda|grenden|tråkket"
)
STREET_ADDRESS = re.compile(
    rf"""
    (?<![\w])
    (?!(?:Riks|Fylkes|Europa|Kommune)ve)     # numbered roads are not addresses
    (?:
        (?:(?:Øvre|Nedre|Gamle|Nye|Store|Lille|Søndre|Nordre|Vestre|Østre|Indre|Ytre|Sankt)[ ])?
        [{_UPPER}][^\W\d_]{{0,30}}(?:{_STREET_SUFFIX})       # Storgata, Øvre Kirkeveien
      | (?:[{_UPPER}][\w'\-]{{1,30}}[ ])?[{_UPPER}][\w'\-]{{0,30}}s[ ]
        (?:gate|gata|veien|vegen|vei|veg|plass|allé|torg)     # Karl Johans gate
      | [{_UPPER}][^\W\d_]{{1,30}}[ ]all[ée]                 # Bygdøy allé
    )
    [ ][1-9][0-9]{{0,2}}                                   # house number, never a year
    (?:[ ]?[-–][ ]?[0-9]{{1,3}})?                          # 12-14
    (?:[A-Za-z](?![\w])|[ ][A-H](?![\w]))?                 # 12B, 5 A
    (?![0-9]|[.,][0-9])
    (?:                                                    # , 0150 Oslo
        ,?[ \t]{{0,3}}(?:\r?\n[ \t]{{0,3}})?
        [0-9]{{4}}[ ][{_UPPER}][^\W\d_]{{1,30}}(?:-[{_UPPER}][^\W\d_]{{1,30}})?
    )?
    """,
    re.VERBOSE,
)


class PersonalData(StrEnum):
    IDENTITY_NUMBER = "identity_number"
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"


def replacement(kind: PersonalData) -> str:
    """The visible stand-in for what was removed, in the language active now."""
    return {
        PersonalData.IDENTITY_NUMBER: gettext("[identity number removed]"),
        PersonalData.PHONE: gettext("[phone number removed]"),
        PersonalData.EMAIL: gettext("[e-mail removed]"),
        PersonalData.ADDRESS: gettext("[address removed]"),
    }[kind]


@dataclass(frozen=True)
class Finding:
    kind: PersonalData
    start: int  # offsets in the original text
    end: int


@dataclass(frozen=True)
class RedactionResult:
    text: str
    findings: list[Finding] = field(default_factory=list)
    # The text cut at the replacements: kept, replacement, kept, ... (so a renderer can keep a
    # replacement out of a link around it).
    parts: list[str] = field(default_factory=list, repr=False, compare=False)

    @property
    def counts(self) -> Counter:
        return Counter(finding.kind for finding in self.findings)

    def describe(self) -> list[str]:
        """One phrase per kind for the author's preview: "1 identity number", "2 e-mail
        addresses"."""
        phrases = {
            PersonalData.IDENTITY_NUMBER: lambda n: ngettext(
                "%(count)d identity number", "%(count)d identity numbers", n
            ),
            PersonalData.PHONE: lambda n: ngettext(
                "%(count)d phone number", "%(count)d phone numbers", n
            ),
            PersonalData.EMAIL: lambda n: ngettext(
                "%(count)d e-mail address", "%(count)d e-mail addresses", n
            ),
            PersonalData.ADDRESS: lambda n: ngettext(
                "%(count)d street address", "%(count)d street addresses", n
            ),
        }
        counts = self.counts
        return [
            phrases[kind](counts[kind]) % {"count": counts[kind]}
            for kind in PersonalData
            if counts[kind]
        ]


def is_identity_number(digits: str) -> bool:
    """True for a fødselsnummer, D-number, H-number or synthetic test number.

    Check digit 1 accepts the remainders 0-3 that Skatteetaten allows for numbers issued from
    2032 (before then only 0 occurs); check digit 2 must give remainder 0.
    """
    if len(digits) != 11 or not (digits.isascii() and digits.isdigit()):
        return False
    d = [int(c) for c in digits]
    if sum(w * x for w, x in zip((3, 7, 6, 1, 8, 9, 4, 5, 2, 1), d[:10], strict=True)) % 11 > 3:
        return False
    if sum(w * x for w, x in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1), d, strict=True)) % 11:
        return False
    day, month = d[0] * 10 + d[1], d[2] * 10 + d[3]
    if day > 40:  # D-number
        day -= 40
    if month > 80:  # Skatteetaten's synthetic numbers (Tenor)
        month -= 80
    elif month > 40:  # H-number, and NAV's synthetic numbers
        month -= 40
    try:
        date(2000, month, day)  # a leap year, so 29 February is plausible
    except ValueError:
        return False
    return True


def _is_mark(char: str) -> bool:
    return unicodedata.combining(char) != 0 or unicodedata.category(char) in ("Mn", "Me")


def _normalised_char(char: str) -> str | None:
    """What a non-ASCII character is matched as, or None if it is matched as itself."""
    if unicodedata.category(char) == "Cf":  # zero-width spaces, joiners, direction marks
        return ""
    if _is_mark(char):
        return ""  # composed with the letter before it, or dropped: see _normalise()
    normalised = "".join(
        str(unicodedata.decimal(c)) if c.isdecimal() and not c.isascii() else c
        for c in unicodedata.normalize("NFKC", char)
    )
    return None if normalised == char else normalised


def _normalise(text: str) -> tuple[str, list[int] | None, list[int] | None]:
    """The text as matched, and for each of its characters the original span it came from
    (None when the text is its own normalised form, as most Norwegian text is).

    NFKC per character (full-width digits, no-break spaces), other scripts' digits as ASCII,
    format characters dropped, and a combining mark composed with the letter before it (allé
    typed as e + U+0301) or else dropped, so marks cannot split a number either.
    """
    changed = {
        c: n for c in set(text) if not c.isascii() and (n := _normalised_char(c)) is not None
    }
    if not changed:
        return text, None, None
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for m in re.finditer(f"[{re.escape(''.join(changed))}]", text):
        k = m.start()
        out.append(text[position:k])
        starts.extend(range(position, k))
        ends.extend(range(position + 1, k + 1))
        position = k + 1
        char = text[k]
        if _is_mark(char):
            # The mark belongs to the character before it, so it goes wherever that goes.
            if not out[-1] and len(out) > 1:
                out.pop()
            previous = out[-1][-1:]
            composed = unicodedata.normalize("NFC", previous + char)
            if previous.isalpha() and len(composed) == 1:
                out[-1] = out[-1][:-1] + composed
            if ends:
                ends[-1] = k + 1
            continue
        out.append(changed[char])
        starts.extend([k] * len(changed[char]))
        ends.extend([k + 1] * len(changed[char]))
    out.append(text[position:])
    starts.extend(range(position, len(text)))
    ends.extend(range(position + 1, len(text) + 1))
    return "".join(out), starts, ends


def _matches(text: str):
    for m in IDENTITY_NUMBER_CANDIDATE.finditer(text):
        if is_identity_number("".join(m.groups())):
            yield PersonalData.IDENTITY_NUMBER, m.start(), m.end()
    for m in _EMAIL_DOMAIN.finditer(text):
        if local := _EMAIL_LOCAL_PART.search(text, max(0, m.start() - 64), m.start()):
            yield PersonalData.EMAIL, local.start(), m.end()
    for m in PHONE_NUMBER.finditer(text):
        # "Planid 20230045" is a plan's number; "+47 ..." after a label is still a phone.
        if m.group()[0] not in "+0(" and _after_reference_label(text, m.start()):
            continue
        yield PersonalData.PHONE, m.start(), m.end()
    for m in STREET_ADDRESS.finditer(text):
        yield PersonalData.ADDRESS, m.start(), m.end()


def redact_personal_data(text: str) -> RedactionResult:
    """Replace identity numbers, phone numbers, e-mail and street addresses in `text`."""
    text = str.__str__(text)  # never pass on a SafeString's promise about text we did not make
    normalised, to_start, to_end = _normalise(text)

    matches = _matches(normalised)
    if to_start is not None:
        matches = ((kind, to_start[start], to_end[end - 1]) for kind, start, end in matches)
    findings: list[Finding] = []
    # Leftmost first, the longest of those that start together; overlaps are dropped.
    for kind, start, end in sorted(matches, key=lambda m: (m[1], -m[2])):
        if not findings or start >= findings[-1].end:
            findings.append(Finding(kind, start, end))

    if not findings:
        return RedactionResult(text, [], [text])
    replacements = {kind: replacement(kind) for kind in PersonalData}
    parts, position = [], 0
    for finding in findings:
        parts += [text[position : finding.start], replacements[finding.kind]]
        position = finding.end
    parts.append(text[position:])
    return RedactionResult("".join(parts), findings, parts)
