"""Loads the demo municipality. Idempotent: run it any number of times."""

from django.core.management.base import BaseCommand
from django.db import transaction

from participation import demo


class Command(BaseCommand):
    help = "Create the demo municipality: pages, a plan with an open hearing, ideas, areas, users."

    def handle(self, *args, **options):
        with transaction.atomic():
            logins = demo.load()
        self.stdout.write(self.style.SUCCESS("Demo municipality ready at http://127.0.0.1:8000/"))
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for role, email in logins:
            self.stdout.write(f"  {role:<22} {email}")
        self.stdout.write("Staff log in to the CMS at http://127.0.0.1:8000/admin/")
