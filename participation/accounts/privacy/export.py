"""A person's own data, as JSON, as a readable page and as PDF. Only ever for the person."""

from __future__ import annotations

import datetime
import json
import re

from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participation.accounts.privacy import entries, plain


def sessions_of(user, *, include_expired=False) -> list[Session]:
    """The database sessions logged in as `user` (unexpired ones unless told otherwise).

    Django keeps no index from user to session, so each session is decoded; sessions last
    hours (SESSION_COOKIE_AGE) and `clearsessions` removes old ones, so the table stays small.
    """
    found = []
    sessions = Session.objects.all()
    if not include_expired:
        sessions = sessions.filter(expire_date__gt=timezone.now())
    for session in sessions.iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            found.append(session)
    return found


def account_facts(user) -> dict:
    return {
        "id": user.pk,
        "name": user.name,
        "name_source": user.name_source,
        "email": user.email,
        "preferred_language": user.preferred_language,
        "assurance_level": user.assurance_level,
        "assurance_level_label": str(user.get_assurance_level_display()),
        "eid_verified_at": plain(user.eid_verified_at),
        # Never the hash itself: it is a key to the person's identity number.
        "identity": _("an identity hash is kept") if user.pid_hash else "",
        "political_role": user.political_role,
        "date_joined": plain(user.date_joined),
        "last_login": plain(user.last_login),
        "is_staff": user.is_staff,
    }


def build_export(user) -> dict:
    sections = []
    for entry in entries():
        rows = entry.export(user)
        sections.append(
            {
                "key": entry.section,
                "title": str(entry.title),
                "model": entry.model_label,
                "field": entry.field,
                "on_delete": entry.on_delete.value,
                "rows": rows,
            }
        )
    return {
        "generated_at": plain(timezone.now()),
        "account": account_facts(user),
        "active_sessions": len(sessions_of(user)),
        "sections": sections,
    }


def to_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


# Headings for the keys a resident meets most; the rest are the key in plain words.
LABELS = {
    "id": gettext_lazy("Number"),
    "kind_label": gettext_lazy("Kind"),
    "state_label": gettext_lazy("State"),
    "where": gettext_lazy("Where"),
    "published_name": gettext_lazy("Published name"),
    "organisation": gettext_lazy("On behalf of"),
    "organisation__name": gettext_lazy("Organisation"),
    "text_as_written": gettext_lazy("Text as you wrote it"),
    "text_as_edited_by_moderator": gettext_lazy("Text as edited by a moderator"),
    "created_at": gettext_lazy("Created"),
    "published_at": gettext_lazy("Published"),
    "rejection_reason": gettext_lazy("Reason for rejection"),
    "rejection_note": gettext_lazy("The moderator's note"),
    "decisions": gettext_lazy("Decisions"),
    "details": gettext_lazy("Details"),
    "attachments": gettext_lazy("Attachments"),
    "photos": gettext_lazy("Photos"),
    "email": gettext_lazy("E-mail"),
    "verified": gettext_lazy("Confirmed"),
    "primary": gettext_lazy("Primary"),
    "what": gettext_lazy("What"),
    "text": gettext_lazy("Text"),
    "reason": gettext_lazy("Reason"),
    "frequency": gettext_lazy("How often"),
    "sent_at": gettext_lazy("Sent"),
    "file_name": gettext_lazy("File name"),
    "idea__public_title": gettext_lazy("Idea"),
    "hearing__title": gettext_lazy("Hearing"),
}


def _label(key: str) -> str:
    if key in LABELS:
        return str(LABELS[key])
    return key.replace("__", " ").replace("_", " ").strip().capitalize()


_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def readable(value) -> str:
    """One value as a line of text for the readable page and the PDF."""
    if value is None or value == "":
        return "–"
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if isinstance(value, dict):
        return "; ".join(f"{_label(k)}: {readable(v)}" for k, v in value.items())
    if isinstance(value, list):
        return " | ".join(readable(v) for v in value) or "–"
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        moment = datetime.datetime.fromisoformat(value)
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return date_format(moment, "DATETIME_FORMAT")
    return str(value)


def readable_sections(data: dict) -> list[dict]:
    """The export's sections with rows as (label, text) pairs, non-empty sections only."""
    out = []
    for section in data["sections"]:
        if not section["rows"]:
            continue
        rows = [
            # A code with a readable twin in the same row ("state" and "state_label") once.
            [(_label(k), readable(v)) for k, v in row.items() if f"{k}_label" not in row]
            for row in section["rows"]
        ]
        out.append({"key": section["key"], "title": section["title"], "rows": rows})
    return out


def account_rows(user) -> list[tuple[str, str]]:
    facts = account_facts(user)
    return [
        (_("Name"), readable(facts["name"])),
        (_("E-mail"), readable(facts["email"])),
        (_("Language"), user.get_preferred_language_display()),
        (_("Identity"), facts["assurance_level_label"]),
        (_("Last eID login"), readable(facts["eid_verified_at"])),
        (_("Identity number"), readable(facts["identity"])),
        (_("Account created"), readable(facts["date_joined"])),
        (_("Last login"), readable(facts["last_login"])),
    ]


def to_pdf(user, data: dict) -> bytes:
    from hearings.exports import pdf_document

    pdf, family, clean = pdf_document()

    def line(text, size=9, height=5):
        pdf.set_font(family, "", size)
        pdf.multi_cell(0, height, clean(text), new_x="LMARGIN", new_y="NEXT")

    pdf.set_title(clean(_("What we hold about you")))
    pdf.add_page()
    line(_("What we hold about you"), size=14, height=8)
    line(_("Made %(when)s") % {"when": data["generated_at"]})
    pdf.ln(2)
    for label, value in account_rows(user):
        line(f"{label}: {value}")
    line(_("Active sessions: %(n)s") % {"n": data["active_sessions"]})
    for section in readable_sections(data):
        pdf.ln(3)
        line(section["title"], size=11, height=6)
        for row in section["rows"]:
            line(" · ".join(f"{label}: {value}" for label, value in row), size=8, height=4)
            pdf.ln(1)
    return bytes(pdf.output())
