"""A resident pins an idea with the keyboard-usable place search, supports another idea and
filters the list, in a real browser; the idea bank and the map pass axe-core."""

import re

import pytest

from participation.demo import DEMO_PASSWORD
from tests.e2e.browser import expect

pytestmark = pytest.mark.e2e

RESIDENT = "innbygger@demo.medvirkning.no"


def test_a_resident_pins_an_idea_supports_another_and_filters_the_list(page, axe, login, demo_site):
    from ideabank.models import Idea

    login(page, RESIDENT, DEMO_PASSWORD)

    # Pin an idea: type a place, search with Enter, pick it from the list, send.
    page.goto("/en/ideer/ny/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Post an idea")
    violations = axe(page)
    assert not violations, violations
    page.get_by_label("Title").fill("Drinking fountain at the square")
    page.get_by_label("Describe your idea").fill("A drinking fountain for hot summer days.")
    page.get_by_label("Trafikk").check()
    place = page.get_by_label("Address or place name")
    place.fill("Torg")
    place.press("Enter")
    choice = page.get_by_role("radio", name="Torget")
    expect(choice).to_be_checked()
    expect(choice).to_be_focused()
    violations = axe(page)
    assert not violations, violations
    send = page.get_by_role("button", name="Send the idea")
    send.focus()
    send.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Drinking fountain at the square")
    idea = Idea.objects.get(title="Drinking fountain at the square")
    assert (idea.lat, idea.lon, idea.address) == (59.9125, 10.749, "Torget")
    assert idea.area.name == "Sentrum"
    expect(page.locator("main")).to_contain_text("Torget, Sentrum")
    violations = axe(page)
    assert not violations, violations

    # Support another resident's idea.
    other = Idea.objects.get(title="Benker langs elva")
    page.goto(f"/en/ideer/{other.pk}/")
    before = other.support_count
    page.get_by_role("button", name="Support this idea").click()
    expect(page.get_by_role("button", name="Withdraw my support")).to_be_visible()
    expect(page.locator("[data-support-count]")).to_contain_text(f"{before + 1} people")
    other.refresh_from_db()
    assert other.support_count == before + 1

    # Filter the list: the GET form, by topic and area.
    page.goto("/en/ideer/")
    page.get_by_role("combobox", name="Topic").select_option(label="Trafikk")
    page.get_by_role("combobox", name="Area").select_option(label="Sentrum")
    page.get_by_role("button", name="Show ideas").click()
    expect(page).to_have_url(re.compile(r"topic=trafikk.*area=sentrum"))
    results = page.locator(".idea-list")
    expect(results).to_contain_text("Drinking fountain at the square")
    expect(results).to_contain_text("Sykkelparkering ved stasjonen")
    expect(results).not_to_contain_text("Benker langs elva")
    expect(results).not_to_contain_text("Gatelys i Parkveien")
    violations = axe(page)
    assert not violations, violations


def test_idea_bank_and_map_pages_have_no_accessibility_violations(page, axe, demo_site):
    page.goto("/idebank/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Idébank")
    violations = axe(page)
    assert not violations, violations

    page.goto("/nabolag/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mitt nabolag")
    # The map has loaded the ideas (tiles cannot load here: there is no network).
    expect(page.locator("#idea-map")).to_have_attribute("data-loaded", "7")
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("Kartverket")
    # The same ideas are in the list beside the map, as links a keyboard reaches.
    expect(page.locator(".map-layout__list li a")).to_have_count(7)
    violations = axe(page)
    assert not violations, violations
