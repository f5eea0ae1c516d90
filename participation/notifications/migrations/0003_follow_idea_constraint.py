"""The one-follow-per-idea constraint, added once ideabank's old IdeaFollow is gone: its own
constraint had the same name, and PostgreSQL names constraints per schema, not per table."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_copy_idea_follows"),
        ("ideabank", "0003_delete_ideafollow"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="follow",
            constraint=models.UniqueConstraint(
                condition=models.Q(("idea__isnull", False)),
                fields=("user", "idea"),
                name="one_follow_per_idea",
            ),
        ),
    ]
