"""Demo content for hearings: a zoning plan with an open hearing, submissions and a debate."""

from datetime import timedelta

from django.utils import timezone

from cms.models import PlanPage
from hearings.models import Hearing, IdentityLevel
from hearings.operations import do_comment, do_create_hearing, do_submit, end_of_day
from participation.accounts.models import Organisation, User
from participation.notifications.operations import do_follow

CASE_NUMBER = "2026/1234"
PLAN_AREA = {
    "type": "Polygon",
    "coordinates": [
        [[10.741, 59.913], [10.752, 59.913], [10.752, 59.919], [10.741, 59.919], [10.741, 59.913]]
    ],
}


def load(home) -> None:
    hearing = Hearing.objects.filter(case_number=CASE_NUMBER).first()
    if hearing is None:
        now = timezone.now()
        hearing = do_create_hearing(
            title="Reguleringsplan for Sentrum skole og park",
            case_number=CASE_NUMBER,
            opens_at=now - timedelta(days=14),
            closes_at=end_of_day(timezone.localdate() + timedelta(days=28)),
            summary="Forslag om ny skole, flerbrukshall og større park i sentrum.",
            # The demo logins are e-mail accounts; a real plan hearing would ask for ID-porten.
            identity_level=IdentityLevel.EMAIL,
            is_published=True,
        )
        _contributions(hearing)
    # The demo politician follows the hearing, so their digest has something in it.
    politician = User.objects.filter(email="politiker@demo.medvirkning.no").first()
    if politician is not None:
        do_follow(politician, hearing)
    if not PlanPage.objects.filter(case_number=CASE_NUMBER).exists():
        page = PlanPage(
            title="Sentrum skole og park",
            slug="sentrum-skole-og-park",
            plan_type=PlanPage.PlanType.ZONING,
            case_number=CASE_NUMBER,
            show_in_menus=True,
            intro=(
                "Kommunen foreslår å bygge ny barneskole og flerbrukshall der den gamle skolen "
                "står i dag, og å gjøre parken nesten dobbelt så stor. Si din mening før fristen."
            ),
            current_phase=PlanPage.PlanPhase.HEARING,
            plan_area=PLAN_AREA,
            hearing=hearing,
            phase_dates=[
                ("phase", {"phase": "notice", "date": "2026-03-02", "note": ""}),
                ("phase", {"phase": "hearing", "date": None, "note": "Seks uker"}),
            ],
            body=[
                (
                    "section",
                    {
                        "heading": "Ny skole",
                        "anchor": "skole",
                        "text": "<p>Skolen får plass til 600 elever og åpner høsten 2029.</p>",
                    },
                ),
                (
                    "section",
                    {
                        "heading": "Parken",
                        "anchor": "park",
                        "text": "<p>Parken utvides mot elva, med lekeplass og turvei.</p>",
                    },
                ),
                (
                    "section",
                    {
                        "heading": "Trafikk",
                        "anchor": "trafikk",
                        "text": "<p>Skoleveien blir bilfri mellom klokka 7 og 9.</p>",
                    },
                ),
            ],
        )
        home.add_child(instance=page)
        page.save_revision().publish()
    page = PlanPage.objects.get(case_number=CASE_NUMBER)
    if not page.documents:
        # Also for a demo loaded before the plan had documents: the page gets them now.
        page.documents = [("document", document) for document in _plan_documents()]
        page.save_revision().publish()


# The plan's documents as a municipality publishes them: a description and the provisions.
PLAN_DOCUMENTS = {
    "Planbeskrivelse – Sentrum skole og park": [
        "Planbeskrivelsen forklarer hva planen går ut på og hvorfor.",
        "1. Bakgrunn: Sentrum skole er for liten og trenger nytt bygg.",
        "2. Planområdet: Skoletomta, parken og Elvegata, om lag 6 dekar.",
        "3. Ny skole: 600 elever, flerbrukshall som lag og foreninger kan leie.",
        "4. Trafikk: Skoleveien blir bilfri mellom klokka 7 og 9. Sykkelparkering ved skolen.",
        "5. Parken: Utvides mot elva, med lekeplass og turvei.",
    ],
    "Reguleringsbestemmelser – Sentrum skole og park": [
        "§ 1 Formål: Området reguleres til offentlig tjenesteyting og grønnstruktur.",
        "§ 2 Byggehøyde: Skolebygget kan ha høyst fire etasjer.",
        "§ 3 Grønnstruktur: Parken skal være åpen for allmennheten hele døgnet.",
        "§ 4 Trafikk: Elvegata stenges for biltrafikk mellom klokka 7 og 9 på skoledager.",
    ],
}


def _plan_documents() -> list:
    """The plan's documents as Wagtail documents with a small generated PDF each; found by
    title when the demo is loaded again, so they are made once."""
    from django.core.files.base import ContentFile
    from django.utils.text import slugify
    from wagtail.documents import get_document_model

    document_model = get_document_model()
    documents = []
    for title, paragraphs in PLAN_DOCUMENTS.items():
        document = document_model.objects.filter(title=title).first()
        if document is None:
            document = document_model(title=title)
            document.file.save(
                f"{slugify(title)}.pdf", ContentFile(_pdf(title, paragraphs)), save=False
            )
            document._set_document_file_metadata()
            document.save()
        documents.append(document)
    return documents


def _pdf(title: str, paragraphs: list[str]) -> bytes:
    from hearings.exports import pdf_document

    pdf, family, clean = pdf_document()
    pdf.set_title(clean(title))
    pdf.add_page()
    pdf.set_font(family, "B", 16)
    pdf.multi_cell(0, 9, clean(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 11)
    pdf.multi_cell(0, 6, clean(f"Saksnummer {CASE_NUMBER}"), new_x="LMARGIN", new_y="NEXT")
    for paragraph in paragraphs:
        pdf.ln(3)
        pdf.multi_cell(0, 6, clean(paragraph), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _contributions(hearing) -> None:
    resident = User.objects.get(email="innbygger@demo.medvirkning.no")
    member = User.objects.get(email="lag@demo.medvirkning.no")
    politician = User.objects.get(email="politiker@demo.medvirkning.no")
    do_submit(
        resident,
        hearing,
        "Jeg støtter en større park, men skoleveien må være trygg også om ettermiddagen. "
        "Ring meg gjerne på 412 34 567 om dette.",
        idempotency_key="demo-1",
    )
    do_submit(
        member,
        hearing,
        "Sentrum vel mener flerbrukshallen må kunne brukes av lag og foreninger på kveldstid.",
        organisation=Organisation.objects.get(name="Sentrum vel"),
        idempotency_key="demo-2",
    )
    first, _ = do_comment(
        resident, hearing, "Blir det sykkelparkering ved skolen?", idempotency_key="demo-c1"
    )
    do_comment(
        politician,
        hearing,
        "Godt spørsmål – det står i planbeskrivelsen kapittel 4.",
        parent=first,
        idempotency_key="demo-c2",
    )
