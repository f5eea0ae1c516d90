"""Files residents send: type decided by content, size and pixels limited, image metadata (GPS)
stripped, stored under a name of our own, and served only as the type we detected.

A stored file never keeps the name or extension the browser sent: that name lives in the
database (`original_name`) for display, and the file on disk is `<random>.<extension of the
detected type>`. Every download goes through `file_response()`, which sends the detected type
(never HTML or SVG), `X-Content-Type-Options: nosniff` and a `Content-Disposition`.
"""

import hashlib
import io
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from hearings.models import Attachment
from participation.contributions.operations import ContributionError

# Detected MIME type -> what we call it. Office files are recognised by their content too.
ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WebP",
    "image/gif": "GIF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "application/vnd.oasis.opendocument.text": "OpenDocument",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument",
    "application/msword": "Word",
    "application/vnd.ms-excel": "Excel",
}
# The extension a stored file gets: that of the detected type, never the one sent.
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
}
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}
IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "GIF"}
MAX_ATTACHMENTS = 10
# Whatever a row says, a download is never sent as a type a browser would render as a page.
FALLBACK_CONTENT_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check: its name as sent, detected type and clean bytes."""

    name: str
    mime: str
    data: bytes


# ---------------------------------------------------------------- checks


def check_upload(uploaded) -> str:
    """Return the detected content type, or raise with a message naming the file."""
    name = uploaded.name
    if uploaded.size > settings.MAX_UPLOAD_BYTES:
        raise ContributionError(
            _("%(name)s is too large (%(size)s). The limit is %(limit)s per file.")
            % {
                "name": name,
                "size": filesizeformat(uploaded.size),
                "limit": filesizeformat(settings.MAX_UPLOAD_BYTES),
            }
        )
    uploaded.seek(0)
    kind = filetype.guess(uploaded.read(8192))
    uploaded.seek(0)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ContributionError(
            _(
                "%(name)s is not a file type we accept. Send PDF, images (JPEG, PNG) or "
                "Office documents."
            )
            % {"name": name}
        )
    if kind.mime in IMAGE_TYPES:
        check_image_pixels(uploaded)
    return kind.mime


def check_image_pixels(uploaded) -> None:
    """Refuse an image whose header promises more pixels than MAX_IMAGE_PIXELS.

    A few hundred kilobytes of PNG can decode to gigabytes: Image.open only reads the header,
    so the size is known before a single pixel is decoded.
    """
    limit = settings.MAX_IMAGE_PIXELS
    uploaded.seek(0)
    try:
        with Image.open(uploaded) as image:
            width, height = image.size
    except Image.DecompressionBombError:
        width = height = None
    except Exception as exc:
        raise ContributionError(
            _("%(name)s could not be read as an image.") % {"name": uploaded.name}
        ) from exc
    finally:
        uploaded.seek(0)
    if width is None or width * height > limit:
        raise ContributionError(
            _(
                "%(name)s has too many pixels to be read. The limit is %(limit)s megapixels: "
                "make the image smaller and add it again."
            )
            % {"name": uploaded.name, "limit": f"{limit / 1_000_000:g}"}
        )


def strip_image_metadata(data: bytes, mime: str) -> bytes:
    """Re-encode the pixels only: EXIF (GPS, camera, time), comments and any trailing bytes
    (a polyglot's HTML) do not survive."""
    with Image.open(io.BytesIO(data)) as image:
        if image.width * image.height > settings.MAX_IMAGE_PIXELS:
            raise ValueError("too many pixels")
        image = ImageOps.exif_transpose(image)
        clean = Image.frombytes(image.mode, image.size, image.tobytes())
        if image.mode == "P" and image.getpalette():
            clean.putpalette(image.getpalette())
    out = io.BytesIO()
    clean.save(out, format=IMAGE_FORMATS[mime], **({"quality": 90} if mime == "image/jpeg" else {}))
    return out.getvalue()


def clean_image(name: str, data: bytes, mime: str) -> bytes:
    """The image without its metadata, or a message naming the file that is not an image."""
    try:
        return strip_image_metadata(data, mime)
    except Exception as exc:
        raise ContributionError(
            _("%(name)s could not be read as an image.") % {"name": name}
        ) from exc


def check_file(uploaded) -> CheckedUpload:
    """Type, size and pixels checked; images re-encoded without metadata."""
    mime = check_upload(uploaded)
    data = uploaded.read()
    if mime in IMAGE_TYPES:
        data = clean_image(uploaded.name, data, mime)
    return CheckedUpload(name=uploaded.name, mime=mime, data=data)


def unsent_uploads(user):
    """Attachments the person uploaded for a preview and has not sent (yet)."""
    return Attachment.objects.filter(uploaded_by=user, submission__isnull=True)


def check_kept_tokens(user, tokens) -> list[str]:
    """The attachments a preview carried, all still stored; a clear message if one is gone."""
    tokens = list(dict.fromkeys(tokens))
    if len(tokens) > MAX_ATTACHMENTS:
        raise_too_many(len(tokens))
    found = set(unsent_uploads(user).filter(token__in=tokens).values_list("token", flat=True))
    if len(found) < len(tokens):
        raise ContributionError(
            _(
                "An attachment you added is no longer stored: attachments that are not sent "
                "are deleted after %(hours)s hours. Add it again."
            )
            % {"hours": settings.UNSENT_UPLOAD_HOURS}
        )
    return tokens


def raise_too_many(count: int) -> None:
    raise ContributionError(
        _("Add at most %(limit)s attachments; you chose %(count)s. Remove some and try again.")
        % {"limit": MAX_ATTACHMENTS, "count": count}
    )


def check_attachments(user, uploads, *, kept: int = 0) -> list[CheckedUpload]:
    """Every new file of one preview checked before any is stored: at most MAX_ATTACHMENTS in
    all, at most MAX_UNSENT_UPLOADS waiting unsent per person."""
    uploads = list(uploads)
    if not uploads:
        return []
    if kept + len(uploads) > MAX_ATTACHMENTS:
        raise_too_many(kept + len(uploads))
    waiting = unsent_uploads(user).count()
    if waiting + len(uploads) > settings.MAX_UNSENT_UPLOADS:
        raise ContributionError(
            _(
                "You have %(count)s attachments that are not sent yet, and the limit is "
                "%(limit)s. Send the submission you are writing, or wait %(hours)s hours until "
                "unsent attachments are deleted."
            )
            % {
                "count": waiting,
                "limit": settings.MAX_UNSENT_UPLOADS,
                "hours": settings.UNSENT_UPLOAD_HOURS,
            }
        )
    return [check_file(upload) for upload in uploads]


# ---------------------------------------------------------------- names


def stored_name(mime: str) -> str:
    """A file name of our own: random, with the extension of the detected type."""
    return f"{secrets.token_urlsafe(18)}.{EXTENSIONS[mime]}"


def download_name(original_name: str, mime: str) -> str:
    """The sender's name for the file, ending in the extension of its detected type, so a saved
    copy opens as what it is (x.html that is a PNG is offered as x.png)."""
    stem = PurePath(get_valid_filename(PurePath(original_name).name) or "fil").stem or "fil"
    return f"{stem[:150]}.{EXTENSIONS.get(mime, 'bin')}"


def safe_file_name(name: str, default: str, max_length: int = 150) -> str:
    """The last path part of what the browser sent, reduced to characters safe on disk."""
    return get_valid_filename(PurePath(name).name)[:max_length] or default


def safe_content_type(mime: str) -> str:
    return mime if mime in ALLOWED_TYPES else FALLBACK_CONTENT_TYPE


def file_response(
    file, *, original_name: str, content_type: str, inline: bool = False, public: bool = False
) -> FileResponse:
    """A stored file as a download: only the detected type, never sniffed, never a page.

    `public` files (photos of published ideas) may be kept by the reader's browser for a while;
    nothing is kept by shared caches, so a photo hidden later is gone for everyone else.
    """
    mime = safe_content_type(content_type)
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=not (inline and mime in IMAGE_TYPES),
        filename=download_name(original_name, mime),
        content_type=mime,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600" if public else "private, no-store"
    return response


# ---------------------------------------------------------------- storing and purging


def do_store_attachments(user, checked: list[CheckedUpload]) -> list[Attachment]:
    """Store checked files as unsent attachments of `user` (attached when the submission is
    sent)."""
    stored = []
    for item in checked:
        attachment = Attachment(
            uploaded_by=user,
            token=secrets.token_urlsafe(24),
            original_name=item.name[:255],
            content_type=item.mime,
            size=len(item.data),
            sha256=hashlib.sha256(item.data).hexdigest(),
        )
        attachment.file.save(stored_name(item.mime), ContentFile(item.data), save=False)
        attachment.save()
        stored.append(attachment)
    return stored


def do_store_upload(user, uploaded) -> Attachment:
    """One file, checked and stored (the per-preview limits are the caller's)."""
    return do_store_attachments(user, [check_file(uploaded)])[0]


def do_purge_unsent_uploads(now=None) -> int:
    """Delete attachments uploaded for a preview and never sent, older than
    UNSENT_UPLOAD_HOURS. Safe to run again and beside another run."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.UNSENT_UPLOAD_HOURS)
    with transaction.atomic():
        abandoned = list(
            Attachment.objects.filter(submission__isnull=True, created_at__lt=cutoff)
            .select_for_update(skip_locked=True)
            .only("pk", "file")
        )
        files = [a.file for a in abandoned]
        Attachment.objects.filter(pk__in=[a.pk for a in abandoned]).delete()
        transaction.on_commit(lambda: [f.delete(save=False) for f in files if f])
    return len(abandoned)
