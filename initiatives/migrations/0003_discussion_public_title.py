"""Each initiative's discussion is titled with the initiative's public (redacted) title: readers
see it on the report page and in reply mails."""

from django.db import migrations


def use_public_title(apps, schema_editor):
    Initiative = apps.get_model("initiatives", "Initiative")
    Discussion = apps.get_model("contributions", "Discussion")
    for pk, title in Initiative.objects.exclude(public_title="").values_list(
        "discussion_id", "public_title"
    ):
        Discussion.objects.filter(pk=pk).update(title=" ".join(title.split()))


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0003_initiative_kind"),
        ("initiatives", "0002_signature_identity_cleared_when_anonymised"),
    ]

    operations = [
        migrations.RunPython(use_public_title, migrations.RunPython.noop, elidable=True),
    ]
