"""A moderator whose session ends elsewhere is told so on the open queue, without a reload."""

import pytest

from participation.demo import DEMO_PASSWORD
from tests.e2e.browser import expect

pytestmark = pytest.mark.e2e

MODERATOR = "moderator@demo.medvirkning.no"

LOG_OUT_IN_THE_BACKGROUND = """async () => {
  const token = document.querySelector('input[name="csrfmiddlewaretoken"]').value;
  const body = new URLSearchParams({csrfmiddlewaretoken: token});
  const response = await fetch("/accounts/logout/", {method: "POST", body, redirect: "manual"});
  return response.type === "opaqueredirect" || response.ok;
}"""


def test_logging_out_elsewhere_tells_the_open_queue_politely(page, login, axe, demo_site):
    login(page, MODERATOR, DEMO_PASSWORD)
    page.goto("/admin/moderation/")
    expect(page.locator("html")).to_have_attribute("data-live", "connected")
    focused = page.evaluate("document.activeElement && document.activeElement.tagName")

    # The same session logs out in another tab (here: a request from the page itself).
    assert page.evaluate(LOG_OUT_IN_THE_BACKGROUND)

    notice = page.locator("[data-live-status]")
    expect(notice).to_contain_text("Du har logget ut")
    expect(page.locator("[data-live-announcer]")).to_contain_text("Du har logget ut")
    # Told, not moved: focus stays where the moderator had it.
    assert page.evaluate("document.activeElement && document.activeElement.tagName") == focused
    violations = axe(page)
    assert not violations, violations
