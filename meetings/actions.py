"""Every write about meetings: one function per thing a person does.

Each takes the acting Membership first, checks permission, validates, writes in one
transaction, records an audit entry where the act is a moderation or a record, and asks
for a coalesced live snapshot of the meeting on commit (streams.meeting_changed).
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from assembly import idempotency, live
from assembly.actions import audit, clean_name, require
from assembly.errors import ActionError, NotAllowed
from assembly.models import Membership
from assembly.roles import Perm
from assembly.text import render_markdown

from . import stack, streams
from .models import (
    AgendaItem,
    Attendance,
    Hand,
    Meeting,
    MeetingPoll,
    MeetingSettings,
    Proxy,
    Sanction,
    new_projector_token,
)

TITLE_MAX = 200
NOTES_MAX = 50000
REASON_MAX = 300
MAX_ITEMS = 100
MAX_PLANNED_MINUTES = 600
MAX_SPEAKER_SECONDS = 3600
MAX_UNREGISTERED = 100000


# -- who may do what -------------------------------------------------------------------


def settings_for(assembly):
    """The assembly's meeting settings, created with the defaults on first use."""
    found, _created = MeetingSettings.objects.get_or_create(assembly=assembly)
    return found


def can_run(actor, meeting):
    """Facilitators and stewards of the assembly, and the meeting's named facilitators."""
    if actor is None or not actor.is_active or actor.assembly_id != meeting.assembly_id:
        return False
    if actor.can(Perm.FACILITATE):
        return True
    return meeting.facilitators.filter(pk=actor.pk).exists()


def can_take_notes(actor, meeting):
    return can_run(actor, meeting) or (
        actor is not None and actor.is_active and meeting.note_taker_id == actor.pk
    )


def _require_run(actor, meeting):
    if not can_run(actor, meeting):
        raise NotAllowed(_("Only the meeting's facilitators can do that."))


def _require_member(actor, meeting):
    require(actor, Perm.VIEW)
    if actor.assembly_id != meeting.assembly_id:
        raise NotAllowed(_("Your role in this assembly does not allow that."))
    if is_sanctioned(meeting, actor, Sanction.Kind.REMOVE):
        raise NotAllowed(_("You were removed from this meeting."))


def is_sanctioned(meeting, member, kind):
    return Sanction.objects.filter(meeting=meeting, member=member, kind=kind).exists()


def _text(value, *, field, maximum, required=True):
    value = " ".join((value or "").split())
    if required and not value:
        raise ActionError(_("%(field)s cannot be empty.") % {"field": field})
    if len(value) > maximum:
        raise ActionError(
            _("%(field)s can be at most %(max)d characters.") % {"field": field, "max": maximum}
        )
    return value


def _reason(reason):
    return _text(reason, field=_("The reason"), maximum=REASON_MAX)


def _lock_meeting(meeting):
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _lock_item(item):
    return AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)


def _changed(meeting):
    streams.meeting_changed(meeting.pk)


def _own_member(actor, member_id):
    """A membership in the actor's assembly that is active, or a clear error."""
    member = Membership.objects.filter(
        pk=member_id, assembly_id=actor.assembly_id, status=Membership.Status.ACTIVE
    ).first()
    if member is None:
        raise ActionError(_("That person is not an active member of this assembly."))
    return member


# -- settings ----------------------------------------------------------------------------


def update_settings(actor, *, progressive, count_unregistered, proxies_allowed, max_proxies):
    require(actor, Perm.EDIT_ASSEMBLY)
    if progressive not in stack.PROGRESSIVE_MODES:
        raise ActionError(_("Choose how the progressive stack works."))
    if not isinstance(max_proxies, int) or not 1 <= max_proxies <= 20:
        raise ActionError(_("A member can hold from 1 to 20 proxies."))
    with transaction.atomic():
        found = settings_for(actor.assembly)
        found = MeetingSettings.objects.select_for_update().get(pk=found.pk)
        found.progressive = progressive
        found.count_unregistered = bool(count_unregistered)
        found.proxies_allowed = bool(proxies_allowed)
        found.max_proxies = max_proxies
        found.save()
        audit(
            actor,
            "meeting.settings_changed",
            progressive=progressive,
            count_unregistered=bool(count_unregistered),
            proxies_allowed=bool(proxies_allowed),
            max_proxies=max_proxies,
        )
    return found


# -- scheduling --------------------------------------------------------------------------


def _meeting_fields(actor, *, title, starts_at, place, call_link, facilitator_ids, note_taker_id):
    title = _text(title, field=_("The title"), maximum=TITLE_MAX)
    place = _text(place, field=_("The place"), maximum=200, required=False)
    call_link = (call_link or "").strip()
    if call_link and not call_link.startswith(("https://", "http://")):
        raise ActionError(_("A call link must start with https://."))
    if len(call_link) > 500:
        raise ActionError(_("That call link is too long."))
    if starts_at is None:
        raise ActionError(_("Choose when the meeting starts."))
    facilitators = [_own_member(actor, pk) for pk in dict.fromkeys(facilitator_ids or [])]
    note_taker = _own_member(actor, note_taker_id) if note_taker_id else None
    fields = {"title": title, "starts_at": starts_at, "place": place, "call_link": call_link}
    return fields, facilitators, note_taker


