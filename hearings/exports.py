"""The hearing out of the platform: the merknadsbehandling table (CSV, XLSX, PDF) for the
political case, and a ZIP for the archive (Noark 5 import).

Every writer reads the submissions once, in chunks (`.iterator(chunk_size=...)`, themes and
attachments fetched per chunk), so 10,000 submissions cost a few dozen queries and
little memory. Exports run as a background task (`run_export`) that reports progress on the
`Export` row; files are served only through a permission-checked admin view.
"""

import csv
import io
import json
import logging
import os
import re
import secrets
import shutil
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hearings.models import Attachment, CampaignGroup, Export, Hearing, Submission, ThemeTag
from hearings.uploads import download_name
from participation.contributions.models import Contribution

log = logging.getLogger(__name__)

CHUNK_SIZE = 500
# Leading characters that make a spreadsheet read a cell as a formula (CSV/XLSX injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 (and so XLSX) cannot hold at all: one of them breaks the whole file.
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

COLUMNS = [
    ("sender", gettext_lazy("Sender")),
    ("organisation", gettext_lazy("Organisation")),
    ("date", gettext_lazy("Date")),
    ("reference", gettext_lazy("Reference")),
    ("late", gettext_lazy("Late")),
    ("themes", gettext_lazy("Themes")),
    ("summary", gettext_lazy("Summary")),
    ("response", gettext_lazy("The municipality's response")),
    ("campaign_group", gettext_lazy("Campaign group")),
    ("campaign_count", gettext_lazy("Submissions in the group")),
]


# Real dates in XLSX (sortable, filterable), shown as the Norwegian ISO-like form planners use.
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
XLSX_DATE_FORMAT = "yyyy-mm-dd"


def xlsx_date_cell(sheet, value, number_format=XLSX_DATETIME_FORMAT):
    """A date cell for a write-only sheet: an aware datetime becomes Norwegian local time
    (a spreadsheet has no time zones); a date stays a date."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, datetime):
        value = timezone.localtime(value).replace(tzinfo=None)
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def neutralise(value):
    """A text cell a spreadsheet would run as a formula is prefixed with ' and stays text."""
    if isinstance(value, str):
        value = ILLEGAL_XML.sub("", value)
        if value.startswith(FORMULA_TRIGGERS):
            return "'" + value
    return value


@dataclass
class Row:
    submission: Submission
    sender: str
    organisation: str
    date: str
    reference: str
    late: str
    themes: str
    summary: str
    response: str
    campaign_group: str
    campaign_count: int | str

    def values(self) -> list:
        return [getattr(self, key) for key, _label in COLUMNS]


def submissions_for_export(hearing: Hearing):
    """Everything received on the hearing that is part of the case (withdrawn ones are not)."""
    return (
        Submission.objects.filter(hearing=hearing)
        .exclude(state=Contribution.State.WITHDRAWN)
        .order_by("created_at", "pk")
    )


def count_rows(hearing: Hearing) -> int:
    return submissions_for_export(hearing).count()


def confirmed_groups(hearing: Hearing) -> dict[int, tuple[str, int]]:
    groups = CampaignGroup.objects.filter(hearing=hearing, confirmed_at__isnull=False).annotate(
        n=Count("submissions")
    )
    return {g.pk: (g.label, g.n) for g in groups}


