"""The public frame in a real browser: keyboard, languages, login, axe-core."""

import pytest

from participation.demo import DEMO_PASSWORD
from tests.e2e.browser import expect

pytestmark = pytest.mark.e2e

RESIDENT = "innbygger@demo.medvirkning.no"

_FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    href: el.getAttribute("href"),
    lang: el.getAttribute("lang"),
    text: (el.innerText || el.value || "").trim(),
    ring: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
          || style.boxShadow !== "none",
  };
}"""


def focused(page):
    return page.evaluate(_FOCUSED)


def tab_to(page, predicate, limit=30):
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if predicate(element):
            return element
    raise AssertionError(f"No Tab stop matched within {limit} presses; last: {element}")


def test_a_resident_logs_in_switches_to_nynorsk_by_keyboard_and_meets_no_axe_violations(
    page, axe, login, demo_site
):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    violations = axe(page)
    assert not violations, violations

    # The skip link is the first Tab stop, and it moves focus to the main content.
    first = tab_to(page, lambda element: True, limit=1)
    assert (first["href"], first["text"]) == ("#main", "Hopp til hovedinnholdet")
    assert first["ring"]
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"

    page.goto("/accounts/login/")
    violations = axe(page)
    assert not violations, violations

    login(page, RESIDENT, DEMO_PASSWORD)
    expect(page.locator("nav.account-nav")).to_contain_text("Kari Nordmann")

    page.goto("/")
    nynorsk = tab_to(page, lambda element: element["lang"] == "nn" and element["tag"] == "a")
    assert nynorsk["text"] == "Norsk nynorsk"
    assert nynorsk["ring"], "the focused language link shows no focus ring"
    page.keyboard.press("Enter")
    page.wait_for_url("**/nn/")

    expect(page.locator("html")).to_have_attribute("lang", "nn")
    expect(page.locator("a.ds-skip-link")).to_have_text("Hopp til hovudinnhaldet")
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()
    expect(page.locator('nav.language-switcher a[aria-current="true"]')).to_have_attribute(
        "lang", "nn"
    )
    violations = axe(page)
    assert not violations, violations


def test_every_tab_stop_on_the_front_page_shows_where_the_focus_is(page, demo_site):
    page.goto("/")
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        element = focused(page)
        if element["tag"] == "body" or (seen and element == seen[0]):
            break
        seen.append(element)
    assert len(seen) > 5
    without_ring = [element for element in seen if not element["ring"]]
    assert not without_ring, without_ring


@pytest.mark.parametrize("path", ["/", "/nn/accounts/login/", "/en/finst-ikkje/"])
def test_pages_fit_a_320_pixel_wide_screen_without_sideways_scrolling(page, demo_site, path):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(path)
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{path} is {widths[0]} px wide on a {widths[1]} px screen"


def test_readers_who_ask_for_less_motion_get_no_smooth_scrolling(page, demo_site):
    page.emulate_media(reduced_motion="no-preference")
    page.goto("/")
    scroll = "() => getComputedStyle(document.documentElement).scrollBehavior"
    assert page.evaluate(scroll) == "smooth"
    page.emulate_media(reduced_motion="reduce")
    assert page.evaluate(scroll) == "auto"
