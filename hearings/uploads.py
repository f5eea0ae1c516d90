"""Attachments: type decided by content, size limited, image metadata (GPS) stripped."""

import hashlib
import io
import secrets
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
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
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}
MAX_ATTACHMENTS = 10


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
    return kind.mime


def strip_image_metadata(data: bytes, mime: str) -> bytes:
    """Re-encode the pixels only: EXIF (GPS, camera, time) does not survive."""
    with Image.open(io.BytesIO(data)) as image:
        image = ImageOps.exif_transpose(image)
        clean = Image.frombytes(image.mode, image.size, image.tobytes())
        if image.mode == "P" and image.getpalette():
            clean.putpalette(image.getpalette())
    out = io.BytesIO()
    fmt = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "GIF"}
    clean.save(out, format=fmt[mime], **({"quality": 90} if mime == "image/jpeg" else {}))
    return out.getvalue()


def clean_image(name: str, data: bytes, mime: str) -> bytes:
    """The image without its metadata, or a message naming the file that is not an image."""
    try:
        return strip_image_metadata(data, mime)
    except Exception as exc:
        raise ContributionError(
            _("%(name)s could not be read as an image.") % {"name": name}
        ) from exc


def safe_file_name(name: str, default: str, max_length: int = 150) -> str:
    """The last path part of what the browser sent, reduced to characters safe on disk."""
    return get_valid_filename(PurePath(name).name)[:max_length] or default


def do_store_upload(user, uploaded) -> Attachment:
    mime = check_upload(uploaded)
    data = uploaded.read()
    if mime in IMAGE_TYPES:
        data = clean_image(uploaded.name, data, mime)
    safe_name = safe_file_name(uploaded.name, "vedlegg")
    token = secrets.token_urlsafe(24)
    attachment = Attachment(
        uploaded_by=user,
        token=token,
        original_name=uploaded.name[:255],
        content_type=mime,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    attachment.file.save(f"{token[:12]}-{safe_name}", ContentFile(data), save=False)
    attachment.save()
    return attachment
