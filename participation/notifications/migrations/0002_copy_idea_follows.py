"""Idea follows move from ideabank.IdeaFollow to the general Follow."""

from django.db import migrations


def copy_idea_follows(apps, schema_editor):
    IdeaFollow = apps.get_model("ideabank", "IdeaFollow")
    Follow = apps.get_model("notifications", "Follow")
    Follow.objects.bulk_create(
        [
            Follow(user_id=row.user_id, idea_id=row.idea_id, created_at=row.created_at)
            for row in IdeaFollow.objects.all().iterator()
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


def copy_back(apps, schema_editor):
    IdeaFollow = apps.get_model("ideabank", "IdeaFollow")
    Follow = apps.get_model("notifications", "Follow")
    IdeaFollow.objects.bulk_create(
        [
            IdeaFollow(user_id=row.user_id, idea_id=row.idea_id)
            for row in Follow.objects.filter(idea__isnull=False).iterator()
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("ideabank", "0002_merged_into_unindexed"),
    ]

    operations = [migrations.RunPython(copy_idea_follows, copy_back)]
