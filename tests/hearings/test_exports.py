import csv
import io
import json
import zipfile
from xml.etree import ElementTree as ET

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import load_workbook

from hearings import exports
from hearings.models import Attachment, CampaignGroup, Export
from hearings.review import do_confirm_campaign, do_review_campaign
from tests.hearings.review_helpers import make_many_submissions, make_submission


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def planner(make_user):
    return make_user(email="planlegger@example.org", name="Plan Legger", roles=["planner"])


@pytest.fixture
def hearing(make_hearing):
    return make_hearing("closed", title="Reguleringsplan Parken", case_number="2026/77")


@pytest.fixture
def table(hearing, planner):
    """Three submissions: one ordinary, one late with its name withheld, one hostile."""
    ordinary = make_submission(
        hearing,
        "Parken må bevares.",
        author_name="Kari Nordmann",
        organisation_name="Parkens venner",
        summary="Vil bevare parken.",
        response="Tas til følge.",
    )
    ordinary.themes.set(["grøntareal", "barn"])
    make_submission(
        hearing,
        "Trafikken blir for stor.",
        author_name="Ola Hemmelig",
        is_late=True,
        name_withheld_requested=True,
        name_withheld=True,
    )
    make_submission(
        hearing,
        '=HYPERLINK("http://evil")',
        author_name="=cmd|' /C calc'!A0",
        organisation_name="@SUM(A1)",
        summary="+1",
        response="-2",
    )
    return hearing


def write(writer, hearing) -> bytes:
    out = io.BytesIO()
    with translation.override("en"):
        writer(hearing, out)
    return out.getvalue()


def test_csv_export_has_the_merknadsbehandling_columns_and_withholds_names(table):
    data = write(exports.write_csv, table).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data), delimiter=";"))
    assert rows[0] == [
        "Sender",
        "Organisation",
        "Date",
        "Reference",
        "Late",
        "Themes",
        "Summary",
        "The municipality's response",
        "Campaign group",
        "Submissions in the group",
    ]
    assert len(rows) == 4
    kari = rows[1]
    assert kari[0] == "Kari Nordmann"
    assert kari[1] == "Parkens venner"
    assert kari[3] == "2026/77-" + kari[3].split("-")[-1]
    assert kari[5] == "barn, grøntareal"
    assert kari[6] == "Vil bevare parken."
    assert kari[7] == "Tas til følge."
    withheld = rows[2]
    assert "Ola Hemmelig" not in data
    assert withheld[0] == "Name withheld"
    assert withheld[4] == "Yes"


def test_csv_cells_that_start_a_formula_are_neutralised(table):
    data = write(exports.write_csv, table).decode("utf-8-sig")
    hostile = list(csv.reader(io.StringIO(data), delimiter=";"))[3]
    assert hostile[0] == "'=cmd|' /C calc'!A0"
    assert hostile[1] == "'@SUM(A1)"
    assert hostile[6] == "'+1"
    assert hostile[7] == "'-2"


def test_neutralise_covers_tab_and_carriage_return_and_leaves_plain_text():
    assert exports.neutralise("\tx") == "'\tx"
    assert exports.neutralise("\rx") == "'\rx"
    assert exports.neutralise("Bevar parken") == "Bevar parken"
    assert exports.neutralise("a=b") == "a=b"
    assert exports.neutralise(3) == 3


def test_xlsx_export_opens_in_openpyxl_with_text_not_formulas(table):
    workbook = load_workbook(io.BytesIO(write(exports.write_xlsx, table)))
    sheet = workbook.active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(rows) == 4
    assert rows[1][0] == "Kari Nordmann"
    assert rows[1][7] == "Tas til følge."
    hostile = sheet[4]
    assert [c.data_type for c in hostile[:2]] == ["s", "s"]
    assert hostile[0].value == "'=cmd|' /C calc'!A0"
    assert hostile[1].value == "'@SUM(A1)"
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_xlsx_dates_are_real_dates_in_norwegian_time_with_a_date_format(table):
    from datetime import datetime

    sheet = load_workbook(io.BytesIO(write(exports.write_xlsx, table))).active
    date_column = [key for key, _label in exports.COLUMNS].index("date")
    first = table.submissions.order_by("created_at", "pk").first()

    cell = sheet.cell(row=2, column=date_column + 1)

    assert isinstance(cell.value, datetime)  # sortable and filterable, not text
    assert cell.is_date and cell.number_format == "yyyy-mm-dd hh:mm"
    local = timezone.localtime(first.created_at).replace(tzinfo=None, second=0, microsecond=0)
    assert cell.value.replace(second=0, microsecond=0) == local


