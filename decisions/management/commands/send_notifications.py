"""Generate time-based notifications and send pending email, outside any request; purge
what the privacy settings no longer keep and expired login sessions (assembly/privacy.py).

Run it from a timer (cron or a systemd timer) every few minutes, or with --loop as a
small worker. Mail that fails stays queued and is retried on the next run.
"""

import logging
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from assembly import privacy
from decisions import notify
from decisions.actions import close_due_polls

log = logging.getLogger(__name__)


def _run(job):
    """One app's timed work; a failure is logged and the next round tries again."""
    try:
        return job(timezone.now())
    except Exception:
        log.exception("timer job %s failed", getattr(job, "__qualname__", job))
        return f"{getattr(job, '__qualname__', job)} failed (see the log)"


class Command(BaseCommand):
    help = (
        "Close due votes, create reminders, run the other apps' timed work (reminders, "
        "retention purges), and send pending notification email."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, help="repeat every N seconds")

    def handle(self, *args, **options):
        while True:
            closed = close_due_polls()
            created = notify.due_reminders()
            others = [_run(job) for job in notify.TIMER_JOBS]
            sent, failed = notify.send_pending()
            purged = sum(privacy.run_timer().values())
            self.stdout.write(
                f"closed {len(closed)} votes, {created} reminders, sent {sent}, failed {failed}, "
                f"purged {purged}"
            )
            for line in others:
                self.stdout.write(line)
            if not options["loop"]:
                return
            time.sleep(options["loop"])
