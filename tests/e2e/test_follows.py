"""A resident follows a plan with one click, finds it on the follows page, changes how often
they get e-mail, and the pages meet axe."""

import pytest

from participation.demo import DEMO_PASSWORD
from tests.e2e.browser import expect

pytestmark = pytest.mark.e2e

RESIDENT = "innbygger@demo.medvirkning.no"


def test_a_resident_follows_a_plan_and_manages_follows_and_settings(page, axe, login, demo_site):
    from participation.accounts.models import User
    from participation.notifications.models import Follow, NotificationSetting

    login(page, RESIDENT, DEMO_PASSWORD)
    page.goto("/sentrum-skole-og-park/")
    follow = page.locator('form[action^="/varsler/folg/hearing/"] button')
    expect(follow).to_be_visible()
    violations = axe(page)
    assert not violations, violations

    follow.click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator('form[action^="/varsler/slutt/hearing/"] button')).to_be_visible()
    resident = User.objects.get(email=RESIDENT)
    assert Follow.objects.filter(user=resident, hearing__isnull=False).count() == 1

    page.locator('a[href="/varsler/"]').first.click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("Sentrum skole og park")
    violations = axe(page)
    assert not violations, violations

    page.locator('input[name="reply"][value="weekly"]').check()
    page.locator('form[action="/varsler/"] button[type="submit"]').click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator('input[name="reply"][value="weekly"]')).to_be_checked()
    assert NotificationSetting.objects.get(user=resident, kind="reply").frequency == "weekly"
    violations = axe(page)
    assert not violations, violations