def schedule_meeting(
    actor, *, title, starts_at, place="", call_link="", facilitator_ids=(), note_taker_id=None,
    idempotency_key=None,
):  # fmt: skip
    require(actor, Perm.FACILITATE)
    fields, facilitators, note_taker = _meeting_fields(
        actor,
        title=title,
        starts_at=starts_at,
        place=place,
        call_link=call_link,
        facilitator_ids=facilitator_ids,
        note_taker_id=note_taker_id,
    )
    if starts_at < timezone.now() - timedelta(days=1):
        raise ActionError(_("A new meeting cannot start in the past."))

    def create():
        meeting = Meeting.objects.create(
            assembly_id=actor.assembly_id, note_taker=note_taker, created_by=actor, **fields
        )
        meeting.facilitators.set(facilitators)
        audit(actor, "meeting.scheduled", meeting=meeting.pk, title=meeting.title)
        live.publish(actor.assembly.stream, "meeting.scheduled", {"meeting": meeting.pk})
        return meeting

    with transaction.atomic():
        return idempotency.once(actor, idempotency_key, "schedule_meeting", Meeting, create)


def update_meeting(
    actor, *, meeting, title, starts_at, place="", call_link="", facilitator_ids=(),
    note_taker_id=None,
):  # fmt: skip
    _require_run(actor, meeting)
    fields, facilitators, note_taker = _meeting_fields(
        actor,
        title=title,
        starts_at=starts_at,
        place=place,
        call_link=call_link,
        facilitator_ids=facilitator_ids,
        note_taker_id=note_taker_id,
    )
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        if meeting.state == Meeting.State.ENDED:
            raise ActionError(_("This meeting has ended."))
        for name, value in fields.items():
            setattr(meeting, name, value)
        meeting.note_taker = note_taker
        meeting.save()
        meeting.facilitators.set(facilitators)
        _changed(meeting)
    return meeting


def add_item(
    actor, *, meeting, title, kind=AgendaItem.Kind.TOPIC, planned_minutes=10,
    speaker_seconds=120, proposal=None, group=None, idempotency_key=None,
):  # fmt: skip
    _require_run(actor, meeting)
    if kind not in AgendaItem.Kind.values:
        raise ActionError(_("Choose what kind of item this is."))
    if kind == AgendaItem.Kind.PROPOSAL and proposal is None:
        raise ActionError(_("Choose the proposal this item takes up."))
    if kind == AgendaItem.Kind.REPORT and group is None:
        raise ActionError(_("Choose the working group reporting back."))
    for obj in (proposal, group):
        if obj is not None and obj.assembly_id != meeting.assembly_id:
            raise ActionError(_("That belongs to another assembly."))
    if not title and proposal is not None:
        title = proposal.title
    if not title and group is not None:
        title = gettext_noop("Report-back: %(group)s") % {"group": group.name}  # reworded
    title = _text(title, field=_("The title"), maximum=TITLE_MAX)
    _check_times(planned_minutes, speaker_seconds)

    def create():
        nonlocal meeting
        meeting = _lock_meeting(meeting)
        if meeting.state == Meeting.State.ENDED:
            raise ActionError(_("This meeting has ended."))
        if meeting.items.count() >= MAX_ITEMS:
            raise ActionError(_("An agenda can have at most 100 items."))
        last = meeting.items.aggregate(m=Max("position"))["m"]
        item = AgendaItem.objects.create(
            meeting=meeting,
            position=0 if last is None else last + 1,
            kind=kind,
            title=title,
            proposal=proposal if kind == AgendaItem.Kind.PROPOSAL else None,
            group=group if kind == AgendaItem.Kind.REPORT else None,
            planned_minutes=planned_minutes,
            speaker_seconds=speaker_seconds,
        )
        _changed(meeting)
        return item

    with transaction.atomic():
        return idempotency.once(actor, idempotency_key, "add_item", AgendaItem, create)


def _check_times(planned_minutes, speaker_seconds):
    if not isinstance(planned_minutes, int) or not 1 <= planned_minutes <= MAX_PLANNED_MINUTES:
        raise ActionError(_("Planned time must be from 1 to 600 minutes."))
    if not isinstance(speaker_seconds, int) or not 0 <= speaker_seconds <= MAX_SPEAKER_SECONDS:
        raise ActionError(_("Time per speaker must be from 0 to 3600 seconds."))


def set_item_times(actor, *, item, planned_minutes, speaker_seconds):
    _require_run(actor, item.meeting)
    _check_times(planned_minutes, speaker_seconds)
    with transaction.atomic():
        item = _lock_item(item)
        item.planned_minutes = planned_minutes
        item.speaker_seconds = speaker_seconds
        item.save(update_fields=["planned_minutes", "speaker_seconds"])
        _changed(item.meeting)
    return item


def move_item(actor, *, item, direction):
    """Swap an agenda item with its neighbour above ("up") or below ("down")."""
    _require_run(actor, item.meeting)
    if direction not in ("up", "down"):
        raise ActionError(_("Choose up or down."))
    with transaction.atomic():
        meeting = _lock_meeting(item.meeting)
        items = list(meeting.items.order_by("position", "pk"))
        index = next((i for i, it in enumerate(items) if it.pk == item.pk), None)
        if index is None:
            raise ActionError(_("That item is not on this agenda."))
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(items):
            return item
        items[index], items[other] = items[other], items[index]
        for position, it in enumerate(items):
            if it.position != position:
                it.position = position
                it.save(update_fields=["position"])
        _changed(meeting)
    return item


