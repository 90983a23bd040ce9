"""Thin views for the decisions log, its follow-through, exports and the calendar feed.
(Proposals and votes are in views.py.)"""

import contextlib
import hashlib
import io
import json
import secrets
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assembly import csvsafe, locale, parsing
from assembly.errors import ActionError, NotAllowed
from assembly.queries import access_assembly, pickable_members, picked_member
from assembly.roles import Perm

from . import queries, record
from .models import (
    ActionItem,
    CalendarFeed,
    Decision,
    Poll,
)


def _entries(assembly):
    return (
        Decision.objects.filter(assembly=assembly)
        .select_related("supersedes", "proposal")
        .prefetch_related("superseded_by", "actions")
    )


def _filtered(request, assembly):
    qs = _entries(assembly).order_by("-sequence")
    words = request.GET.get("q", "").strip()[:200]
    if words:
        for word in words.split()[:10]:
            qs = qs.filter(Q(title__icontains=word) | Q(text__icontains=word))
    group = parsing.id_or_none(request.GET.get("group"))
    if group:
        qs = qs.filter(actions__group_id=group).distinct()
    status = request.GET.get("status", "")
    if status == "overdue":
        qs = (
            qs.filter(actions__due__lt=timezone.localdate())
            .exclude(actions__status__in=ActionItem.CLOSED)
            .distinct()
        )
    elif status in ActionItem.Status.values:
        qs = qs.filter(actions__status=status).distinct()
    earliest, latest = parsing.date_window(timezone.localdate())
    for field, lookup in (("from", "decided_at__date__gte"), ("to", "decided_at__date__lte")):
        with contextlib.suppress(parsing.BadInput):  # an unreadable date filters nothing
            day = parsing.parse_date(request.GET.get(field), earliest=earliest, latest=latest)
            qs = qs.filter(**{lookup: day})
    return qs


@require_GET
def log(request, slug):
    me = access_assembly(request.user, slug)
    from groups.models import Group

    context = {
        "me": me,
        "assembly": me.assembly,
        "entries": _filtered(request, me.assembly)[:200],
        "groups": Group.objects.filter(assembly=me.assembly).order_by("name"),
        "statuses": ActionItem.Status.choices,
        "query": request.GET,
        "live_streams": me.assembly.stream,
    }
    return render(request, "decisions/log.html", context)


def _entry(me, sequence):
    entry = _entries(me.assembly).filter(sequence=sequence).first()
    if entry is None:
        raise Http404
    return entry


@require_GET
def decision(request, slug, sequence):
    me = access_assembly(request.user, slug)
    entry = _entry(me, sequence)
    items = list(entry.actions.select_related("group", "assignee").prefetch_related("updates__by"))
    for item in items:
        item.may_update = record.may_update(me, item)
    from groups.models import Group

    return render(
        request,
        "decisions/decision.html",
        {"me": me, "assembly": me.assembly, "entry": entry, "items": items,
         "statuses": ActionItem.Status.choices, "kinds": Decision.Kind.choices,
         "groups": Group.objects.filter(assembly=me.assembly).order_by("name"),
         "members": pickable_members(me),
         "reasons": queries.ballot_reasons(entry.poll) if entry.poll_id else None,
         "poll": entry.poll,
         "live_streams": me.assembly.stream},
    )  # fmt: skip


def record_room(request, slug):
    me = access_assembly(request.user, slug, Perm.FACILITATE)
    values = {"title": "", "text": "", "how_reached": "", "counts": "", "meeting": ""}
    status = 200
    if request.method == "POST":
        values = {key: request.POST.get(key, "")[:20000] for key in values}
        try:
            counts = _parse_counts(values["counts"])
            entry = record.record_room_decision(
                me, title=values["title"], text=values["text"], how_reached=values["how_reached"],
                entered_counts=counts, meeting=values["meeting"],
                idempotency_key=request.POST.get("idempotency_key"),
            )  # fmt: skip
        except ActionError as exc:
            messages.error(request, exc.message)
            status = 400
        else:
            messages.success(request, _("The decision is in the log."))
            return redirect("decision", slug=slug, sequence=entry.sequence)
    return render(
        request, "decisions/record.html",
        {"me": me, "assembly": me.assembly, "values": values}, status=status,
    )  # fmt: skip


