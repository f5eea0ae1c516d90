"""A politician's comment carries the "elected representative" badge, also when it arrives live
on a reader's open plan page (live.js fills the badge from the event payload)."""

import re

import pytest

from participation.demo import DEMO_PASSWORD
from tests.e2e.browser import expect

pytestmark = pytest.mark.e2e

RESIDENT = "innbygger@demo.medvirkning.no"
POLITICIAN = "politiker@demo.medvirkning.no"
PLAN = "/sentrum-skole-og-park/"
ROLE = "Ap, bystyret"


def test_a_politicians_comment_arrives_live_with_the_badge(
    page, second_page, login, axe, demo_site
):
    from participation.accounts.models import User
    from participation.contributions.models import Comment

    User.objects.filter(email=POLITICIAN).update(political_role=ROLE)
    reader, politician = page, second_page
    login(reader, RESIDENT, DEMO_PASSWORD)
    reader.goto(PLAN)
    expect(reader.locator("html")).to_have_attribute("data-live", "connected")

    login(politician, POLITICIAN, DEMO_PASSWORD)
    politician.goto(PLAN)
    text = "Jeg tar saken opp i bystyret."
    politician.get_by_label("Din kommentar").fill(text)
    politician.get_by_role("button", name="Publiser kommentar").click()
    politician.wait_for_load_state()
    comment = Comment.objects.get(body=text)
    # Rendered by the server after the redirect: the badge beside the name.
    own = politician.locator(f"#comment-{comment.pk}")
    expect(own.locator(".author-badge")).to_contain_text(ROLE)

    # The reader's page, never reloaded, offers it and shows it with the badge.
    show = reader.locator("button.live-show")
    expect(show).to_contain_text(re.compile("1 n(y|ew) comment|1 ny kommentar"))
    show.click()
    arrived = reader.locator(f"#comment-{comment.pk}")
    expect(arrived).to_contain_text(text)
    badge = arrived.locator(".author-badge")
    expect(badge).to_be_visible()
    expect(badge).to_contain_text(ROLE)
    expect(badge).to_contain_text(re.compile("Elected representative|Folkevalgt"))
    expect(arrived).to_have_attribute(
        "aria-labelledby", f"comment-{comment.pk}-h comment-{comment.pk}-badge"
    )
    violations = axe(reader)
    assert not violations, violations
