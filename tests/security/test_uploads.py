"""Stored files never become pages.

Every upload a resident makes (idea photos, submission attachments) is stored under a name of
our own with the extension of the type detected from its content, and every path that serves
one sends that type (never HTML or SVG), `nosniff` and a `Content-Disposition`. Photos of ideas
that are not published are not public files. Images are refused by their pixel count before
they are decoded, and a preview cannot pile up attachments.
"""

import io
import re
import struct
import zlib
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image, ImageFile

from hearings.models import Attachment, Submission
from hearings.operations import do_submit
from ideabank import operations as ideas
from ideabank.models import IdeaPhoto
from participation.contributions.operations import ContributionError

SCRIPT = b"<script>alert(1)</script>"
SAFE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}


# ---------------------------------------------------------------- hostile files


def palette_png_with_script() -> bytes:
    """A valid palette PNG whose colour table (PLTE) spells <script>alert(1)</script>."""
    image = Image.new("P", (4, 4), 0)
    palette = SCRIPT + b" " * (-len(SCRIPT) % 3)
    image.putpalette(palette)
    out = io.BytesIO()
    image.save(out, format="PNG")
    data = out.getvalue()
    assert SCRIPT in data
    return data


def gif_with_html() -> bytes:
    """A GIF with HTML in its comment and after its trailer: a GIF/HTML polyglot."""
    out = io.BytesIO()
    Image.new("P", (4, 4), 1).save(out, format="GIF", comment=b"<html>" + SCRIPT)
    return out.getvalue() + b"<html><body>" + SCRIPT + b"</body></html>"


