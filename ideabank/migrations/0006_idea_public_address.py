"""The idea's place as the public sees it (personal data redacted), filled for existing ideas.

Also the title of each idea's own discussion, which readers see on the report page and in reply
mails: it becomes the idea's public (redacted) title.
"""

from django.db import migrations, models


def fill_public_address(apps, schema_editor):
    from participation.text.redact import redact_personal_data

    Idea = apps.get_model("ideabank", "Idea")
    Discussion = apps.get_model("contributions", "Discussion")
    for idea in Idea.objects.only("pk", "address", "public_title", "comments_discussion_id"):
        public = " ".join(redact_personal_data(idea.address).text.split())[:255]
        if public:
            Idea.objects.filter(pk=idea.pk).update(public_address=public)
        if idea.public_title:
            Discussion.objects.filter(pk=idea.comments_discussion_id).update(
                title=" ".join(idea.public_title.split())
            )


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0003_initiative_kind"),
        ("ideabank", "0005_private_photos"),
    ]

    operations = [
        migrations.AddField(
            model_name="idea",
            name="public_address",
            field=models.CharField(blank=True, max_length=255, verbose_name="published place"),
        ),
        migrations.RunPython(fill_public_address, migrations.RunPython.noop, elidable=True),
    ]
