from django.core.management.base import BaseCommand

from initiatives.operations import do_close_expired


class Command(BaseCommand):
    help = "Close citizen initiatives whose collection period is over (run daily)."

    def handle(self, *args, **options):
        closed = do_close_expired()
        self.stdout.write(f"Closed {closed} initiative(s).")
