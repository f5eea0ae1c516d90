from django.core.management.base import BaseCommand

from participation.accounts.privacy.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Delete what the privacy settings say is no longer kept: unconfirmed e-mail accounts, "
        "old notifications, old rejected posts. Safe to run again; run it daily."
    )

    def handle(self, *args, **options):
        result = apply_retention()
        self.stdout.write(
            f"Deleted {result.accounts} unconfirmed accounts, {result.notifications} "
            f"notifications, {result.rejected_posts} rejected posts."
        )