def skip_item(actor, *, item):
    _require_run(actor, item.meeting)
    with transaction.atomic():
        meeting = _lock_meeting(item.meeting)
        item = _lock_item(item)
        if item.state in (AgendaItem.State.DONE, AgendaItem.State.SKIPPED):
            raise ActionError(_("That item is already finished."))
        was_current = meeting.current_item_id == item.pk
        item.state = AgendaItem.State.SKIPPED
        item.ended_at = timezone.now() if item.started_at else None
        item.save(update_fields=["state", "ended_at"])
        if was_current:
            _advance(meeting, finish=None)
        _changed(meeting)
    return item


def _pending_after(meeting):
    return meeting.items.filter(state=AgendaItem.State.PENDING).order_by("position", "pk").first()


_NEXT = object()


def _advance(meeting, *, finish, to=_NEXT):
    """Close the current item (as `finish`) and make `to` current: by default the next
    pending item; None for none."""
    now = timezone.now()
    current = (
        meeting.current_item_id and AgendaItem.objects.filter(pk=meeting.current_item_id).first()
    )
    if current and current.state == AgendaItem.State.CURRENT:
        current.state = finish or AgendaItem.State.DONE
        current.ended_at = now
        current.current_hand = None
        current.speaker_started_at = None
        current.save(update_fields=["state", "ended_at", "current_hand", "speaker_started_at"])
    nxt = _pending_after(meeting) if to is _NEXT else to
    if nxt is not None:
        nxt.state = AgendaItem.State.CURRENT
        nxt.started_at = nxt.started_at or now
        nxt.ended_at = None
        nxt.save(update_fields=["state", "started_at", "ended_at"])
    meeting.current_item = nxt
    meeting.save(update_fields=["current_item"])
    return nxt


def start_meeting(actor, *, meeting):
    _require_run(actor, meeting)
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        if meeting.state != Meeting.State.SCHEDULED:
            raise ActionError(_("This meeting has already started."))
        meeting.state = Meeting.State.RUNNING
        meeting.started_at = timezone.now()
        meeting.save(update_fields=["state", "started_at"])
        _advance(meeting, finish=None)
        audit(actor, "meeting.started", meeting=meeting.pk)
        _changed(meeting)
        live.publish(actor.assembly.stream, "meeting.started", {"meeting": meeting.pk})
    return meeting


def next_item(actor, *, meeting, expected_item=None):
    """Finish the current item and move to the next one on the agenda.

    `expected_item`: the item the facilitator saw as current; if another facilitator has
    moved on in the meantime, nothing happens twice.
    """
    _require_run(actor, meeting)
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        if meeting.state != Meeting.State.RUNNING:
            raise ActionError(_("The meeting is not in progress."))
        if expected_item is not None and meeting.current_item_id != expected_item:
            raise ActionError(_("The agenda has already moved on."))
        item = _advance(meeting, finish=AgendaItem.State.DONE)
        _changed(meeting)
    return item


def go_to_item(actor, *, item):
    _require_run(actor, item.meeting)
    with transaction.atomic():
        meeting = _lock_meeting(item.meeting)
        item = _lock_item(item)
        if meeting.state != Meeting.State.RUNNING:
            raise ActionError(_("The meeting is not in progress."))
        if item.pk == meeting.current_item_id:
            return item
        _advance(meeting, finish=AgendaItem.State.DONE, to=item)
        _changed(meeting)
    return item


def end_meeting(actor, *, meeting):
    _require_run(actor, meeting)
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        if meeting.state != Meeting.State.RUNNING:
            raise ActionError(_("The meeting is not in progress."))
        current = meeting.current_item
        was_current = None
        if current is not None and current.state == AgendaItem.State.CURRENT:
            was_current = current.pk
            _advance(meeting, finish=AgendaItem.State.DONE, to=None)
            meeting.current_item = None
        pending = meeting.items.filter(state=AgendaItem.State.PENDING)
        skipped = list(pending.values_list("pk", flat=True))
        pending.update(state=AgendaItem.State.SKIPPED)
        meeting.state = Meeting.State.ENDED
        meeting.ended_at = timezone.now()
        meeting.current_item = None
        meeting.save(update_fields=["state", "ended_at", "current_item"])
        # What the end changed, so that reopen_meeting can put it back.
        audit(actor, "meeting.ended", meeting=meeting.pk, current=was_current, skipped=skipped)
        _changed(meeting)
        # The projector's address ends with the meeting: its screens are dropped.
        transaction.on_commit(lambda: streams.revoke_projector(meeting.pk))
    return meeting


REOPEN_MINUTES = 30


def reopen_refusal(meeting, *, now=None):
    """Why the end of `meeting` can no longer be undone, or None if it can.

    Ending a meeting can be undone while nothing else happened since. Precisely, all of:
      1. the meeting is ended and its minutes are not approved;
      2. it ended at most REOPEN_MINUTES ago ("right after", not the next day);
      3. the newest audit entry about the meeting is its "meeting.ended" entry: nobody
         approved minutes, reset the projector, lifted a mute or a removal, ... since;
      4. none of the meeting's votes was opened or closed at or after the end, and no
         named ballot in them was cast at or after the end (a secret vote keeps no time
         of its ballots, so a secret vote still open at the end refuses, to be safe).
    Notes written after the end do not count: reopening leaves them as they are.
    """
    from decisions.models import Participation

    now = now or timezone.now()
    if meeting.state != Meeting.State.ENDED or meeting.ended_at is None:
        return _("The meeting has not ended.")
    if meeting.minutes_state == Meeting.Minutes.APPROVED:
        return _("Its minutes are approved.")
    if now - meeting.ended_at > timedelta(minutes=REOPEN_MINUTES):
        return _("It ended more than %(n)d minutes ago.") % {"n": REOPEN_MINUTES}
    latest = _end_entry(meeting, latest=True)
    if latest is None or latest.verb != "meeting.ended":
        return _("Something else was recorded about the meeting since it ended.")
    polls = MeetingPoll.objects.filter(meeting=meeting)
    since = meeting.ended_at
    if (
        polls.filter(poll__opened_at__gte=since).exists()
        or polls.filter(poll__closed_at__gte=since).exists()
    ):
        return _("A vote of the meeting was opened or closed since it ended.")
    poll_ids = polls.values("poll_id")
    if Participation.objects.filter(poll_id__in=poll_ids, voted_at__gte=since).exists():
        return _("Someone voted in a vote of the meeting since it ended.")
    if polls.filter(poll__state="open", poll__secret=True).exists():
        return _("A secret vote of the meeting is still open.")
    return None


