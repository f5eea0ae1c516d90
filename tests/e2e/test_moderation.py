"""Live moderation in two browsers side by side: a moderator's queue and a resident's plan page.

The resident posts to a pre-moderated hearing; the moderator's queue shows the post without a
reload; the moderator publishes it; the resident's open page offers it without a reload.
"""

import re

import pytest

from participation.demo import DEMO_PASSWORD
from tests.e2e.browser import expect

pytestmark = pytest.mark.e2e

RESIDENT = "innbygger@demo.medvirkning.no"
MODERATOR = "moderator@demo.medvirkning.no"
PLAN = "/sentrum-skole-og-park/"


@pytest.fixture
def pre_moderated(demo_site):
    from cms.models import PlanPage
    from participation.contributions.models import ModerationMode

    hearing = PlanPage.objects.get(slug=PLAN.strip("/")).hearing
    hearing.discussion.moderation = ModerationMode.PRE
    hearing.discussion.save(update_fields=["moderation"])
    return hearing


def live(page) -> None:
    expect(page.locator("html")).to_have_attribute("data-live", "connected")


def test_a_moderator_sees_a_new_post_arrive_publishes_it_and_the_resident_sees_it_live(
    page, second_page, login, axe, pre_moderated
):
    from participation.contributions.models import Comment

    moderator, resident = page, second_page
    login(moderator, MODERATOR, DEMO_PASSWORD)
    moderator.goto("/admin/moderation/")
    expect(moderator.get_by_role("heading", level=1)).to_contain_text(
        re.compile("Moderering|Moderation")
    )
    live(moderator)
    violations = axe(moderator)
    assert not violations, violations

    login(resident, RESIDENT, DEMO_PASSWORD)
    resident.goto(PLAN)
    text = "Husk sykkelparkering ved den nye skolen."
    resident.get_by_label("Din kommentar").fill(text)
    resident.get_by_role("button", name="Publiser kommentar").click()
    resident.wait_for_load_state()
    comment = Comment.objects.get(body=text)
    assert comment.state == Comment.State.PENDING
    # Not public yet: the resident's page does not show it.
    expect(resident.locator(f"#comment-{comment.pk}")).to_have_count(0)
    live(resident)

    # The moderator's queue shows it without a reload, with the original text.
    item = moderator.locator(f"#item-{comment.pk}")
    expect(item).to_contain_text(text, timeout=10_000)
    expect(moderator.locator("[data-live-announcer]")).to_contain_text("Kari Nordmann")
    violations = axe(moderator)
    assert not violations, violations

    # By keyboard: focus the item's Publish button and press Enter.
    item.get_by_role("button", name=re.compile("Publiser|Publish")).focus()
    moderator.keyboard.press("Enter")
    moderator.wait_for_load_state()
    expect(moderator.locator(f"#item-{comment.pk}")).to_have_count(0)

    # The resident's page, never reloaded, offers the new comment politely…
    show = resident.locator("button.live-show")
    expect(show).to_contain_text(re.compile("1 n(y|ew) comment|1 ny kommentar"))
    expect(resident.locator("#debatt .live-notice")).to_contain_text(
        re.compile("1 n(y|ew) comment|1 ny kommentar")
    )
    expect(resident.locator(f"#comment-{comment.pk}")).to_have_count(0)
    # …and shows it when asked.
    show.click()
    expect(resident.locator(f"#comment-{comment.pk}")).to_contain_text(text)
    expect(resident.locator(f"#comment-{comment.pk}")).to_be_focused()


def test_a_decision_by_one_moderator_removes_the_post_from_the_other_moderators_queue(
    page, second_page, login, pre_moderated, make_user
):
    from hearings.operations import do_comment
    from participation.contributions.models import Comment

    resident = make_user(name="Kari")
    comment, _ = do_comment(resident, pre_moderated, "Et innlegg to moderatorer ser")
    other = make_user(email="ola@kommune.no", name="Ola Moderator", roles=["moderator"])
    login(page, MODERATOR, DEMO_PASSWORD)
    page.goto("/admin/moderation/")
    live(page)
    item = page.locator(f"#item-{comment.pk}")
    expect(item.locator("[data-claim]")).not_to_contain_text("Ola Moderator")

    login(second_page, other.email, "a-long-test-password-42")
    second_page.goto("/admin/moderation/")
    second_page.locator(f"#item-{comment.pk}").get_by_role(
        "button", name=re.compile("Claim|Ta")
    ).click()
    second_page.wait_for_load_state()

    # The first moderator sees who has it, without a reload…
    expect(item.locator("[data-claim]")).to_contain_text("Ola Moderator")
    # …and the post leaves the queue when it is decided.
    second_page.locator(f"#item-{comment.pk}").get_by_role(
        "button", name=re.compile("Publiser|Publish")
    ).click()
    expect(page.locator(f"#item-{comment.pk}")).to_have_count(0)
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.PUBLISHED
