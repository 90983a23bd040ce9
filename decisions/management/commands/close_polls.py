from django.core.management.base import BaseCommand

from decisions.actions import close_due_polls


class Command(BaseCommand):
    help = "Close every vote whose closing time has passed (run from a timer every minute)."

    def handle(self, *args, **options):
        for poll in close_due_polls():
            self.stdout.write(f"closed poll {poll.pk}: {poll.outcome}")
