"""The timer: every app's timed work (closing votes whose time has passed, reminders,
ending forgotten call-outs, ...), then pending notification email, then what the privacy
settings no longer keep and expired login sessions (assembly/privacy.py).

Run it from a timer (cron or a systemd timer) every few minutes, or with --loop as a
small worker. Mail that fails stays queued and is retried on the next run.
"""

import time

from django.core.management.base import BaseCommand

from assembly import notifications, privacy


class Command(BaseCommand):
    help = (
        "Run each app's timed work (closing due votes, reminders, retention purges), send "
        "pending notification email, and purge what is no longer kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, help="repeat every N seconds")

    def handle(self, *args, **options):
        while True:
            lines = notifications.run_timer_jobs()
            sent, failed = notifications.send_pending()
            purged = sum(privacy.run_timer().values())
            for line in lines:
                self.stdout.write(line)
            self.stdout.write(f"email: sent {sent}, failed {failed}; purged {purged}")
            if not options["loop"]:
                return
            time.sleep(options["loop"])