def _end_entry(meeting, *, latest=False):
    from assembly.models import AuditEntry

    entries = AuditEntry.objects.filter(assembly_id=meeting.assembly_id, detail__meeting=meeting.pk)
    if not latest:
        entries = entries.filter(verb="meeting.ended")
    return entries.order_by("-created_at", "-pk").first()


def can_reopen(actor, meeting):
    return can_run(actor, meeting) and reopen_refusal(meeting) is None


def reopen_meeting(actor, *, meeting):
    """Undo "end the meeting" (see reopen_refusal for when): the meeting runs again, the
    item that was under discussion is current again (with its hands still waiting) and
    the items the end skipped are pending again."""
    _require_run(actor, meeting)
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        refusal = reopen_refusal(meeting)
        if refusal:
            raise ActionError(
                _("The end of this meeting can no longer be undone: %(why)s") % {"why": refusal}
            )
        detail = _end_entry(meeting).detail
        skipped = [pk for pk in detail.get("skipped", []) if isinstance(pk, int)]
        meeting.items.filter(pk__in=skipped, state=AgendaItem.State.SKIPPED).update(
            state=AgendaItem.State.PENDING
        )
        current = meeting.items.filter(
            pk=detail.get("current"), state=AgendaItem.State.DONE
        ).first()
        if current is not None:
            current.state = AgendaItem.State.CURRENT
            current.ended_at = None
            current.save(update_fields=["state", "ended_at"])
        meeting.state = Meeting.State.RUNNING
        meeting.ended_at = None
        meeting.current_item = current
        meeting.save(update_fields=["state", "ended_at", "current_item"])
        audit(actor, "meeting.reopened", meeting=meeting.pk)
        _changed(meeting)
        live.publish(actor.assembly.stream, "meeting.started", {"meeting": meeting.pk})
    return meeting


def regenerate_projector_token(actor, *, meeting):
    """A new projector address; the old one stops working (its sockets are dropped)."""
    _require_run(actor, meeting)
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        meeting.projector_token = new_projector_token()
        meeting.save(update_fields=["projector_token"])
        audit(actor, "meeting.projector_reset", meeting=meeting.pk)
        transaction.on_commit(lambda: streams.revoke_projector(meeting.pk))
    return meeting


# -- attendance --------------------------------------------------------------------------


def _attendance_open(meeting):
    if meeting.state == Meeting.State.ENDED:
        raise ActionError(_("This meeting has ended."))


def check_in(actor, *, meeting):
    """The member says they are here. Twice counts once (one row per member, in the db)."""
    _require_member(actor, meeting)
    _attendance_open(meeting)
    with transaction.atomic():
        try:
            with transaction.atomic():
                Attendance.objects.create(meeting=meeting, member=actor)
        except IntegrityError:
            Attendance.objects.filter(meeting=meeting, member=actor, present=False).update(
                present=True, checked_in_at=timezone.now(), marked_by=None
            )
        _changed(meeting)
    return meeting


def mark_attendance(actor, *, meeting, member, present):
    """A facilitator marks someone (e.g. without a phone) present or absent."""
    _require_run(actor, meeting)
    _attendance_open(meeting)
    if member.assembly_id != meeting.assembly_id or not member.is_active:
        raise ActionError(_("That person is not an active member of this assembly."))
    with transaction.atomic():
        row = Attendance.objects.filter(meeting=meeting, member=member).first()
        if row is None:
            if present:
                try:
                    with transaction.atomic():
                        Attendance.objects.create(meeting=meeting, member=member, marked_by=actor)
                except IntegrityError:
                    pass  # they checked in themselves at the same moment
        else:
            Attendance.objects.filter(pk=row.pk).update(present=bool(present), marked_by=actor)
        _changed(meeting)


def set_unregistered(actor, *, meeting, count):
    _require_run(actor, meeting)
    _attendance_open(meeting)
    if not settings_for(meeting.assembly).count_unregistered:
        raise ActionError(_("This assembly does not count people without an account."))
    if not isinstance(count, int) or not 0 <= count <= MAX_UNREGISTERED:
        raise ActionError(_("Enter a whole number from 0 to 100000."))
    with transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(unregistered_present=count)
        _changed(meeting)


def present_ids(meeting):
    return list(
        Attendance.objects.filter(
            meeting=meeting, present=True, member__status=Membership.Status.ACTIVE
        ).values_list("member_id", flat=True)
    )


# -- speaking queue ---------------------------------------------------------------------


