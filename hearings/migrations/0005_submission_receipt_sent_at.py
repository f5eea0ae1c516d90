from django.db import migrations, models
from django.utils import timezone


def mark_existing_sent(apps, schema_editor):
    # Submissions made before this field had their receipt queued on commit; a retry of one
    # of them must not mail it again (the time it was sent is not known; now is a bound).
    Submission = apps.get_model("hearings", "Submission")
    Submission.objects.filter(receipt_sent_at__isnull=True).update(receipt_sent_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("hearings", "0004_hearing_topics"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="receipt_sent_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(mark_existing_sent, migrations.RunPython.noop),
    ]
