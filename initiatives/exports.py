"""The signature list for the council's case: name and date of signing, nothing else.

Identity hashes, e-mail addresses and account ids never leave the platform: the columns are
chosen here, from `values_list`, so a new field on Signature cannot slip into the file.
"""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from hearings.exports import XLSX_DATE_FORMAT, neutralise, xlsx_date_cell
from initiatives.models import Initiative, Signature


def header() -> list[str]:
    return [_("No."), _("Name"), _("Date signed")]


def rows(initiative: Initiative):
    signatures = Signature.objects.filter(initiative=initiative).order_by("signed_at", "pk")
    for number, (name, signed_at) in enumerate(
        signatures.values_list("name", "signed_at").iterator(chunk_size=2000), start=1
    ):
        # A date, not text: the CSV writes it as YYYY-MM-DD, the XLSX as a real date cell.
        yield [number, neutralise(name), timezone.localtime(signed_at).date()]


def xlsx_available() -> bool:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        return False
    return True


def to_csv(initiative: Initiative) -> bytes:
    """Semicolon-separated UTF-8 with a byte-order mark: what Excel in Norway opens as is."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerow(header())
    writer.writerows(rows(initiative))
    return ("\ufeff" + text.getvalue()).encode()


def to_xlsx(initiative: Initiative) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Signatures")[:31])
    for column, width in zip("ABC", (8, 40, 14), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.append(header())
    for number, name, signed_on in rows(initiative):
        sheet.append([number, name, xlsx_date_cell(sheet, signed_on, XLSX_DATE_FORMAT)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