def _require_queue_open(item, *, by_facilitator=False):
    if item.meeting.state != Meeting.State.RUNNING:
        raise ActionError(_("The meeting is not in progress."))
    if item.state != AgendaItem.State.CURRENT:
        raise ActionError(_("Hands are raised on the item being discussed now."))
    if not item.queue_open and not by_facilitator:
        raise ActionError(_("The speaking queue is closed for this item."))


def _next_seq(meeting):
    Meeting.objects.filter(pk=meeting.pk).update(hand_seq=F("hand_seq") + 1)
    return Meeting.objects.values_list("hand_seq", flat=True).get(pk=meeting.pk)


def _current_speaker_member(item):
    if item.current_hand_id is None:
        return None
    return Hand.objects.values_list("member_id", flat=True).get(pk=item.current_hand_id)


def raise_hand(actor, *, item, kind=Hand.Kind.REGULAR):
    """Raise one's own hand. A direct response answers whoever has the floor now."""
    _require_member(actor, item.meeting)
    if kind not in Hand.Kind.values:
        raise ActionError(_("Choose what kind of contribution you want to make."))
    if is_sanctioned(item.meeting, actor, Sanction.Kind.MUTE):
        raise NotAllowed(_("You were muted for the rest of this meeting."))
    with transaction.atomic():
        item = _lock_item(item)
        _require_queue_open(item)
        if Hand.objects.filter(item=item, member=actor, state=Hand.State.WAITING).exists():
            raise ActionError(_("Your hand is already raised. Lower it first to change it."))
        responds_to = None
        if kind == Hand.Kind.RESPONSE:
            responds_to = _current_speaker_member(item)
            if responds_to is None:
                raise ActionError(_("A direct response needs someone speaking to respond to."))
        hand = Hand.objects.create(
            item=item,
            member=actor,
            kind=kind,
            responds_to_id=responds_to,
            raised_seq=_next_seq(item.meeting),
        )
        _changed(item.meeting)
    return hand


def lower_hand(actor, *, hand):
    """Lower one's own hand (only one's own)."""
    _require_member(actor, hand.item.meeting)
    if hand.member_id != actor.pk:
        raise NotAllowed(_("You can only lower your own hand."))
    with transaction.atomic():
        updated = Hand.objects.filter(pk=hand.pk, state=Hand.State.WAITING).update(
            state=Hand.State.LOWERED
        )
        if not updated:
            raise ActionError(_("That hand is no longer raised."))
        _changed(hand.item.meeting)


def add_room_hand(
    actor, *, item, kind=Hand.Kind.REGULAR, member=None, name="", idempotency_key=None
):
    """A facilitator adds someone who raised a hand in the room."""
    _require_run(actor, item.meeting)
    if kind not in Hand.Kind.values:
        raise ActionError(_("Choose what kind of contribution it is."))
    if member is None:
        name = clean_name(
            name,
            limit=60,
            empty_message=_("%(field)s cannot be empty.") % {"field": _("The name")},
            too_long_message=_("%(field)s can be at most %(max)d characters.")
            % {"field": _("The name"), "max": 60},
        )
    elif member.assembly_id != item.meeting.assembly_id or not member.is_active:
        raise ActionError(_("That person is not an active member of this assembly."))

    def create():
        nonlocal item
        item = _lock_item(item)
        _require_queue_open(item, by_facilitator=True)
        if (
            member is not None
            and Hand.objects.filter(item=item, member=member, state=Hand.State.WAITING).exists()
        ):
            raise ActionError(_("That person is already in the queue."))
        responds_to = _current_speaker_member(item) if kind == Hand.Kind.RESPONSE else None
        hand = Hand.objects.create(
            item=item,
            member=member,
            name="" if member is not None else name,
            kind=kind,
            responds_to_id=responds_to,
            raised_seq=_next_seq(item.meeting),
            added_by=actor,
        )
        _changed(item.meeting)
        return hand

    with transaction.atomic():
        return idempotency.once(actor, idempotency_key, "add_room_hand", Hand, create)


def remove_hand(actor, *, hand):
    _require_run(actor, hand.item.meeting)
    with transaction.atomic():
        updated = Hand.objects.filter(pk=hand.pk, state=Hand.State.WAITING).update(
            state=Hand.State.REMOVED
        )
        if not updated:
            raise ActionError(_("That hand is no longer raised."))
        _changed(hand.item.meeting)


def waiting_hands(item):
    return list(Hand.objects.filter(item=item, state=Hand.State.WAITING).select_related("member"))


def spoken_sets(item):
    """(member ids who spoke on this item, member ids who spoke in this meeting)."""
    spoke = Hand.objects.filter(item__meeting_id=item.meeting_id, state=Hand.State.SPOKE)
    on_item, in_meeting = set(), set()
    for hand_item, member_id, pk in spoke.values_list("item_id", "member_id", "pk"):
        ident = member_id if member_id else -pk
        in_meeting.add(ident)
        if hand_item == item.pk:
            on_item.add(ident)
    return on_item, in_meeting


