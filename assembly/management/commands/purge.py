"""Delete what the privacy settings say is no longer kept, and expired sessions.

`manage.py send_notifications` (the timer) runs the same purge on every pass; this
command runs it alone, e.g. from its own daily timer.
"""

from django.core.management.base import BaseCommand

from assembly import privacy


class Command(BaseCommand):
    help = "Purge records past each assembly's retention, and expired login sessions."

    def handle(self, *args, **options):
        counts = privacy.run_timer()
        self.stdout.write(", ".join(f"{kind}: {n}" for kind, n in sorted(counts.items())))
