"""A meeting's live streams.

- "meeting:<id>:<language>" (e.g. "meeting:7:es"): every member of the assembly who was
  not removed from the meeting. The shared screens' fragments, rendered in that language.
- "meeting:<id>:projector": the room's projector, signed in or not, with the meeting's
  secret projector token (sent in the socket address). The same public fragments, in the
  assembly's language, without member ids.

Every change asks for one coalesced snapshot (live.publish_snapshot): the fragments are
rendered once per stream per broadcast and carry a sequence number, however many
sockets listen and however many ballots or hands land in between.
"""

import hmac
import time

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from assembly import live
from assembly.locale import zone_of

FRAGMENTS = {
    "m-state": "meetings/live/_state.html",
    "m-item": "meetings/live/_item.html",
    "m-speaker": "meetings/live/_speaker.html",
    "m-queue": "meetings/live/_queue.html",
    "m-attendance": "meetings/live/_attendance.html",
    "m-votes": "meetings/live/_votes.html",
    "m-agenda": "meetings/live/_agenda.html",
}
PROJECTOR = "projector"


def languages():
    return [code for code, _name in settings.LANGUAGES]


def render_fragments(state, *, projector=False):
    context = {**state, "projector": projector}
    return {key: render_to_string(template, context) for key, template in FRAGMENTS.items()}


def meeting_events(meeting_id, only=None):
    """[(stream, type, data)] for every stream of the meeting (or just `only`)."""
    from .models import Meeting
    from .queries import live_state

    meeting = Meeting.objects.select_related("assembly", "current_item").filter(pk=meeting_id)
    meeting = meeting.first()
    if meeting is None:
        return []
    state = live_state(meeting)
    seq = time.time_ns()
    wanted = [only] if only else [*(f"{meeting.stream}:{c}" for c in languages()),
                                  f"{meeting.stream}:{PROJECTOR}"]  # fmt: skip
    events = []
    for stream in wanted:
        facet = stream.rsplit(":", 1)[1]
        projector = facet == PROJECTOR
        language = meeting.assembly.language if projector else facet
        # Rendered once for every screen, in or out of a request: the assembly's zone.
        with translation.override(language), timezone.override(zone_of(meeting.assembly)):
            swap = render_fragments(state, projector=projector)
        data = {
            "seq": seq,
            "now": state["now_ms"],
            "state": meeting.state,
            "item": meeting.current_item_id,
            "item_title": state["current"].title if state["current"] else "",
            "speaker": state["speaker"].pk if state["speaker"] else None,
            "speaker_ends": state["speaker_ends"],
            "item_ends": state["item_ends"],
            "swap": swap,
        }
        events.append((stream, "meeting.state", data))
    return events


def meeting_changed(meeting_id):
    """On commit, a coalesced broadcast of the meeting's fresh state to all its streams."""
    live.publish_snapshot(f"meeting:{meeting_id}", lambda: meeting_events(meeting_id))


def revoke_projector(meeting_id):
    """Make every projector socket of the meeting re-check its token (now invalid)."""
    from .models import Meeting

    assembly_id = Meeting.objects.values_list("assembly_id", flat=True).get(pk=meeting_id)
    message = {"type": "live.access", "assembly_id": assembly_id}
    live._send(live.group_name(f"meeting:{meeting_id}:{PROJECTOR}"), message)


def authorize(user, ident, facet, token=None):
    from .models import Meeting, Sanction

    meeting = Meeting.objects.filter(pk=ident).only("assembly_id", "projector_token", "state")
    meeting = meeting.first()
    if meeting is None:
        return None
    stream = f"meeting:{ident}:{facet}"
    if facet == PROJECTOR:
        if meeting.state == Meeting.State.ENDED:
            return None  # the projector's address ends with its meeting
        if not token or not hmac.compare_digest(
            meeting.projector_token.encode(), str(token).encode()
        ):
            return None
        return live.Grant(stream=stream, assembly_id=meeting.assembly_id)
    if facet not in languages() or user is None or not user.is_authenticated:
        return None
    member = live.active_membership(user, meeting.assembly_id)
    if member is None:
        return None
    if Sanction.objects.filter(meeting=meeting, member=member, kind="remove").exists():
        return None
    return live.Grant(stream=stream, assembly_id=meeting.assembly_id, membership_id=member.pk)


def snapshot(grant):
    ident = int(grant.stream.split(":")[1])
    return [(t, data) for _s, t, data in meeting_events(ident, only=grant.stream)]


live.register(
    live.StreamKind(
        name="meeting",
        authorize=authorize,
        snapshot=snapshot,
        takes_token=True,
        shared_snapshot=True,
    )  # fmt: skip
)