def ordered_hands(item, hands=None, progressive=None):
    """The waiting hands of `item`, in the order they will be called."""
    hands = waiting_hands(item) if hands is None else hands
    if progressive is None:
        progressive = settings_for(item.meeting.assembly).progressive
    on_item, in_meeting = spoken_sets(item)
    speaker = _current_speaker_member(item)
    by_id = {hand.pk: hand for hand in hands}
    pure = [
        stack.Hand(
            id=hand.pk,
            member_id=hand.stack_member_id,
            kind=hand.kind,
            raised_seq=hand.raised_seq,
            responds_to=hand.responds_to_id,
            pinned_position=hand.pinned_position,
            pinned_seq=hand.pinned_seq,
        )
        for hand in hands
    ]
    ordered = stack.order(
        pure,
        progressive=progressive,
        spoken_on_item=on_item,
        spoken_in_meeting=in_meeting,
        current_speaker=speaker,
    )
    return [by_id[h.id] for h in ordered]


def move_hand(actor, *, hand, position):
    """Put a hand at a 0-based position in the queue; the order rules respect it."""
    _require_run(actor, hand.item.meeting)
    if not isinstance(position, int) or not 0 <= position <= 10000:
        raise ActionError(_("Choose a place in the queue."))
    with transaction.atomic():
        item = _lock_item(hand.item)
        hand = Hand.objects.filter(pk=hand.pk, item=item, state=Hand.State.WAITING).first()
        if hand is None:
            raise ActionError(_("That hand is no longer raised."))
        hand.pinned_position = position
        hand.pinned_seq = _next_seq(item.meeting)
        hand.save(update_fields=["pinned_position", "pinned_seq"])
        _changed(item.meeting)
    return hand


def call_next(actor, *, item, expected_hand=None):
    """Give the floor to the head of the queue.

    The item row is locked, and `expected_hand` is the speaker the facilitator saw (or
    None for nobody): if two facilitators press at once, the second press finds the
    speaker already changed and calls no one.
    """
    _require_run(actor, item.meeting)
    with transaction.atomic():
        item = _lock_item(item)
        if item.meeting.state != Meeting.State.RUNNING or item.state != AgendaItem.State.CURRENT:
            raise ActionError(_("Speakers are called on the item being discussed now."))
        if item.current_hand_id != expected_hand:
            raise ActionError(_("Someone else already called the next speaker."))
        hands = ordered_hands(item)
        if not hands:
            raise ActionError(_("Nobody is waiting to speak."))
        hand = hands[0]
        now = timezone.now()
        Hand.objects.filter(pk=hand.pk).update(state=Hand.State.SPOKE, called_at=now)
        item.current_hand = hand
        item.speaker_started_at = now
        item.save(update_fields=["current_hand", "speaker_started_at"])
        _changed(item.meeting)
    return hand


def finish_speaker(actor, *, item):
    _require_run(actor, item.meeting)
    with transaction.atomic():
        item = _lock_item(item)
        item.current_hand = None
        item.speaker_started_at = None
        item.save(update_fields=["current_hand", "speaker_started_at"])
        _changed(item.meeting)
    return item


def restart_timer(actor, *, item):
    _require_run(actor, item.meeting)
    with transaction.atomic():
        item = _lock_item(item)
        if item.current_hand_id is None:
            raise ActionError(_("Nobody has the floor."))
        item.speaker_started_at = timezone.now()
        item.save(update_fields=["speaker_started_at"])
        _changed(item.meeting)
    return item


def set_queue_open(actor, *, item, is_open):
    _require_run(actor, item.meeting)
    with transaction.atomic():
        item = _lock_item(item)
        item.queue_open = bool(is_open)
        item.save(update_fields=["queue_open"])
        _changed(item.meeting)
    return item


# -- floor votes -------------------------------------------------------------------------


def open_floor_vote(
    actor, *, meeting, question, method, options=(), present_only=True, secret=False,
    use_proposal=True, quorum=None, threshold="simple", seats=1, results_visibility="live",
    idempotency_key=None,
):  # fmt: skip
    """Open a poll on the current item; with `present_only`, only members present vote."""
    from decisions import actions as decisions_actions

    _require_run(actor, meeting)
    if not actor.can(Perm.FACILITATE):
        raise NotAllowed(_("Only facilitators and stewards can open a vote."))
    meeting = Meeting.objects.select_related("current_item__proposal").get(pk=meeting.pk)
    if meeting.state != Meeting.State.RUNNING:
        raise ActionError(_("The meeting is not in progress."))
    item = meeting.current_item
    proposal = item.proposal if item is not None and use_proposal else None
    electorate = None
    if present_only:
        electorate = present_ids(meeting)
        proxied = Proxy.objects.filter(meeting=meeting, delegate_id__in=electorate)
        electorate += list(proxied.values_list("delegator_id", flat=True))
        if not electorate:
            raise ActionError(_("Nobody has checked in yet, so nobody could vote."))

    def create():
        poll = decisions_actions.open_poll(
            actor,
            question=question,
            method=method,
            proposal=proposal,
            options=options,
            secret=secret,
            quorum=quorum,
            electorate=electorate,
            threshold=threshold,
            seats=seats,
            results_visibility=results_visibility,
        )
        link = MeetingPoll.objects.create(
            meeting=meeting, item=item, poll=poll, present_only=bool(present_only)
        )
        _changed(meeting)
        return link

    with transaction.atomic():
        return idempotency.once(actor, idempotency_key, "open_floor_vote", MeetingPoll, create)


CARDS = ("agree", "unsure", "disagree")


