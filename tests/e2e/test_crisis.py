"""Crisis mode in a real browser: the editor switches it on in the CMS and off again."""

import re

import pytest

from participation.demo import DEMO_PASSWORD
from tests.e2e.browser import expect

pytestmark = pytest.mark.e2e

EDITOR = "redaktor@demo.medvirkning.no"
PLAN = "/sentrum-skole-og-park/"
SETTINGS = "/admin/settings/cms/crisissettings/"
SAVE = re.compile("^(Lagre|Save)$")


def save_crisis_settings(page, *, enabled: bool, headline: str = "", message: str = "") -> None:
    page.goto(SETTINGS)
    page.locator('input[name="enabled"]').set_checked(enabled)
    if headline:
        page.locator('input[name="headline"]').fill(headline)
        page.locator('textarea[name="message"]').fill(message)
    page.get_by_role("button", name=SAVE).click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text(re.compile("oppdatert|updated", re.I))


def test_an_editor_switches_crisis_mode_on_and_off_and_the_crisis_page_meets_no_axe_violations(
    page, axe, login, demo_site
):
    from cms.models import HomePage

    home_title = HomePage.objects.get(locale__language_code="nb").title
    login(page, EDITOR, DEMO_PASSWORD)

    save_crisis_settings(
        page, enabled=True, headline="Flom i sentrum", message="Hold deg unna elvebredden."
    )
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Flom i sentrum")
    expect(page.locator("main")).to_contain_text("Hold deg unna elvebredden.")
    expect(page.locator("main time")).to_be_visible()
    violations = axe(page)
    assert not violations, violations

    # Every other page carries the banner, which leads back to the crisis page.
    page.goto(PLAN)
    banner = page.get_by_role("region", name=re.compile("Krise|Crisis"))
    expect(banner).to_contain_text("Flom i sentrum")
    violations = axe(page)
    assert not violations, violations

    save_crisis_settings(page, enabled=False)
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(home_title)
    expect(page.get_by_text("Flom i sentrum")).to_have_count(0)
