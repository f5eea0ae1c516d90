"""Loads the demo municipality. Idempotent: run it any number of times."""

import os

from django.core.management.base import BaseCommand
from django.db import transaction

from participation import demo


class Command(BaseCommand):
    help = "Create the demo municipality: pages, a plan with an open hearing, ideas, areas, users."

    def handle(self, *args, **options):
        with transaction.atomic():
            logins = demo.load()
        # Where `make run` serves it: the Makefile passes its HOST and PORT on.
        host = os.environ.get("HOST") or "127.0.0.1"
        # Listening on every interface: this machine is one of them.
        if host in ("0.0.0.0", "::", "[::]"):  # noqa: S104
            host = "127.0.0.1"
        port = os.environ.get("PORT") or "8000"
        base = f"http://{host}:{port}"
        self.stdout.write(self.style.SUCCESS(f"Demo municipality ready at {base}/"))
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for role, email in logins:
            self.stdout.write(f"  {role:<22} {email}")
        self.stdout.write(f"Staff log in to the CMS at {base}/admin/")
