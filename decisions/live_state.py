"""What proposal and poll pages receive live, and who may subscribe.

Streams: "proposal:<id>" (every member of the assembly: "this changed" events, the page
re-fetches its parts in the reader's language), "poll:<id>" (turnout for every member,
and the counts when results are public), "poll:<id>:results" (counts for those who may
see them before the close: voters, when results show after voting).
Tally broadcasts are coalesced snapshots carrying a sequence number.
"""

import time

from assembly import live

from .models import Participation, Poll, Proposal

# What deciding who may see a poll's stream reads (results_visible, results_public).
POLL_ACCESS_FIELDS = ("assembly_id", "state", "secret", "results_visibility")


def authorize_proposal(user, ident, facet):
    proposal = Proposal.objects.filter(pk=ident).only("assembly_id").first()
    if facet is not None or proposal is None:
        return None
    member = live.active_membership(user, proposal.assembly_id)
    if member is None:
        return None
    return live.Grant(stream=f"proposal:{ident}", assembly_id=proposal.assembly_id,
                      membership_id=member.pk)  # fmt: skip


def authorize_poll(user, ident, facet):
    poll = Poll.objects.filter(pk=ident).only(*POLL_ACCESS_FIELDS).first()
    if poll is None or facet not in (None, "results"):
        return None
    member = live.active_membership(user, poll.assembly_id)
    if member is None:
        return None
    if facet == "results" and not results_visible(poll, member):
        return None
    stream = f"poll:{ident}" + (":results" if facet else "")
    return live.Grant(stream=stream, assembly_id=poll.assembly_id, membership_id=member.pk)


def has_voted(poll, member):
    return Participation.objects.filter(poll=poll, member=member).exists()


def results_visible(poll, member, voted=None):
    """Whether this member may see the counts of this poll now.

    A secret poll shows only its turnout until it closes, to everyone: counts that moved
    with each ballot would tell anyone who saw a person vote how they voted.
    """
    if poll.state == Poll.State.CLOSED:
        return True
    if poll.secret:
        return False
    if poll.results_visibility == Poll.Visibility.LIVE:
        return True
    if poll.results_visibility == Poll.Visibility.AFTER_VOTE:
        return has_voted(poll, member) if voted is None else voted
    return False


def results_public(poll):
    """Whether every member may see the counts now (so they can go to the shared stream)."""
    if poll.state == Poll.State.CLOSED:
        return True
    return not poll.secret and poll.results_visibility == Poll.Visibility.LIVE


def live_counts(poll):
    """Counts while open, for methods whose running count means something (not ranked)."""
    from .actions import count_poll

    if poll.is_ranked:
        return None
    result, _turnout = count_poll(poll)
    return {key: str(value) for key, value in result.counts.items()}


def poll_events(poll_id):
    seq = time.time_ns()
    poll = Poll.objects.get(pk=poll_id)
    turnout = poll.participations.count()
    data = {
        "seq": seq,
        "turnout": turnout,
        "electorate": poll.electorate_size,
        "swap": {f"poll-{poll.pk}-turnout": str(turnout)},
    }
    events = [(poll.stream, "poll.tally", data)]
    if poll.secret:
        return events  # turnout only until the close (see results_visible)
    public = results_public(poll)
    if public or poll.results_visibility == Poll.Visibility.AFTER_VOTE:
        counts = live_counts(poll)
        if counts is None:
            return events
        counted = {
            **data,
            "counts": counts,
            "swap": {
                **data["swap"],
                **{f"poll-{poll.pk}-count-{key}": value for key, value in counts.items()},
            },
        }
        if public:
            events[0] = (poll.stream, "poll.tally", counted)
        else:
            events.append((f"{poll.stream}:results", "poll.tally", counted))
    return events


def tally_changed(poll):
    live.publish_snapshot(poll.stream, lambda: poll_events(poll.pk))


def poll_closed(poll):
    live.publish(poll.stream, "poll.closed", {"seq": time.time_ns(), "outcome": poll.outcome})
    if poll.proposal_id:
        live.publish(f"proposal:{poll.proposal_id}", "proposal.changed", {"poll": poll.pk})


def snapshot_proposal(grant):
    return [("proposal.snapshot", {})]


def snapshot_poll(grant):
    ident = int(grant.stream.split(":")[1])
    return [
        (event_type, data)
        for stream, event_type, data in poll_events(ident)
        if stream == grant.stream
    ]


live.register(live.StreamKind(name="proposal", authorize=authorize_proposal,
                              snapshot=snapshot_proposal, shared_snapshot=True))  # fmt: skip
live.register(live.StreamKind(name="poll", authorize=authorize_poll, snapshot=snapshot_poll,
                              shared_snapshot=True))  # fmt: skip


def _ballot_poll(data):
    """Which vote a ballot sent over a socket is for: ballots for one vote that arrive
    together are cast together (live.register_action's `together`)."""
    from assembly.parsing import id_or_none

    return id_or_none(data.get("poll"))


def cast_over_socket(acts):
    """Ballots sent over pages' sockets (live.ACTIONS "ballot.cast"), all for one vote: the
    same checks and the same action as the ballot form, with the form's own fields and
    idempotency key, so a ballot the socket lost and the form then re-sent counts once.
    Those that arrived together go into one ballot box (one transaction), each checked
    and answered as if it came alone."""
    from django.http import QueryDict
    from django.utils.translation import gettext as _

    from assembly.errors import ActionError

    from . import actions
    from .forms import parse_ballot

    def refuse():
        raise ActionError(_("This vote is not there, or you may not vote in it."))

    poll = Poll.objects.select_related("assembly").filter(pk=_ballot_poll(acts[0].data) or 0)
    poll = poll.first()
    members = {}
    if poll is not None:
        members = live.active_memberships([act.user for act in acts], poll.assembly)
    if not members:
        return [live.answer(act, refuse) for act in acts]
    options = list(poll.options.all()) if poll.takes_options else []

    def cast(box, act):
        member = members.get(act.user.pk)
        if member is None:
            refuse()
        fields = QueryDict(mutable=True)
        for pair in act.data.get("fields") or []:
            if isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, str) for v in pair):
                fields.appendlist(pair[0][:40], pair[1][:2000])
        cast = box.cast(
            member,
            choice=parse_ballot(box.poll, fields, options),
            reason=fields.get("reason", ""),
            idempotency_key=fields.get("idempotency_key", ""),
            arrived=act.arrived,
        )
        if cast.repeated:
            text = _("Your vote was already recorded; it counts once.")
        elif cast.changed:
            text = _("Your vote was changed.")
        else:
            text = _("Your vote was recorded.")
        return "ballot.recorded", {"poll": poll.pk, "message": text, "receipt": cast.receipt}

    try:
        with actions.ballot_box(poll.pk, voters=members.values()) as box:
            return [live.answer(act, lambda act=act: cast(box, act)) for act in acts]
    except Poll.DoesNotExist:  # deleted since the read above
        return [live.answer(act, refuse) for act in acts]


live.register_action("ballot.cast", cast_over_socket, together=_ballot_poll)
