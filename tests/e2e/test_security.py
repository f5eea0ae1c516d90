"""The browser's view of the defences: the Content-Security-Policy holds, and no page (the
admin included) sends anything to a third party.

Every browser test is watched by `PageGuard` (tests/e2e/conftest.py); these tests walk the
staff's pages, where Wagtail's own templates and widgets run, and check the guard itself.
"""

import re

import pytest

from participation.demo import DEMO_PASSWORD
from tests.e2e.browser import expect

pytestmark = pytest.mark.e2e

EDITOR = "redaktor@demo.medvirkning.no"
PLANNER = "planlegger@demo.medvirkning.no"
MODERATOR = "moderator@demo.medvirkning.no"


def admin_pages_of(role):
    from cms.models import HomePage, PlanPage
    from hearings.models import Hearing

    home = HomePage.objects.get(locale__language_code="nb")
    plan = PlanPage.objects.filter(locale__language_code="nb").first()
    hearing = Hearing.objects.first()
    return {
        "editor": [
            "/admin/",
            "/admin/account/",
            f"/admin/pages/{home.pk}/",
            f"/admin/pages/{home.pk}/edit/",
            f"/admin/pages/{plan.pk}/edit/",
            f"/admin/pages/{home.pk}/add_subpage/",
        ],
        "planner": [
            "/admin/",
            "/admin/hearings/",
            "/admin/hearings/new/",
            f"/admin/hearings/edit/{hearing.pk}/",
            "/admin/hearing-review/",
            "/admin/ideer/",
        ],
        "moderator": ["/admin/", "/admin/moderation/"],
    }[role]


@pytest.mark.parametrize(
    ("role", "email"), [("editor", EDITOR), ("planner", PLANNER), ("moderator", MODERATOR)]
)
def test_staff_admin_pages_load_nothing_from_other_hosts_and_break_no_policy(
    page, login, demo_site, role, email
):
    # Wagtail's default would fetch each staff member's Gravatar (an MD5 of the e-mail) over
    # plain http on every admin page; the guard fails the test on that and on any CSP refusal.
    login(page, email, DEMO_PASSWORD)
    for url in admin_pages_of(role):
        response = page.goto(url)
        assert response.ok, f"{url}: {response.status}"
        page.wait_for_load_state("networkidle")
        expect(page.locator('img[src*="gravatar"]')).to_have_count(0)


def test_a_script_injected_into_a_page_does_not_run_and_fails_the_test(page, page_guards):
    page.goto("/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.append(script);
        }"""
    )
    guard = page_guards[0]
    expect(page.locator("body")).to_be_visible()
    page.wait_for_function("() => true")  # one more round trip: the console message arrives
    assert page.evaluate("() => window.injected === undefined")
    assert any("script-src" in line for line in guard.csp_violations), guard.csp_violations
    guard.csp_violations.clear()  # seen: this test expects it


def test_a_request_to_another_host_fails_the_test(page, page_guards, site_url):
    other_host = re.sub(r"//127\.0\.0\.1:", "//localhost:", site_url)
    page.goto(f"{other_host}/healthz")
    guard = page_guards[0]
    assert any("localhost" in line for line in guard.foreign_requests), guard.foreign_requests
    guard.foreign_requests.clear()  # seen: this test expects it


def test_the_admin_date_and_time_pickers_open_without_an_inline_script(page, login, demo_site):
    # Wagtail starts them with inline scripts, which the policy refuses; ours start them from
    # a marker (participation/static/participation/admin_widgets.js).
    login(page, PLANNER, DEMO_PASSWORD)
    page.goto("/admin/hearings/new/")
    page.locator("#id_closes_date").click()
    expect(page.locator(".xdsoft_datetimepicker.xdsoft_noselect:visible")).to_have_count(1)
    page.keyboard.press("Escape")
    page.locator("#id_closes_time").click()
    expect(page.locator(".xdsoft_datetimepicker .xdsoft_timepicker:visible")).to_have_count(1)


def test_map_tiles_come_from_the_configured_host_and_are_answered_locally(
    page, demo_site, page_guards
):
    # The policy allows the tile host; PageGuard answers it with an empty tile, so the map
    # loads its tiles (Leaflet marks each loaded one) without any test reaching the internet.
    tile_requests = []
    page.on("request", lambda request: tile_requests.append(request.url))
    page.goto("/ideer/kart/")
    expect(page.locator("img.leaflet-tile-loaded").first).to_be_attached()
    tile_host = page_guards[0].tile_host
    assert tile_host and any(tile_host in url for url in tile_requests)
