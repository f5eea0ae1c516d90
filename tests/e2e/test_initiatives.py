"""Citizen initiatives in a real browser: a resident reads the list and an initiative, and
the pages meet axe-core's WCAG 2.0/2.1 A and AA rules."""

import re

import pytest

from participation.demo import DEMO_PASSWORD
from tests.e2e.browser import expect

pytestmark = pytest.mark.e2e

RESIDENT = "innbygger@demo.medvirkning.no"


def test_a_resident_reads_an_initiative_and_axe_finds_no_violations(page, axe, login, demo_site):
    from initiatives.models import Initiative, Status

    collecting = Initiative.objects.get(status=Status.COLLECTING)
    decided = Initiative.objects.get(status=Status.DECIDED)

    page.goto("/innbyggerforslag/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    violations = axe(page)
    assert not violations, violations

    page.get_by_role("link", name=collecting.public_title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(collecting.public_title)
    # The count is text; the bar repeats it and is named by it.
    progress = page.locator("progress")
    expect(progress).to_have_attribute("value", str(collecting.signature_count))
    expect(progress).to_have_accessible_name(re.compile(rf"^{collecting.signature_count}\b"))
    violations = axe(page)
    assert not violations, violations

    # A resident logged in without eID is told how to sign, not given a button that fails.
    login(page, RESIDENT, DEMO_PASSWORD)
    page.goto(f"/innbyggerforslag/{collecting.pk}/")
    expect(page.locator("#sign .ds-alert")).to_contain_text("ID-porten")
    violations = axe(page)
    assert not violations, violations

    page.goto(f"/en/innbyggerforslag/{decided.pk}/")
    expect(page.get_by_role("heading", name="The council's decision")).to_be_visible()
    expect(page.locator(".initiative-decision")).to_contain_text(decided.decision_case_number)
    violations = axe(page)
    assert not violations, violations

    page.goto("/nn/innbyggerforslag/nytt/")
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    violations = axe(page)
    assert not violations, violations
