"""An idea's page in a real browser: its place map has a height and the empty comment list
reads as a sentence, not as a numbered item ("1."), because the page has the styles it uses."""

import pytest

pytestmark = pytest.mark.e2e


def test_an_idea_page_shows_its_map_and_an_unnumbered_empty_comment_list(page, demo_site):
    from ideabank import operations
    from participation.accounts.models import User

    author = User.objects.get(email="innbygger@demo.medvirkning.no")
    idea, _created = operations.do_post_idea(
        author, title="Benk ved elva", body="En benk å sitte på.", lat=59.91, lon=10.75
    )

    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"/nn/ideer/{idea.pk}/")

    map_box = page.locator("#idea-point-map").bounding_box()
    assert map_box is not None and map_box["height"] >= 150, map_box
    empty = page.locator("[data-live-empty]")
    assert "Ingen" in empty.inner_text()
    assert empty.evaluate("(el) => getComputedStyle(el).listStyleType") == "none"