def _parse_counts(text):
    counts = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        key, sep, value = line.rpartition(":")
        if not sep:
            key, sep, value = line.rpartition("=")
        try:
            number = parsing.parse_int(value, low=0, high=100000) if sep else None
        except parsing.BadInput:
            number = None
        if number is None or not key.strip():
            raise ActionError(_("Write each count as “name: number”, one per line."))
        counts[key.strip()] = number
    return counts


@require_POST
def supersede(request, slug, sequence):
    me = access_assembly(request.user, slug, Perm.FACILITATE)
    entry = _entry(me, sequence)
    try:
        new = record.supersede(
            me, entry=entry, kind=request.POST.get("kind", ""),
            title=request.POST.get("title", ""), text=request.POST.get("text", "")[:50000],
            how_reached=request.POST.get("how_reached", ""),
            idempotency_key=request.POST.get("idempotency_key"),
        )  # fmt: skip
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("decision", slug=slug, sequence=sequence)
    return redirect("decision", slug=slug, sequence=new.sequence)


@require_POST
def add_action(request, slug, sequence):
    me = access_assembly(request.user, slug, Perm.FACILITATE)
    entry = _entry(me, sequence)
    from groups.models import Group

    group = assignee = due = None
    try:
        if request.POST.get("group"):
            group_id = parsing.id_or_none(request.POST["group"])
            group = Group.objects.filter(pk=group_id or 0, assembly=me.assembly).first()
            if group is None:
                raise ActionError(_("That working group is not in this assembly."))
        assignee = picked_member(me, request.POST, "assignee")
        if request.POST.get("due"):
            today = timezone.localdate()
            try:
                due = parsing.parse_date(
                    request.POST["due"], earliest=today - timedelta(days=3650),
                    latest=today + timedelta(days=3650),
                )  # fmt: skip
            except parsing.BadInput:
                raise ActionError(
                    _("Enter a date (year-month-day) within ten years of today.")
                ) from None
        record.add_action_item(
            me, decision=entry, what=request.POST.get("what", ""), group=group,
            assignee=assignee, due=due, idempotency_key=request.POST.get("idempotency_key"),
        )  # fmt: skip
    except ActionError as exc:
        messages.error(request, exc.message)
    return redirect("decision", slug=slug, sequence=sequence)


@require_POST
def update_action(request, slug, pk):
    me = access_assembly(request.user, slug)
    item = ActionItem.objects.filter(pk=pk, decision__assembly=me.assembly).first()
    if item is None:
        raise Http404
    try:
        record.update_action(
            me, item=item, status=request.POST.get("status", ""), note=request.POST.get("note", "")
        )
    except NotAllowed:
        raise PermissionDenied from None
    except ActionError as exc:
        messages.error(request, exc.message)
    target = request.POST.get("next", "")
    if target.startswith(f"/a/{slug}/") and "//" not in target:
        return redirect(target)
    return redirect("decision", slug=slug, sequence=item.decision.sequence)


# -- exports ---------------------------------------------------------------------------


@require_GET
def export_json(request, slug):
    me = access_assembly(request.user, slug)
    data = json.dumps(record.export(me.assembly), ensure_ascii=False, indent=1)
    return _download(data, "application/json", f"{slug}-decisions.json")


CSV_COLUMNS = [
    "sequence", "date", "kind", "title", "how_reached", "method", "outcome", "turnout",
    "electorate", "quorum_met", "supersedes", "meeting", "digest",
]  # fmt: skip


