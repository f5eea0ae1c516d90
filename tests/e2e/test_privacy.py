"""Privacy self-service in a real browser: a resident sees and downloads their data, reads what
deleting the account would do, and neither page has axe violations."""

import json

import pytest

from participation.demo import DEMO_PASSWORD
from tests.e2e.browser import expect

pytestmark = pytest.mark.e2e

RESIDENT = "innbygger@demo.medvirkning.no"


def test_a_resident_sees_downloads_and_may_delete_their_data_and_the_pages_meet_axe(
    page, axe, login, demo_site
):
    login(page, RESIDENT, DEMO_PASSWORD)
    page.goto("/accounts/profile/")
    page.locator('a[href="/accounts/personvern/"]').first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text(RESIDENT)
    violations = axe(page)
    assert not violations, violations

    with page.expect_download() as download_info:
        page.locator('a[href$="last-ned.json"]').click()
    data = json.loads(download_info.value.path().read_text())
    assert data["account"]["email"] == RESIDENT

    page.locator('a[href="/accounts/personvern/slett/"]').first.click()
    page.wait_for_load_state()
    expect(page.locator('input[name="confirm"]')).to_be_visible()
    expect(page.locator('input[name="password"]')).to_be_visible()
    violations = axe(page)
    assert not violations, violations

    # A wrong password keeps the account, and says so next to the field.
    page.locator('input[name="confirm"]').check()
    page.locator('input[name="password"]').fill("feil passord")
    page.locator('input[name="password"]').press("Enter")
    page.wait_for_load_state()
    expect(page.locator('input[name="password"][aria-invalid="true"]')).to_be_visible()
    violations = axe(page)
    assert not violations, violations

    page.locator('input[name="password"]').fill(DEMO_PASSWORD)
    page.locator('form.form-stack button[type="submit"]').click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_be_visible()
    from participation.accounts.models import User

    assert not User.objects.filter(email=RESIDENT).exists()