def local_date(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _chunks(queryset):
    chunk = []
    for item in queryset.iterator(chunk_size=CHUNK_SIZE):
        chunk.append(item)
        if len(chunk) == CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _themes_by_submission(ids) -> dict[int, list[str]]:
    # One query per chunk. taggit's own prefetch builds a queryset per object, which costs
    # more than the whole export.
    themes = defaultdict(list)
    rows = ThemeTag.objects.filter(content_object_id__in=ids).values_list(
        "content_object_id", "tag__name"
    )
    for pk, name in rows:
        themes[pk].append(name)
    return {pk: sorted(names) for pk, names in themes.items()}


def _attachments_by_submission(ids) -> dict[int, list[Attachment]]:
    attachments = defaultdict(list)
    for attachment in Attachment.objects.filter(submission_id__in=ids).order_by("pk"):
        attachments[attachment.submission_id].append(attachment)
    return attachments


def iter_rows(hearing: Hearing, *, attachments=False, progress=None, collapse_groups=False):
    """The table's rows in the order received; confirmed groups carry their size.

    Reads in chunks: one query for the submissions, and per chunk one for the themes (and
    one for the attachments). With collapse_groups a confirmed group is one row (its first
    letter), as it is answered once.
    """
    groups = confirmed_groups(hearing)
    seen_groups = set()
    done = 0
    for chunk in _chunks(submissions_for_export(hearing)):
        ids = [s.pk for s in chunk]
        themes = _themes_by_submission(ids)
        files = _attachments_by_submission(ids) if attachments else {}
        for submission in chunk:
            submission.theme_names = themes.get(submission.pk, [])
            submission.attachment_list = files.get(submission.pk, [])
            label, count = groups.get(submission.campaign_group_id, ("", ""))
            sender = submission.public_name
            organisation = submission.organisation_name
            if collapse_groups and label:
                if submission.campaign_group_id in seen_groups:
                    continue
                seen_groups.add(submission.campaign_group_id)
                sender = _("%(count)s senders (campaign letter)") % {"count": count}
                organisation = ""
            yield Row(
                submission=submission,
                sender=sender,
                organisation=organisation,
                date=local_date(submission.created_at),
                reference=submission.reference,
                late=_("Yes") if submission.is_late else _("No"),
                themes=", ".join(submission.theme_names),
                summary=submission.summary,
                response=submission.response,
                campaign_group=label,
                campaign_count=count,
            )
        done += len(chunk)
        if progress:
            progress(done)


def header() -> list[str]:
    return [str(label) for _key, label in COLUMNS]


# ---------------------------------------------------------------- CSV


def write_csv(hearing: Hearing, out, progress=None) -> None:
    """Semicolon-separated UTF-8 with a byte-order mark: what Excel in Norway opens as is."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=";")
    writer.writerow(header())
    for row in iter_rows(hearing, progress=progress):
        writer.writerow([neutralise(v) for v in row.values()])
    text.flush()
    text.detach()


def stream_csv(hearing: Hearing):
    """The same table as an iterator of byte chunks, for a StreamingHttpResponse."""

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo(), delimiter=";")
    yield "\ufeff".encode()
    yield writer.writerow(header()).encode()
    for row in iter_rows(hearing):
        yield writer.writerow([neutralise(v) for v in row.values()]).encode()


# ---------------------------------------------------------------- XLSX


def write_xlsx(hearing: Hearing, out, progress=None) -> None:
    from openpyxl import Workbook

    # Write-only mode keeps one row in memory at a time.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Submissions")[:31])
    widths = [28, 24, 17, 16, 8, 24, 50, 60, 30, 10]
    for i, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + i)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(header())
    date_column = [key for key, _label in COLUMNS].index("date")
    for row in iter_rows(hearing, progress=progress):
        values = [neutralise(v) for v in row.values()]
        values[date_column] = xlsx_date_cell(sheet, row.submission.created_at)
        sheet.append(values)
    workbook.save(out)


# ---------------------------------------------------------------- PDF


def pdf_font_path() -> str | None:
    """A Unicode TrueType font, for names in Sami or Polish; None falls back to Helvetica."""
    candidates = [
        getattr(settings, "EXPORT_PDF_FONT", ""),
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    ]
    return next((p for p in candidates if p and os.path.exists(p)), None)


def pdf_document(orientation: str = "portrait"):
    """(pdf, font family, clean) for an A4 document: a Unicode font when the machine has one
    (æøå and everything else as written); else the built-in Helvetica, which knows only
    Latin-1, so `clean` replaces what it cannot draw instead of failing."""
    from fpdf import FPDF

    pdf = FPDF(orientation=orientation, format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    font = pdf_font_path()
    if font:
        pdf.add_font("body", "", font)
        pdf.add_font("body", "B", font)
        return pdf, "body", str
    return pdf, "helvetica", lambda text: str(text).encode("latin-1", "replace").decode("latin-1")


def write_pdf(hearing: Hearing, out, progress=None) -> None:
    """The table for the political case; a confirmed campaign group is one row."""
    from fpdf.fonts import FontFace

    pdf, family, clean = pdf_document("landscape")
    pdf.set_margins(10, 10, 10)

    pdf.set_title(clean(f"{hearing.title} ({hearing.case_number})"))
    pdf.add_page()
    pdf.set_font(family, "B", 13)
    pdf.multi_cell(
        0, 7, clean(f"{hearing.title} – {hearing.case_number}"), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font(family, "", 9)
    pdf.multi_cell(
        0,
        5,
        clean(
            _("Deadline %(deadline)s. Exported %(now)s.")
            % {"deadline": local_date(hearing.closes_at), "now": local_date(timezone.now())}
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    pdf.set_font(family, "", 7.5)
    keys = ["sender", "organisation", "date", "reference", "late", "themes", "summary", "response"]
    labels = dict(COLUMNS)
    with pdf.table(
        col_widths=(30, 25, 20, 22, 10, 25, 60, 85),
        headings_style=FontFace(emphasis="BOLD"),
        repeat_headings=1,
        line_height=3.6,
        text_align="LEFT",
    ) as table:
        table.row([clean(labels[k]) for k in keys])
        for row in iter_rows(hearing, progress=progress, collapse_groups=True):
            values = {k: getattr(row, k) for k in keys}
            if row.campaign_group:
                values["sender"] = f"{row.sender}: {row.campaign_group}"
            table.row([clean(values[k]) for k in keys])
    pdf.output(out)


# ---------------------------------------------------------------- ZIP for the archive


def metadata(hearing: Hearing, submission: Submission, files: list[str]) -> dict:
    return {
        "case_number": hearing.case_number,
        "hearing": hearing.title,
        "reference": submission.reference,
        "sender_name": submission.author_name,
        "name_withheld": submission.name_withheld,
        "organisation": submission.organisation_name,
        "date": timezone.localtime(submission.created_at).isoformat(),
        "late": submission.is_late,
        "state": submission.state,
        "themes": submission.theme_names,
        "summary": submission.summary,
        "response": submission.response,
        "files": files,
    }


def metadata_xml(data: dict) -> bytes:
    root = ET.Element("submission")
    for key, value in data.items():
        element = ET.SubElement(root, key)
        if isinstance(value, list):
            child = "file" if key == "files" else "theme"
            for item in value:
                ET.SubElement(element, child).text = ILLEGAL_XML.sub("", str(item))
        elif isinstance(value, bool):
            element.text = "true" if value else "false"
        else:
            element.text = ILLEGAL_XML.sub("", str(value))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def folder_name(reference: str) -> str:
    return get_valid_filename(reference.replace("/", "-")) or "submission"


def write_zip(hearing: Hearing, out, progress=None) -> None:
    """Per submission a folder with the text as written, its attachments and metadata."""
    index = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for row in iter_rows(hearing, attachments=True, progress=progress):
            submission = row.submission
            folder = folder_name(submission.reference)
            files = ["text.txt"]
            archive.writestr(f"{folder}/text.txt", submission.body.encode("utf-8"))
            used = set()
            for attachment in submission.attachment_list:
                # The sender's name with the extension of the detected type (x.html → x.png).
                name = download_name(attachment.original_name, attachment.content_type)
                if name in used:
                    name = f"{attachment.pk}-{name}"
                used.add(name)
                try:
                    with (
                        attachment.file.open("rb") as source,
                        archive.open(f"{folder}/attachments/{name}", "w") as target,
                    ):
                        shutil.copyfileobj(source, target, 1024 * 1024)
                except FileNotFoundError:
                    log.warning("Attachment %s of %s is missing", attachment.pk, folder)
                    continue
                files.append(f"attachments/{name}")
            data = metadata(hearing, submission, files)
            archive.writestr(
                f"{folder}/metadata.json", json.dumps(data, ensure_ascii=False, indent=2)
            )
            archive.writestr(f"{folder}/metadata.xml", metadata_xml(data))
            index.append({"folder": folder, **{k: data[k] for k in INDEX_FIELDS}})
        archive.writestr(
            "index.json",
            json.dumps(
                {
                    "case_number": hearing.case_number,
                    "hearing": hearing.title,
                    "opens_at": timezone.localtime(hearing.opens_at).isoformat(),
                    "closes_at": timezone.localtime(hearing.closes_at).isoformat(),
                    "exported_at": timezone.localtime().isoformat(),
                    "submissions": index,
                },
                ensure_ascii=False,
                indent=2,
            ),
        )
        text = io.StringIO()
        writer = csv.writer(text, delimiter=";")
        writer.writerow(["folder", *INDEX_FIELDS])
        for entry in index:
            writer.writerow([neutralise(entry[k]) for k in ["folder", *INDEX_FIELDS]])
        archive.writestr("index.csv", "\ufeff" + text.getvalue())


INDEX_FIELDS = ["case_number", "reference", "sender_name", "organisation", "date", "late"]


# ---------------------------------------------------------------- the background job

WRITERS = {
    Export.Format.CSV: write_csv,
    Export.Format.XLSX: write_xlsx,
    Export.Format.PDF: write_pdf,
    Export.Format.ZIP: write_zip,
}


def export_filename(export: Export) -> str:
    stamp = timezone.localtime(export.created_at).strftime("%Y%m%d-%H%M")
    case = export.hearing.case_number.replace("/", "-")
    # Unguessable, in case the web server ever serves MEDIA_ROOT: downloads go through a view.
    token = secrets.token_urlsafe(12)
    return get_valid_filename(f"merknader-{case}-{stamp}-{token}.{export.format}")


def run_export(export_id: int) -> Export:
    """Write the file for an Export row, reporting progress on it as it goes."""
    export = Export.objects.select_related("hearing", "requested_by").get(pk=export_id)
    if export.status == Export.Status.DONE:
        return export
    hearing = export.hearing
    Export.objects.filter(pk=export.pk).update(
        status=Export.Status.RUNNING, total=count_rows(hearing), done=0, error=""
    )

    def progress(n):
        Export.objects.filter(pk=export.pk).update(done=n)

    language = getattr(export.requested_by, "preferred_language", "") or settings.LANGUAGE_CODE
    try:
        with tempfile.TemporaryFile() as tmp, translation.override(language):
            WRITERS[export.format](hearing, tmp, progress)
            tmp.seek(0)
            export.file.save(export_filename(export), File(tmp), save=False)
    except Exception as error:
        log.exception("Export %s failed", export.pk)
        Export.objects.filter(pk=export.pk).update(
            status=Export.Status.FAILED, error=str(error)[:1000], finished_at=timezone.now()
        )
        raise
    Export.objects.filter(pk=export.pk).update(
        status=Export.Status.DONE,
        file=export.file.name,
        done=F("total"),
        finished_at=timezone.now(),
    )
    export.refresh_from_db()
    return export


def do_request_export(planner, hearing: Hearing, format: str) -> Export:
    """Queue an export; the worker writes it and the planner watches its progress."""
    from hearings.review import check_is_planner

    check_is_planner(planner)
    # The job and its task row commit together: no export stays "queued" for ever.
    with transaction.atomic():
        export = Export.objects.create(
            hearing=hearing, requested_by=planner, format=Export.Format(format)
        )
        _enqueue_export(export.pk)
    return export


def _enqueue_export(export_id: int) -> None:
    from hearings.tasks import run_export as task

    task.enqueue(export_id)