@require_GET
def export_csv(request, slug):
    me = access_assembly(request.user, slug)
    out = io.StringIO()
    writer = csvsafe.writer(out)  # no cell can run as a spreadsheet formula
    writer.writerow(CSV_COLUMNS)
    for d in _entries(me.assembly).order_by("sequence"):
        writer.writerow([
            d.sequence, d.decided_at.date().isoformat(), d.kind, d.title, d.how_reached,
            d.method, d.outcome, d.turnout if d.turnout is not None else "",
            d.electorate if d.electorate is not None else "",
            "" if d.quorum_met is None else ("yes" if d.quorum_met else "no"),
            d.supersedes.sequence if d.supersedes_id else "", d.meeting, d.digest,
        ])  # fmt: skip
    return _download(out.getvalue(), "text/csv", f"{slug}-decisions.csv")


@require_GET
def export_markdown(request, slug):
    me = access_assembly(request.user, slug)
    text = render_to_string(
        "decisions/log.md",
        {"assembly": me.assembly, "entries": _entries(me.assembly).order_by("sequence")},
    )
    return _download(text, "text/markdown", f"{slug}-decisions.md")


def _download(text, content_type, filename):
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# -- calendar --------------------------------------------------------------------------


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def calendar(request, slug):
    me = access_assembly(request.user, slug)
    link = None
    if request.method == "POST":
        if request.POST.get("operation") == "revoke":
            CalendarFeed.objects.filter(member=me).delete()
            messages.success(request, _("The calendar link no longer works."))
            return redirect("calendar", slug=slug)
        token = secrets.token_urlsafe(24)
        CalendarFeed.objects.update_or_create(member=me, defaults={"token_digest": _digest(token)})
        link = request.build_absolute_uri(reverse("calendar_feed", args=[token]))
    return render(
        request,
        "decisions/calendar.html",
        {"me": me, "assembly": me.assembly, "link": link,
         "has_feed": CalendarFeed.objects.filter(member=me).exists()},
    )  # fmt: skip


# Meetings register fn(assembly) -> [(uid, start, end_or_None, title, location)] here.
CALENDAR_SOURCES = []


@require_GET
def calendar_feed(request, token):
    import icalendar

    if not 10 <= len(token) <= 100:
        raise Http404
    feed = (
        CalendarFeed.objects.filter(token_digest=_digest(token))
        .select_related("member__assembly", "member__user")
        .first()
    )
    if feed is None or not feed.member.is_active:
        raise Http404
    assembly = feed.member.assembly
    # A calendar app does not log in: the member's own language, else as any page.
    locale.enter(assembly)
    if feed.member.user is not None and feed.member.user.language:
        translation.activate(feed.member.user.language)
    # Times in the assembly's own zone (TZID, with its VTIMEZONE), as its pages show them.
    zone = locale.zone_of(assembly)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Asamblea//decisions//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", assembly.name)
    cal.add("x-wr-timezone", str(zone))
    host = request.get_host().split(":")[0]

    def add(uid, start, end, summary, *, location="", url="", stamp=None):
        event = icalendar.Event()
        event.add("uid", f"{uid}@{host}")
        event.add("summary", summary)
        event.add("dtstart", start.astimezone(zone))
        if end is not None and end > start:  # an event never ends before it starts
            event.add("dtend", end.astimezone(zone))
        if location:
            event.add("location", location)
        if url:
            event.add("url", url)
        event.add("dtstamp", stamp or timezone.now())
        cal.add_component(event)

    polls = Poll.objects.filter(assembly=assembly, closes_at__isnull=False).order_by("-closes_at")
    for poll in polls[:200]:
        try:
            ends = poll.closes_at + timedelta(minutes=15)
        except OverflowError:  # stored before dates were bounded (assembly/parsing.py)
            continue
        add(
            f"poll-{poll.pk}",
            poll.closes_at,
            ends,
            _("Vote closes: %(question)s") % {"question": poll.question},
            url=request.build_absolute_uri(reverse("poll", args=[assembly.slug, poll.pk])),
            stamp=poll.opened_at,
        )
    for source in CALENDAR_SOURCES:
        for uid, start, end, title, location in source(assembly):
            add(uid, start, end, title, location=location)
    cal.add_missing_timezones()
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