def temperature_check(actor, *, meeting, style="fist", present_only=True, idempotency_key=None):
    """A quick non-binding check: fist-to-five (0-5) or agree / unsure / disagree cards."""
    meeting = Meeting.objects.select_related("current_item").get(pk=meeting.pk)
    topic = meeting.current_item.title if meeting.current_item else meeting.title
    question = (_("Temperature check: %(topic)s") % {"topic": topic})[:300]
    if style == "fist":
        return open_floor_vote(
            actor, meeting=meeting, question=question, method="temperature",
            present_only=present_only, use_proposal=False, quorum=0,
            idempotency_key=idempotency_key,
        )  # fmt: skip
    if style == "cards":
        return open_floor_vote(
            actor, meeting=meeting, question=question, method="single",
            # Each card with what it means, as the ballot and the results show it.
            options=[_("Agree: I support it"), _("Unsure: I have questions"),
                     _("Disagree: I have concerns")], present_only=present_only,
            use_proposal=False, quorum=0, idempotency_key=idempotency_key,
        )  # fmt: skip
    raise ActionError(_("Choose fist-to-five or cards."))


def _meeting_poll(actor, link):
    _require_run(actor, link.meeting)
    if not actor.can(Perm.FACILITATE):
        raise NotAllowed(_("Only facilitators and stewards can run a vote."))


def enter_room_counts(actor, *, link, counts, note="", idempotency_key=None):
    from decisions import actions as decisions_actions

    _meeting_poll(actor, link)
    with transaction.atomic():
        entry = decisions_actions.enter_counts(
            actor, poll=link.poll, counts=counts, note=note, idempotency_key=idempotency_key
        )
        _changed(link.meeting)
    return entry


def close_floor_vote(actor, *, link):
    from decisions import actions as decisions_actions

    _meeting_poll(actor, link)
    with transaction.atomic():
        poll = decisions_actions.close_poll(actor, poll=link.poll)
        _changed(link.meeting)
    return poll


def publish_result(actor, *, link, published=True):
    """Show a closed vote's result on the room's screens (or take it down)."""
    _meeting_poll(actor, link)
    with transaction.atomic():
        link = MeetingPoll.objects.select_for_update().select_related("poll").get(pk=link.pk)
        if published and link.poll.state != "closed":
            raise ActionError(_("Close the vote before publishing its result."))
        link.published = bool(published)
        link.save(update_fields=["published"])
        _changed(link.meeting)
    return link


def snapshot_electorate(poll):
    """decisions close hook: who was entitled, present and voted when a meeting vote closed."""
    link = MeetingPoll.objects.filter(poll=poll).select_related("meeting").first()
    if link is None:
        return
    link.entitled = poll.entitled
    link.present = len(present_ids(link.meeting)) + link.meeting.unregistered_present
    link.voted = poll.turnout
    link.save(update_fields=["entitled", "present", "voted"])
    _changed(link.meeting)


def not_elector_reason(poll, voter):
    """decisions hook: why a member may not vote in a meeting's present-only vote."""
    link = MeetingPoll.objects.filter(poll=poll).first()
    if link is None or not link.present_only:
        return None
    return _(
        "Only members checked in when this vote opened can vote in it (and those whose vote "
        "they held)."
    )


def room_entitled(poll):
    """decisions hook: people without an account present at the meeting of a poll, who
    may be counted in the room besides the members entitled to vote."""
    link = MeetingPoll.objects.filter(poll=poll).select_related("meeting").first()
    if link is None or not settings_for(link.meeting.assembly).count_unregistered:
        return 0
    return link.meeting.unregistered_present


def ballot_guard(actor, poll, voter):
    """decisions ballot guard: removals and proxies of the meeting a poll belongs to. The
    poll comes with its meeting (decisions' POLL_RELATED), so other votes cost nothing."""
    try:
        link = poll.meeting_link
    except MeetingPoll.DoesNotExist:
        link = None
    if link is None:
        if voter.pk != actor.pk:
            raise NotAllowed(_("Proxy votes are given for a meeting's votes only."))
        return
    meeting = link.meeting
    if is_sanctioned(meeting, actor, Sanction.Kind.REMOVE):
        raise NotAllowed(_("You were removed from this meeting."))
    if voter.pk == actor.pk:
        if Proxy.objects.filter(meeting=meeting, delegator=actor).exists():
            raise ActionError(
                _("You gave your vote to another member for this meeting; they vote for you.")
            )
    else:
        proxy = Proxy.objects.filter(meeting=meeting, delegator=voter).first()
        if proxy is None or proxy.delegate_id != actor.pk:
            raise NotAllowed(_("You do not hold this member's vote."))
    # Turnout on the meeting's screens follows ballots (coalesced, after commit).
    _changed(meeting)


# -- minutes -----------------------------------------------------------------------------


def save_notes(actor, *, item, notes):
    if not can_take_notes(actor, item.meeting):
        raise NotAllowed(_("Only the note-taker and the facilitators can write the notes."))
    notes = (notes or "").replace("\r\n", "\n")
    if len(notes) > NOTES_MAX:
        raise ActionError(_("Notes on one item can be at most 50000 characters."))
    with transaction.atomic():
        item = _lock_item(item)
        if item.meeting.minutes_state == Meeting.Minutes.APPROVED:
            raise ActionError(_("The minutes are approved and can no longer be changed."))
        if item.notes != notes:
            item.notes = notes
            item.notes_html = render_markdown(notes)
            item.save(update_fields=["notes", "notes_html"])
    return item