def jpeg_with_html() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="JPEG", comment=b"<html>" + SCRIPT)
    return out.getvalue() + b"<html>" + SCRIPT


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def huge_png(width=10_000, height=9_000) -> bytes:
    """A 1-bit PNG of width × height pixels that is small on disk (zeros compress well)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    pixels = zlib.compress(row * height, 9)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def upload(name: str, data: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def small_png(colour="blue") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(out, format="PNG")
    return out.getvalue()


# ---------------------------------------------------------------- fixtures and helpers


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    # Private storage keeps the location it was made with (the test default).
    settings.MEDIA_ROOT = tmp_path / "media"


def submit_url(hearing):
    with translation.override("en"):
        return reverse("hearings:submit", args=[hearing.pk])


def preview(client, hearing, files, body="My view on the plan", **extra):
    return client.post(
        submit_url(hearing),
        {"body": body, "idempotency_key": "k1", "action": "preview", "attachments": files, **extra},
    )


def send(client, hearing, tokens):
    return client.post(
        submit_url(hearing),
        {
            "body": "With attachments",
            "idempotency_key": "s1",
            "action": "send",
            "attachment_tokens": ",".join(tokens),
        },
    )


def photo_url(photo):
    return reverse("ideabank:photo", args=[photo.idea_id, photo.pk])


def read(response) -> bytes:
    return b"".join(response.streaming_content)


def assert_served_as_a_file(response, mime, filename):
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == mime
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert f'filename="{filename}"' in disposition
    assert "html" not in disposition and "svg" not in disposition


def assert_stored_as(field_file, extension):
    # A random name of our own with the detected type's extension, nothing the person sent.
    assert re.fullmatch(rf"[A-Za-z0-9_-]{{24}}\.{extension}", Path(field_file.name).name)
    assert str(django_settings.PRIVATE_MEDIA_ROOT) in field_file.path
    assert str(django_settings.MEDIA_ROOT) not in field_file.path


# ---------------------------------------------------------------- idea photos


@pytest.mark.parametrize("sent_name", ["x.html", "x.svg"])
def test_a_png_with_script_in_its_palette_is_kept_and_served_as_a_png_whatever_its_name(
    client, resident, sent_name
):
    idea, _ = ideas.do_post_idea(
        resident,
        title="Park",
        body="More trees",
        photos=[upload(sent_name, palette_png_with_script())],
    )
    photo = idea.photos.get()
    assert photo.original_name == sent_name
    assert_stored_as(photo.file, "png")
    response = client.get(photo_url(photo))
    assert_served_as_a_file(response, "image/png", "x.png")
    assert response["Content-Disposition"].startswith("inline")
    assert Image.open(io.BytesIO(read(response))).format == "PNG"


@pytest.mark.parametrize(
    "data, mime, extension",
    [(gif_with_html(), "image/gif", "gif"), (jpeg_with_html(), "image/jpeg", "jpg")],
    ids=["gif", "jpeg"],
)
def test_a_gif_or_jpeg_carrying_html_is_stored_as_the_image_alone(
    client, resident, data, mime, extension
):
    assert SCRIPT in data
    idea, _ = ideas.do_post_idea(
        resident, title="Park", body="More trees", photos=[upload("x.html", data)]
    )
    photo = idea.photos.get()
    assert_stored_as(photo.file, extension)
    response = client.get(photo_url(photo))
    assert_served_as_a_file(response, mime, f"x.{extension}")
    assert b"<script" not in read(response)


@pytest.mark.parametrize(
    "name, data", [("x.svg", SVG), ("x.png", b"<html><body>" + SCRIPT)], ids=["svg", "html"]
)
def test_an_svg_or_html_file_is_refused_as_a_photo_and_as_an_attachment(
    client, resident, make_hearing, name, data
):
    with pytest.raises(ContributionError, match=name):
        ideas.do_post_idea(resident, title="Park", body="More trees", photos=[upload(name, data)])
    client.force_login(resident)
    response = preview(client, make_hearing(), upload(name, data, "image/svg+xml"))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert name in response.content.decode()
    assert not Attachment.objects.exists() and not IdeaPhoto.objects.exists()


def test_a_pending_ideas_photo_is_found_only_by_its_author_and_staff(
    client, make_user, make_idea, premoderated
):
    author = make_user(name="Author")
    idea = make_idea(author=author, photos=[upload("park.png", small_png())])
    assert not idea.is_public
    url = photo_url(idea.photos.get())
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.force_login(make_user(name="Stranger"))
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    for reader in (author, make_user(roles=["moderator"]), make_user(roles=["planner"])):
        client.force_login(reader)
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        assert "no-store" in response["Cache-Control"]


def test_a_rejected_ideas_photo_is_gone_for_readers_and_a_published_ones_is_shown(
    client, make_idea
):
    idea = make_idea(photos=[upload("park.png", small_png())])
    photo = idea.photos.get()
    page = client.get(reverse("ideabank:detail", args=[idea.pk])).content.decode()
    assert photo_url(photo) in page
    assert "/media/" not in page
    assert client.get(photo_url(photo)).status_code == HTTPStatus.OK
    idea.state = idea.State.REJECTED
    idea.save(update_fields=["state"])
    assert client.get(photo_url(photo)).status_code == HTTPStatus.NOT_FOUND


def test_a_photo_is_only_found_under_its_own_idea(client, make_idea, premoderated):
    hidden = make_idea(photos=[upload("secret.png", small_png())])
    premoderated.moderation = "post"
    premoderated.save()
    shown = make_idea()
    assert shown.is_public and not hidden.is_public
    url = reverse("ideabank:photo", args=[shown.pk, hidden.photos.get().pk])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_photos_stored_before_under_public_media_move_to_private_names_of_our_own(
    client, make_idea
):
    from importlib import import_module

    from django.apps import apps
    from django.core.files.storage import FileSystemStorage

    idea = make_idea()
    public = FileSystemStorage(location=django_settings.MEDIA_ROOT)
    old_name = public.save(f"ideas/{idea.pk}/abc-x.html", io.BytesIO(palette_png_with_script()))
    photo = IdeaPhoto.objects.create(
        idea=idea, file=old_name, original_name="x.html", content_type="image/png", size=1
    )
    migration = import_module("ideabank.migrations.0005_private_photos")
    migration.move_to_private_storage(apps, None)
    photo.refresh_from_db()
    assert not public.exists(old_name)
    assert_stored_as(photo.file, "png")
    assert_served_as_a_file(client.get(photo_url(photo)), "image/png", "x.png")


# ---------------------------------------------------------------- attachments


def test_an_attachment_named_x_html_is_stored_and_downloaded_as_the_png_it_is(
    client, resident, make_hearing, make_user
):
    hearing = make_hearing()
    client.force_login(resident)
    assert preview(client, hearing, upload("x.html", palette_png_with_script())).status_code == 200
    stored = Attachment.objects.get()
    assert stored.original_name == "x.html"
    assert_stored_as(stored.file, "png")
    send(client, hearing, [stored.token])
    assert Submission.objects.get().attachments.get() == stored
    paths = [reverse("hearings:attachment", args=[hearing.pk, stored.pk])]
    for url in paths:
        response = client.get(url)
        assert_served_as_a_file(response, "image/png", "x.png")
        assert response["Content-Disposition"].startswith("attachment")
    client.force_login(make_user(roles=["planner"]))
    for url in paths + [reverse("hearings_review:attachment", args=[hearing.pk, stored.pk])]:
        response = client.get(url)
        assert_served_as_a_file(response, "image/png", "x.png")
        assert response["Content-Disposition"].startswith("attachment")


def test_a_pdf_attachment_keeps_its_name_for_download_but_not_on_disk(
    client, resident, make_hearing
):
    hearing = make_hearing()
    client.force_login(resident)
    pdf = upload("Innspill til plan.pdf", b"%PDF-1.4\nhei\n%%EOF")
    preview(client, hearing, pdf)
    stored = Attachment.objects.get()
    assert Path(stored.file.name).suffix == ".pdf" and "Innspill" not in stored.file.name
    send(client, hearing, [stored.token])
    response = client.get(reverse("hearings:attachment", args=[hearing.pk, stored.pk]))
    assert_served_as_a_file(response, "application/pdf", "Innspill_til_plan.pdf")


def test_a_row_claiming_html_is_still_downloaded_as_a_plain_file(client, resident, make_hearing):
    hearing = make_hearing()
    client.force_login(resident)
    preview(client, hearing, upload("a.pdf", b"%PDF-1.4\nhei\n%%EOF"))
    stored = Attachment.objects.get()
    send(client, hearing, [stored.token])
    Attachment.objects.filter(pk=stored.pk).update(content_type="text/html")
    response = client.get(reverse("hearings:attachment", args=[hearing.pk, stored.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"


# ---------------------------------------------------------------- pixels


def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded(
    client, resident, make_hearing, monkeypatch
):
    data = huge_png()
    assert len(data) < 400_000
    assert struct.unpack(">II", data[16:24]) == (10_000, 9_000)  # IHDR: width, height

    def no_decoding(self, *args, **kwargs):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    hearing = make_hearing()
    client.force_login(resident)
    response = preview(client, hearing, upload("kart.png", data), body="Keep these words")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert "kart.png has too many pixels" in html and "40 megapixels" in html
    assert "Keep these words" in html
    assert not Attachment.objects.exists()
    with pytest.raises(ContributionError, match="too many pixels"):
        ideas.do_post_idea(resident, title="Map", body="x", photos=[upload("kart.png", data)])


def test_the_pixel_limit_is_a_setting_and_the_idea_form_keeps_the_text(client, resident, settings):
    settings.MAX_IMAGE_PIXELS = 100
    client.force_login(resident)
    with translation.override("en"):
        url = reverse("ideabank:post")
    response = client.post(
        url,
        {
            "title": "A bench",
            "body": "By the pond, please",
            "idempotency_key": "i1",
            "photos": upload("bench.png", _png(20, 20)),
        },
    )
    assert response.status_code != HTTPStatus.FOUND
    html = response.content.decode()
    assert "bench.png has too many pixels" in html and "0.0001 megapixels" in html
    assert "By the pond, please" in html
    assert not IdeaPhoto.objects.exists()


def _png(width, height) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "green").save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    "language, words", [("nb", "for mange piksler"), ("nn", "for mange pikslar")]
)
def test_the_pixel_message_is_in_the_readers_language(
    client, resident, make_hearing, settings, language, words
):
    settings.MAX_IMAGE_PIXELS = 100
    hearing = make_hearing()
    client.force_login(resident)
    with translation.override(language):
        url = reverse("hearings:submit", args=[hearing.pk])
    response = client.post(
        url,
        {
            "body": "Tekst",
            "idempotency_key": "k",
            "action": "preview",
            "attachments": upload("bilde.png", _png(20, 20)),
        },
    )
    assert words in response.content.decode()


# ---------------------------------------------------------------- how many


def test_forty_files_in_one_preview_are_refused_and_nothing_is_stored(
    client, resident, make_hearing
):
    hearing = make_hearing()
    client.force_login(resident)
    files = [upload(f"{n}.png", small_png()) for n in range(40)]
    response = preview(client, hearing, files, body="Forty files and my words")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert "Add at most 10 attachments; you chose 40." in html
    assert "Forty files and my words" in html
    assert Attachment.objects.count() == 0


def test_files_kept_from_earlier_previews_count_toward_the_limit(client, resident, make_hearing):
    hearing = make_hearing()
    client.force_login(resident)
    preview(client, hearing, [upload(f"{n}.png", small_png()) for n in range(8)])
    tokens = list(Attachment.objects.values_list("token", flat=True))
    response = preview(
        client,
        hearing,
        [upload(f"more{n}.png", small_png()) for n in range(3)],
        attachment_tokens=",".join(tokens),
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "you chose 11" in response.content.decode()
    assert Attachment.objects.count() == 8


def test_a_person_cannot_pile_up_unsent_attachments(client, resident, make_hearing, settings):
    settings.MAX_UNSENT_UPLOADS = 3
    hearing = make_hearing()
    client.force_login(resident)
    first = preview(client, hearing, [upload("a.png", small_png()), upload("b.png", small_png())])
    assert first.status_code == HTTPStatus.OK
    # A fresh form (the previous preview left behind), two more files.
    again = preview(client, hearing, [upload("c.png", small_png()), upload("d.png", small_png())])
    assert again.status_code == HTTPStatus.BAD_REQUEST
    html = again.content.decode()
    assert "You have 2 attachments that are not sent yet, and the limit is 3." in html
    assert Attachment.objects.filter(uploaded_by=resident).count() == 2


def test_unsent_attachments_are_purged_by_the_scheduled_command_and_sent_ones_kept(
    client, resident, make_hearing, settings, django_capture_on_commit_callbacks
):
    settings.UNSENT_UPLOAD_HOURS = 24
    hearing = make_hearing()
    client.force_login(resident)
    preview(client, hearing, [upload("old.png", small_png()), upload("new.png", small_png())])
    preview(client, hearing, upload("sent.png", small_png()))
    old, new, sent = (
        Attachment.objects.get(original_name=n) for n in ("old.png", "new.png", "sent.png")
    )
    send(client, hearing, [sent.token])
    long_ago = timezone.now() - timedelta(hours=25)
    Attachment.objects.filter(pk__in=[old.pk, sent.pk]).update(created_at=long_ago)
    old_path = Path(old.file.path)
    assert old_path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_due_notifications", stdout=io.StringIO())
    assert set(Attachment.objects.values_list("original_name", flat=True)) == {
        "new.png",
        "sent.png",
    }
    assert not old_path.exists()
    assert Path(new.file.path).exists() and Path(sent.file.path).exists()


def test_sending_after_an_attachment_was_purged_says_so_and_keeps_the_text(
    client, resident, make_hearing
):
    hearing = make_hearing()
    client.force_login(resident)
    response = send(client, hearing, ["gone-token"])
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert "An attachment you added is no longer stored" in html
    assert "With attachments" in html
    assert not Submission.objects.exists()


def test_the_submit_operation_attaches_only_the_senders_own_unsent_files(
    resident, make_user, make_hearing
):
    from hearings import uploads

    hearing = make_hearing()
    other = make_user()
    theirs = uploads.do_store_upload(other, upload("theirs.png", small_png()))
    with pytest.raises(ContributionError):
        uploads.check_kept_tokens(resident, [theirs.token])
    submission, _ = do_submit(resident, hearing, "Text", attachment_tokens=[theirs.token])
    assert not submission.attachments.exists()