def test_pdf_export_opens_and_contains_the_references_and_responses(table):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(write(exports.write_pdf, table)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "2026/77" in text
    for submission in table.submissions.all():
        assert submission.reference in text
    assert "Tas til følge." in text
    assert "Ola Hemmelig" not in text


def test_pdf_answers_a_confirmed_campaign_once_with_its_count(hearing, planner):
    ids = make_many_submissions(hearing, ["Stopp utbyggingen av parken nå."] * 30)
    group = CampaignGroup.objects.create(hearing=hearing, label="Stopp utbyggingen")
    table_rows = hearing.submissions.filter(pk__in=ids)
    table_rows.update(campaign_group=group)
    do_confirm_campaign(planner, group)
    do_review_campaign(
        planner, group, label="Parkaksjonen", themes=["park"], summary="", response="Svar."
    )
    from pypdf import PdfReader

    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(write(exports.write_pdf, hearing))).pages
    )
    assert text.count("Parkaksjonen") == 1
    assert "30" in text


def test_zip_for_the_archive_has_text_attachments_and_metadata_per_submission(table, media):
    kari = table.submissions.get(author_name="Kari Nordmann")
    attachment = Attachment(
        submission=kari,
        token="t1",
        original_name="kart over parken.pdf",
        content_type="application/pdf",
        size=9,
        sha256="x",
    )
    attachment.file.save("kart.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    archive = zipfile.ZipFile(io.BytesIO(write(exports.write_zip, table)))
    names = archive.namelist()
    folder = kari.reference.replace("/", "-")
    assert f"{folder}/text.txt" in names
    assert archive.read(f"{folder}/text.txt").decode("utf-8") == "Parken må bevares."
    assert archive.read(f"{folder}/attachments/kart_over_parken.pdf") == b"%PDF-1.4\n"
    meta = json.loads(archive.read(f"{folder}/metadata.json"))
    assert meta["case_number"] == "2026/77"
    assert meta["reference"] == kari.reference
    assert meta["sender_name"] == "Kari Nordmann"
    assert meta["organisation"] == "Parkens venner"
    assert meta["late"] is False
    assert meta["date"].startswith(timezone.localtime(kari.created_at).date().isoformat())
    xml = ET.fromstring(archive.read(f"{folder}/metadata.xml"))
    assert xml.findtext("reference") == kari.reference
    assert xml.findtext("case_number") == "2026/77"
    assert xml.findtext("late") == "false"
    index = json.loads(archive.read("index.json"))
    assert index["case_number"] == "2026/77"
    assert len(index["submissions"]) == 3
    assert {e["reference"] for e in index["submissions"]} == set(
        table.submissions.values_list("reference", flat=True)
    )
    assert "index.csv" in names


def test_archive_keeps_the_real_sender_name_when_it_is_withheld_from_the_public(table):
    # The archive is the case record; withholding is about publication, so it is flagged.
    archive = zipfile.ZipFile(io.BytesIO(write(exports.write_zip, table)))
    late = table.submissions.get(author_name="Ola Hemmelig")
    meta = json.loads(archive.read(f"{late.reference.replace('/', '-')}/metadata.json"))
    assert meta["sender_name"] == "Ola Hemmelig"
    assert meta["name_withheld"] is True
    assert meta["late"] is True


def test_a_requested_export_runs_in_the_background_and_ends_with_a_file(
    hearing, planner, django_capture_on_commit_callbacks
):
    make_many_submissions(hearing, [f"Uttalelse nummer {i}" for i in range(12)])
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.do_request_export(planner, hearing, "csv")
    export.refresh_from_db()
    assert export.status == Export.Status.DONE
    assert export.total == export.done == 12
    assert export.percent == 100
    with export.file.open("rb") as f:
        rows = list(csv.reader(io.StringIO(f.read().decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 13
    assert export.file.name.startswith(f"exports/{hearing.pk}/")


def test_ten_thousand_submissions_export_with_a_bounded_number_of_queries(hearing, planner):
    ids = make_many_submissions(hearing, [f"Uttalelse {i} om parken." for i in range(10_000)])
    hearing.submissions.get(pk=ids[0]).themes.set(["park"])
    for fmt in ("csv", "xlsx", "zip"):
        export = Export.objects.create(hearing=hearing, requested_by=planner, format=fmt)
        with CaptureQueriesContext(connection) as queries:
            exports.run_export(export.pk)
        export.refresh_from_db()
        assert export.status == Export.Status.DONE
        assert export.done == 10_000
        # Per 500-row chunk: the themes (and attachments) and one progress update.
        assert len(queries) < 10 + 3 * (10_000 // exports.CHUNK_SIZE), fmt
        with export.file.open("rb") as f:
            data = f.read()
        if fmt == "csv":
            lines = data.decode("utf-8-sig").splitlines()
            assert len(lines) == 10_001
            assert lines[1].split(";")[5] == "park"
        elif fmt == "xlsx":
            sheet = load_workbook(io.BytesIO(data), read_only=True).active
            assert sum(1 for _ in sheet.iter_rows()) == 10_001
        else:
            index = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("index.json"))
            assert len(index["submissions"]) == 10_000
