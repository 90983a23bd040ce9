"""Reads for meeting pages and streams. `access_*` fetch and authorise in one step."""

import hmac

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from assembly.models import AuditEntry, Membership
from assembly.queries import access_assembly

from . import actions
from .models import AgendaItem, Attendance, Hand, Meeting, MeetingPoll, Proxy, Sanction

QUEUE_SHOWN = 12


def access_meeting(user, slug, pk, *, run=False):
    """(membership, meeting). Not a member, or removed from this meeting: 404. A member
    who may not run it, when `run`: 403."""
    me = access_assembly(user, slug)
    meeting = (
        Meeting.objects.select_related("assembly", "note_taker", "current_item")
        .filter(assembly=me.assembly, pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404
    if actions.is_sanctioned(meeting, me, Sanction.Kind.REMOVE):
        raise Http404
    if run and not actions.can_run(me, meeting):
        raise PermissionDenied
    return me, meeting


def access_item(meeting, pk):
    item = AgendaItem.objects.filter(meeting=meeting, pk=pk).select_related("meeting").first()
    if item is None:
        raise Http404
    item.meeting = meeting
    return item


def access_hand(meeting, pk):
    hand = (
        Hand.objects.filter(item__meeting=meeting, pk=pk).select_related("item", "member").first()
    )
    if hand is None:
        raise Http404
    hand.item.meeting = meeting
    return hand


def access_link(meeting, pk):
    link = MeetingPoll.objects.filter(meeting=meeting, pk=pk).select_related("poll").first()
    if link is None:
        raise Http404
    link.meeting = meeting
    return link


def projector_meeting(pk, token):
    """The meeting whose projector address this is, or 404 (a wrong token looks the same)."""
    meeting = Meeting.objects.select_related("assembly", "current_item").filter(pk=pk).first()
    if meeting is None or not token or meeting.state == Meeting.State.ENDED:
        raise Http404  # the projector's address ends with its meeting
    if not hmac.compare_digest(meeting.projector_token.encode(), str(token).encode()):
        raise Http404
    return meeting


def upcoming(assembly, limit=5):
    since = timezone.now() - timezone.timedelta(hours=12)
    return Meeting.objects.filter(
        Q(state=Meeting.State.RUNNING) | Q(state=Meeting.State.SCHEDULED, starts_at__gte=since),
        assembly=assembly,
    ).order_by("starts_at")[:limit]


def meetings(assembly):
    return Meeting.objects.filter(assembly=assembly).order_by("-starts_at")


def active_members(assembly):
    return Membership.objects.filter(assembly=assembly, status=Membership.Status.ACTIVE)


def attendance_counts(meeting):
    present = Attendance.objects.filter(
        meeting=meeting, present=True, member__status=Membership.Status.ACTIVE
    ).count()
    active = active_members(meeting.assembly).count()
    unregistered = meeting.unregistered_present
    return {
        "members": present,
        "unregistered": unregistered,
        "total": present + unregistered,
        "quorum": meeting.assembly.quorum_for(active),
        "active": active,
        "reached": present >= meeting.assembly.quorum_for(active),
    }


def present_members(meeting):
    return active_members(meeting.assembly).filter(
        pk__in=Attendance.objects.filter(meeting=meeting, present=True).values("member_id")
    )


def attendance_list(meeting, *, everyone=True):
    """Active members with whether they are present, for those running the meeting:
    everyone when they may see the member list, otherwise only those present (the people
    in the room with them)."""
    rows = {
        a.member_id: a
        for a in Attendance.objects.filter(meeting=meeting).select_related("marked_by")
    }
    people = []
    members = active_members(meeting.assembly) if everyone else present_members(meeting)
    for member in members.order_by("display_name"):
        row = rows.get(member.pk)
        people.append({"member": member, "present": bool(row and row.present), "row": row})
    return people


def _timing(items, now):
    """Planned against actual seconds for the agenda, and how far behind it runs."""
    behind = 0
    for item in items:
        item.planned_seconds = item.planned_minutes * 60
        item.spent_seconds = 0
        if item.started_at:
            end = item.ended_at or now
            item.spent_seconds = max(0, int((end - item.started_at).total_seconds()))
        item.spent_minutes = round(item.spent_seconds / 60)
        if item.state == AgendaItem.State.DONE or (
            item.state == AgendaItem.State.SKIPPED and item.started_at
        ):
            behind += item.spent_seconds - item.planned_seconds
        elif item.state == AgendaItem.State.CURRENT:
            behind += max(0, item.spent_seconds - item.planned_seconds)
    return behind


def _ms(moment):
    return int(moment.timestamp() * 1000) if moment else None


def clock(milliseconds):
    """m:ss for a countdown; negative (time over) is shown as -m:ss."""
    seconds = int(round(milliseconds / 1000))
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    return f"{sign}{seconds // 60}:{seconds % 60:02d}"


def live_state(meeting):
    """Everything the meeting's shared screens show: public to its members and the room.

    A handful of queries however many people watch; the streams render it once per
    language for each broadcast.
    """
    now = timezone.now()
    items = list(meeting.items.select_related("proposal").order_by("position", "pk"))
    current = next((i for i in items if i.pk == meeting.current_item_id), None)
    behind = _timing(items, now)
    speaker = None
    queue = []
    speaker_ends = item_ends = None
    if current is not None:
        if current.current_hand_id:
            speaker = Hand.objects.select_related("member").filter(pk=current.current_hand_id)
            speaker = speaker.first()
        if speaker is not None and current.speaker_seconds and current.speaker_started_at:
            speaker_ends = _ms(current.speaker_started_at) + current.speaker_seconds * 1000
        if current.started_at:
            item_ends = _ms(current.started_at) + current.planned_minutes * 60000
        queue = actions.ordered_hands(current)
    links = list(
        MeetingPoll.objects.filter(meeting=meeting)
        .select_related("poll")
        .annotate(participants=Count("poll__participations"))
        .order_by("-pk")
    )
    open_votes = [link for link in links if link.poll.state == "open"]
    extra = (
        meeting.unregistered_present
        if actions.settings_for(meeting.assembly).count_unregistered
        else 0
    )
    for link in open_votes:
        link.entitled_now = link.poll.electorate_size + extra
    published = next((link for link in links if link.published), None)
    result_labels = {}
    if published is not None:
        from decisions.actions import answers

        result_labels = dict(answers(published.poll))
    now_ms = _ms(now)
    return {
        "meeting": meeting,
        "items": items,
        "behind_minutes": round(behind / 60),
        "speaker_left": clock(speaker_ends - now_ms) if speaker_ends else "",
        "speaker_over": bool(speaker_ends and speaker_ends <= now_ms),
        "item_left": clock(item_ends - now_ms) if item_ends else "",
        "item_over": bool(item_ends and item_ends <= now_ms),
        "current": current,
        "behind_seconds": behind,
        "speaker": speaker,
        "speaker_started": _ms(current.speaker_started_at) if current else None,
        "speaker_ends": speaker_ends,
        "item_started": _ms(current.started_at) if current else None,
        "item_ends": item_ends,
        "queue": queue[:QUEUE_SHOWN],
        "queue_total": len(queue),
        "attendance": attendance_counts(meeting),
        "open_votes": open_votes,
        "published": published,
        "result_labels": result_labels,
        "now_ms": now_ms,
    }


def my_state(meeting, me):
    """What the member page shows of the person themself."""
    current = meeting.current_item
    my_hand = None
    if current is not None:
        my_hand = Hand.objects.filter(item=current, member=me, state=Hand.State.WAITING).first()
    return {
        "checked_in": Attendance.objects.filter(meeting=meeting, member=me, present=True).exists(),
        "my_hand": my_hand,
        "muted": actions.is_sanctioned(meeting, me, Sanction.Kind.MUTE),
        "my_proxy": Proxy.objects.filter(meeting=meeting, delegator=me)
        .select_related("delegate")
        .first(),
        "held_proxies": list(
            Proxy.objects.filter(meeting=meeting, delegate=me).select_related("delegator")
        ),
    }


def waiting_count(item_id):
    """Hands still raised on an item."""
    return Hand.objects.filter(item_id=item_id, state=Hand.State.WAITING).count()


def moderation_log(meeting):
    verbs = ["meeting.muted", "meeting.removed", "comment.hidden", "member.suspended"]
    return (
        AuditEntry.objects.filter(assembly=meeting.assembly, verb__in=verbs)
        .filter(Q(detail__meeting=meeting.pk) | Q(created_at__gte=meeting.started_at or now()))
        .select_related("actor", "target")[:100]
    )


def now():
    return timezone.now()


def minutes(meeting):
    """Everything the minutes gather: per item notes, speakers and votes; attendance."""
    items = list(meeting.items.select_related("proposal", "group").order_by("position", "pk"))
    _timing(items, meeting.ended_at or timezone.now())
    spoke = (
        Hand.objects.filter(item__meeting=meeting, state=Hand.State.SPOKE)
        .select_related("member")
        .order_by("called_at", "pk")
    )
    speakers = {}
    for hand in spoke:
        speakers.setdefault(hand.item_id, []).append(hand)
    links = MeetingPoll.objects.filter(meeting=meeting).select_related("poll", "poll__proposal")
    from decisions.actions import answers

    votes = {}
    for link in links:
        link.labels = dict(answers(link.poll))
        votes.setdefault(link.item_id, []).append(link)
    for item in items:
        item.speaker_list = speakers.get(item.pk, [])
        item.vote_list = votes.get(item.pk, [])
    present = Attendance.objects.filter(meeting=meeting, present=True).count()
    decisions = [
        link
        for item_votes in votes.values()
        for link in item_votes
        if link.poll.proposal_id and link.poll.outcome == "passed"
    ]
    return {
        "items": items,
        "present": present,
        "unregistered": meeting.unregistered_present,
        "decisions": decisions,
        "loose_votes": votes.get(None, []),
    }
