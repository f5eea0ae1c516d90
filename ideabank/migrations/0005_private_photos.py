"""Idea photos move out of MEDIA_ROOT into private storage, under names of our own.

Each file is copied to PRIVATE_MEDIA_ROOT/ideas/<idea>/<random>.<extension of its detected
type> and the old public file is deleted, so a photo sent as x.html (or of an idea still
awaiting moderation) is no longer reachable as a media URL. Rows whose file is missing are left
as they are (the photo view answers 404 for them).
"""

import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import migrations, models

import hearings.models
import ideabank.models

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}


def move_to_private_storage(apps, schema_editor):
    IdeaPhoto = apps.get_model("ideabank", "IdeaPhoto")
    public = FileSystemStorage(location=settings.MEDIA_ROOT)
    private = hearings.models.private_storage()
    for photo in IdeaPhoto.objects.exclude(file="").iterator():
        old = photo.file.name
        if not public.exists(old):
            continue
        extension = EXTENSIONS.get(photo.content_type, "bin")
        name = f"ideas/{photo.idea_id}/{secrets.token_urlsafe(18)}.{extension}"
        with public.open(old, "rb") as source:
            name = private.save(name, source)
        IdeaPhoto.objects.filter(pk=photo.pk).update(file=name)
        public.delete(old)


class Migration(migrations.Migration):
    dependencies = [
        ("ideabank", "0004_support_user_nullable"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ideaphoto",
            name="file",
            field=models.FileField(
                max_length=255,
                storage=hearings.models.private_storage,
                upload_to=ideabank.models.idea_photo_path,
            ),
        ),
        # Not reversible in place: the public copies are gone on purpose.
        migrations.RunPython(move_to_private_storage, migrations.RunPython.noop),
    ]
