"""Rapid response on the assembly's home page, and in the members' calendar feed."""

from django.utils.translation import gettext as _

from assembly.sections import Section

from . import queries
from .models import Report
from .permissions import Standing


def section(me):
    standing = Standing.of(me)
    return Section(
        template="response/_home_section.html",
        context={
            "standing": standing,
            "current": queries.current_reports(me.assembly_id),
            "callouts": queries.callouts(standing, open_only=True),
            "waiting": queries.waiting_count(me.assembly_id) if standing.can_verify else None,
        },
    )


def calendar_events(assembly):
    """Verified reports still shown as current, from when they were seen until they end."""
    for report in queries.current_reports(assembly.pk):
        if report.status != Report.Status.VERIFIED:
            continue
        title = _("Verified report: %(place)s") % {"place": report.place}
        yield (f"report-{report.pk}", report.seen_at, report.expires_at, title, report.place)
