"""A resident sends a submission in a real browser, and the published case shows no fnr."""

import pytest

from participation.demo import DEMO_PASSWORD
from tests.e2e.browser import expect

pytestmark = pytest.mark.e2e

RESIDENT = "innbygger@demo.medvirkning.no"
FNR = "15038510190"  # valid by both mod-11 check digits
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_resident_sends_a_submission_with_an_attachment_and_the_identity_number_is_redacted(
    page, axe, login, demo_site
):
    from hearings.models import Submission

    login(page, RESIDENT, DEMO_PASSWORD)
    page.goto("/sentrum-skole-og-park/")
    violations = axe(page)
    assert not violations, violations

    page.get_by_role("link", name="Send høringsuttalelse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send høringsuttalelse")
    violations = axe(page)
    assert not violations, violations

    text = f"Jeg er imot at parken blir mindre. Fødselsnummeret mitt er {FNR}."
    page.get_by_label("Din høringsuttalelse").fill(text)
    page.get_by_label("Vedlegg").set_input_files(
        {"name": "innspill.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Forhåndsvis").click()

    preview = page.locator("article.preview")
    expect(preview).to_contain_text("Jeg er imot at parken blir mindre")
    expect(preview).not_to_contain_text(FNR)
    expect(preview).to_contain_text("innspill.pdf")
    expect(page.get_by_role("status").first).to_contain_text("fødselsnummer")
    violations = axe(page)
    assert not violations, violations

    page.get_by_role("button", name="Send høringsuttalelsen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Høringsuttalelsen din er mottatt")
    submission = Submission.objects.get(body=text)
    expect(page.locator(".reference")).to_have_text(submission.reference)
    assert submission.attachments.count() == 1
    violations = axe(page)
    assert not violations, violations

    page.goto("/sentrum-skole-og-park/")
    expect(page.locator(f"#submission-{submission.pk}")).to_contain_text(
        "Jeg er imot at parken blir mindre"
    )
    assert FNR not in page.content()
