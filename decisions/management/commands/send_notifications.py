"""Generate time-based notifications and send pending email, outside any request; purge
what the privacy settings no longer keep and expired login sessions (assembly/privacy.py).

Run it from a timer (cron or a systemd timer) every few minutes, or with --loop as a
small worker. Mail that fails stays queued and is retried on the next run.
"""

import time

from django.core.management.base import BaseCommand

from assembly import privacy
from decisions import notify
from decisions.actions import close_due_polls


class Command(BaseCommand):
    help = "Close due votes, create reminders, and send pending notification email."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, help="repeat every N seconds")

    def handle(self, *args, **options):
        while True:
            closed = close_due_polls()
            created = notify.due_reminders()
            sent, failed = notify.send_pending()
            purged = sum(privacy.run_timer().values())
            self.stdout.write(
                f"closed {len(closed)} votes, {created} reminders, sent {sent}, failed {failed}, "
                f"purged {purged}"
            )
            if not options["loop"]:
                return
            time.sleep(options["loop"])
