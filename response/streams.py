"""Rapid response, live.

"assembly:<id>"        (assembly/streams.py) carries `report.verified`, `report.debunked`,
                       `report.updated` and `report.ended` to every member's open pages,
                       and every (re)subscription's snapshot carries the current alerts
                       (`alerts.snapshot`), so a page opened later or reconnecting shows
                       them too. Each alert carries its banner rendered once per language
                       when it was published; static/js/response.js shows the one in the
                       page's language.
"verify:<assembly_id>" the verifiers' queue: events say only that it changed; the queue
                       re-fetches through its permission-checked view (groups.js).
"callout:<id>"         a call-out's counts (coalesced snapshots), for all who may see it.
"callout:<id>:people"  who is on their way, for the sender and those who send call-outs.
A call-out itself reaches each summoned person through their own group ("user:<id>").
"""

import time

from django.conf import settings
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html_join

from assembly import live
from assembly.locale import zone_of

from .models import Callout, CalloutAnswer, Report, ReportEvent

# -- alerts on every page -------------------------------------------------------------


def render_everywhere(template, context):
    """A fragment rendered once in each language, for a broadcast the browser picks from."""
    out = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            out[code] = render_to_string(template, context)
    return out


def report_banner(report):
    url = reverse("report", args=[report.assembly.slug, report.pk])
    with timezone.override(zone_of(report.assembly)):  # "Mon 18:00" as the assembly reads it
        return render_everywhere("response/_alert.html", {"report": report, "url": url})


def alert(report):
    return {
        "id": report.alert_id,
        "kind": "debunked" if report.debunked_at else "verified",
        "expires": report.expires_at.isoformat(),
        "html": report.banner,
    }


def current_alerts(assembly_id):
    now = timezone.now()
    reports = Report.objects.filter(assembly_id=assembly_id, expires_at__gt=now).filter(
        Q(status=Report.Status.VERIFIED) | Q(debunked_at__isnull=False)
    )
    return [alert(report) for report in reports.order_by("-expires_at")[:10]]


def alerts_snapshot(grant):
    return [("alerts.snapshot", {"alerts": current_alerts(grant.assembly_id)})]


def callout_banner(callout):
    url = reverse("callout", args=[callout.assembly.slug, callout.pk])
    return render_everywhere("response/_callout_alert.html", {"callout": callout, "url": url})


# -- the verifiers' queue ---------------------------------------------------------------


def verify_stream(assembly_id):
    return f"verify:{assembly_id}"


def queue_version(assembly_id):
    """Grows with every change to the assembly's reports (events are never deleted)."""
    found = ReportEvent.objects.filter(report__assembly_id=assembly_id).aggregate(v=Max("pk"))
    return found["v"] or 0


def authorize_verify(user, ident, facet):
    from .permissions import Standing

    me = live.active_membership(user, ident)
    if facet is not None or me is None or not Standing.of(me).can_verify:
        return None
    return live.Grant(stream=verify_stream(ident), assembly_id=ident, membership_id=me.pk)


def snapshot_verify(grant):
    return [("queue.snapshot", {"version": queue_version(grant.assembly_id)})]


def queue_changed(assembly_id, report_id):
    live.publish(verify_stream(assembly_id), "queue.changed", {"report": report_id})


# -- call-outs ------------------------------------------------------------------------


def people_html(callout_id):
    names = (
        CalloutAnswer.objects.filter(callout_id=callout_id, answer=CalloutAnswer.Answer.ON_MY_WAY)
        .order_by("answered_at", "pk")
        .values_list("member__display_name", flat=True)
    )
    return format_html_join("", "<li>{}</li>", ((name,) for name in names))


def callout_events(callout_id):
    seq = time.time_ns()
    callout = Callout.objects.filter(pk=callout_id).first()
    if callout is None:
        return []
    counts = {"on_way": callout.on_way_count, "cant": callout.cant_count}
    data = {
        "seq": seq,
        **counts,
        "wanted": callout.wanted,
        "closed": not callout.is_open,
        "swap": {
            f"callout-{callout.pk}-on-way": str(counts["on_way"]),
            f"callout-{callout.pk}-cant": str(counts["cant"]),
        },
    }
    people = {"seq": seq, "swap": {f"callout-{callout.pk}-people": people_html(callout.pk)}}
    return [
        (callout.stream, "callout.tally", data),
        (f"{callout.stream}:people", "callout.people", people),
    ]


def authorize_callout(user, ident, facet):
    from .permissions import Standing

    if facet not in (None, "people"):
        return None
    callout = Callout.objects.filter(pk=ident).first()
    me = live.active_membership(user, callout.assembly_id) if callout else None
    if me is None:
        return None
    standing = Standing.of(me)
    if not standing.may_see_callout(callout):
        return None
    if facet == "people" and not standing.may_see_who(callout):
        return None
    stream = callout.stream + (f":{facet}" if facet else "")
    return live.Grant(stream=stream, assembly_id=callout.assembly_id, membership_id=me.pk)


def snapshot_callout(grant):
    ident = int(grant.stream.split(":")[1])
    return [(kind, data) for stream, kind, data in callout_events(ident) if stream == grant.stream]


def callout_changed(callout):
    live.publish_snapshot(callout.stream, lambda: callout_events(callout.pk))


live.register(live.StreamKind(name="verify", authorize=authorize_verify, snapshot=snapshot_verify))
live.register(
    live.StreamKind(name="callout", authorize=authorize_callout, snapshot=snapshot_callout)
)