def approve_minutes(actor, *, meeting, summary=""):
    _require_run(actor, meeting)
    if len(summary or "") > 20000:
        raise ActionError(_("The summary can be at most 20000 characters."))
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        if meeting.state != Meeting.State.ENDED:
            raise ActionError(_("Minutes are approved once the meeting has ended."))
        if meeting.minutes_state == Meeting.Minutes.APPROVED:
            raise ActionError(_("These minutes are already approved."))
        meeting.minutes_summary = (summary or "").strip()
        meeting.minutes_state = Meeting.Minutes.APPROVED
        meeting.minutes_approved_by = actor
        meeting.minutes_approved_at = timezone.now()
        meeting.save()
        audit(actor, "meeting.minutes_approved", meeting=meeting.pk)
        live.publish(actor.assembly.stream, "minutes.published", {"meeting": meeting.pk})
    return meeting


# -- moderation --------------------------------------------------------------------------


def _sanction(actor, meeting, member, kind, reason, verb):
    _require_run(actor, meeting)
    reason = _reason(reason)
    if member.assembly_id != meeting.assembly_id:
        raise ActionError(_("That person is not a member of this assembly."))
    if member.pk == actor.pk:
        raise ActionError(_("You cannot do that to yourself."))
    if can_run(member, meeting):
        raise ActionError(_("A facilitator cannot be muted or removed; a steward can act."))
    with transaction.atomic():
        _sanction_row, created = Sanction.objects.get_or_create(
            meeting=meeting, member=member, kind=kind, defaults={"reason": reason, "by": actor}
        )
        if not created:
            raise ActionError(_("That was already done."))
        Hand.objects.filter(item__meeting=meeting, member=member, state=Hand.State.WAITING).update(
            state=Hand.State.REMOVED
        )
        audit(actor, verb, target=member, reason=reason, meeting=meeting.pk)
        _changed(meeting)


def mute_member(actor, *, meeting, member, reason):
    """For the rest of the meeting: no raising a hand, no comments."""
    _sanction(actor, meeting, member, Sanction.Kind.MUTE, reason, "meeting.muted")


def remove_from_meeting(actor, *, meeting, member, reason):
    """Out of this meeting: its pages refuse them and their sockets for it are dropped."""
    with transaction.atomic():
        _sanction(actor, meeting, member, Sanction.Kind.REMOVE, reason, "meeting.removed")
        Attendance.objects.filter(meeting=meeting, member=member).update(present=False)
        live.access_changed(member.user_id, meeting.assembly_id)


def lift_sanction(actor, *, meeting, member, kind, reason=""):
    """Undo a mute or a removal (a facilitator's correction), logged like the act."""
    _require_run(actor, meeting)
    if kind not in Sanction.Kind.values:
        raise ActionError(_("Choose what to undo."))
    with transaction.atomic():
        deleted, _rows = Sanction.objects.filter(meeting=meeting, member=member, kind=kind).delete()
        if not deleted:
            raise ActionError(_("There is nothing to undo."))
        audit(
            actor, "meeting.sanction_lifted", target=member, reason=(reason or "")[:REASON_MAX],
            meeting=meeting.pk, kind=kind,
        )  # fmt: skip
        if kind == Sanction.Kind.REMOVE:
            live.access_changed(member.user_id, meeting.assembly_id)
        _changed(meeting)


def comment_guard(actor, proposal):
    """decisions comment guard: a member muted in a running meeting cannot comment."""
    if Sanction.objects.filter(
        member=actor,
        meeting__assembly_id=proposal.assembly_id,
        meeting__state=Meeting.State.RUNNING,
    ).exists():
        raise NotAllowed(_("You were muted in the meeting in progress."))


# -- proxies ----------------------------------------------------------------------------


def delegate_vote(actor, *, meeting, delegate):
    _require_member(actor, meeting)
    rules = settings_for(meeting.assembly)
    if not rules.proxies_allowed:
        raise ActionError(_("This assembly does not allow proxy votes."))
    if meeting.state == Meeting.State.ENDED:
        raise ActionError(_("This meeting has ended."))
    if delegate.assembly_id != meeting.assembly_id or not delegate.is_active:
        raise ActionError(_("That person is not an active member of this assembly."))
    if delegate.pk == actor.pk:
        raise ActionError(_("You cannot give your vote to yourself."))
    with transaction.atomic():
        # Lock the delegate's row so two people cannot both become the limit-breaker.
        Membership.objects.select_for_update().get(pk=delegate.pk)
        if Proxy.objects.filter(meeting=meeting, delegator=actor).exists():
            raise ActionError(_("You have already given your vote. Take it back first."))
        if Proxy.objects.filter(meeting=meeting, delegator=delegate).exists():
            raise ActionError(_("That member gave their own vote away; choose someone else."))
        if Proxy.objects.filter(meeting=meeting, delegate=actor).exists():
            raise ActionError(_("You hold other members' votes, so you cannot give yours."))
        held = Proxy.objects.filter(meeting=meeting, delegate=delegate).count()
        if held >= rules.max_proxies:
            raise ActionError(
                _("That member already holds as many votes as the assembly allows (%(n)d).")
                % {"n": rules.max_proxies}
            )
        proxy = Proxy.objects.create(meeting=meeting, delegator=actor, delegate=delegate)
        audit(actor, "meeting.proxy_given", target=delegate, meeting=meeting.pk)
        _changed(meeting)
    return proxy


def revoke_delegation(actor, *, meeting):
    _require_member(actor, meeting)
    with transaction.atomic():
        deleted, _rows = Proxy.objects.filter(meeting=meeting, delegator=actor).delete()
        if not deleted:
            raise ActionError(_("You have not given your vote to anyone."))
        audit(actor, "meeting.proxy_revoked", meeting=meeting.pk)
        _changed(meeting)
