"""An idea's photo, sent with a name that asks to be a web page, shows as a picture on the
idea page and is a plain image when opened on its own."""

import io

import pytest
from PIL import Image

from participation.demo import DEMO_PASSWORD
from tests.e2e.browser import expect

pytestmark = pytest.mark.e2e

RESIDENT = "innbygger@demo.medvirkning.no"


def png_with_script_in_its_palette() -> bytes:
    image = Image.new("P", (40, 30), 0)
    image.putpalette(b"<script>alert(1)</script>  ")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_a_photo_named_like_a_page_is_shown_and_opened_as_an_image(page, login, demo_site):
    from ideabank.models import Idea

    login(page, RESIDENT, DEMO_PASSWORD)
    page.goto("/en/ideer/ny/")
    page.get_by_label("Title").fill("A bench by the pond")
    page.get_by_label("Describe your idea").fill("Somewhere to sit in the shade.")
    page.get_by_label("Photos").set_input_files(
        {"name": "x.html", "mimeType": "text/html", "buffer": png_with_script_in_its_palette()}
    )
    page.get_by_role("button", name="Send the idea").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A bench by the pond")

    idea = Idea.objects.get(title="A bench by the pond")
    photo = page.locator(".photo-list img")
    expect(photo).to_have_count(1)
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 40

    # Opened on its own, the browser shows an image: no page, no script.
    response = page.goto(photo.get_attribute("src"))
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    expect(page.locator("body > img")).to_have_count(1)
    assert page.locator("script").count() == 0
    assert idea.photos.get().file.name.endswith(".png")
