"""Register an app that may post through Open311 and print its api_key (shown only now).

manage.py open311_client "Bymelding" --account bymelding@kommune.no
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from ideabank.operations import do_create_open311_client
from participation.accounts.models import User


class Command(BaseCommand):
    help = "Create an Open311 client and print its api_key."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument(
            "--account", required=True, help="E-mail of the account the client's posts are made as."
        )

    def handle(self, *args, name, account, **options):
        user = User.objects.filter(email__iexact=account).first()
        if user is None:
            raise CommandError(f"No account with the e-mail address {account}")
        client, key = do_create_open311_client(name, user)
        # What the app's makers need besides the key: where the API describes itself.
        self.stdout.write(f"Discovery: {settings.SITE_URL}{reverse('open311:discovery')}")
        self.stdout.write(
            f"Open311 client {client.name} (id {client.pk}). Its api_key, shown once:"
        )
        self.stdout.write(key)
