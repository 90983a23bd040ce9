"""README: "The electorate is frozen when the vote opens" — for every way a vote opens.

Each way is taken through its real form, as a facilitator would: the vote form (a
stand-alone question, a proposal, an amendment), and the meeting console (a floor vote
for those present or for everyone, a temperature check). Then someone who joins the
assembly afterwards, and (for votes restricted to the room) someone who checks in
afterwards, try to vote through the vote page: refused with the reason, nothing stored;
the electorate's size stays as it was; those entitled vote.

Checked: with cast_ballot's electorate check removed, every case fails; with the console
ignoring "only members checked in" (electorate=None), the two present-only cases fail;
on SQLite and PostgreSQL.
"""

import pytest
from django.test import Client

from decisions import actions as decisions
from decisions.models import Participation, Poll
from meetings import actions as meetings
from meetings.models import MeetingPoll
from tests.conftest import client_for, join, make_user

REFUSED = "Only members when this vote opened can vote in it."
VOTE_FORM = {"method": "majority", "threshold": "simple", "max_blocks": "0", "seats": "1",
             "score_max": "5", "results_visibility": "live"}  # fmt: skip


def _newest_poll():
    return Poll.objects.order_by("-pk").first()


def by_vote_form(cast, room):
    response = client_for(cast, "facilitator").post(
        "/a/eastside/polls/new/", {**VOTE_FORM, "question": "Rent strike?"}
    )
    assert response.status_code == 302
    return _newest_poll()


def on_a_proposal(cast, room):
    proposal = decisions.draft_proposal(cast.member, title="Phone tree", body="Start one.")
    decisions.open_discussion(cast.member, proposal=proposal)
    response = client_for(cast, "facilitator").post(
        "/a/eastside/polls/new/", {**VOTE_FORM, "question": "Adopt?", "proposal": proposal.pk}
    )
    assert response.status_code == 302
    assert _newest_poll().proposal == proposal
    return _newest_poll()


def on_an_amendment(cast, room):
    proposal = decisions.draft_proposal(cast.member, title="Phone tree", body="Start one.")
    decisions.open_discussion(cast.member, proposal=proposal)
    amendment = decisions.propose_amendment(cast.member2, proposal=proposal, body="Start two.")
    response = client_for(cast, "facilitator").post(
        "/a/eastside/polls/new/", {**VOTE_FORM, "question": "Amend?", "amendment": amendment.pk}
    )
    assert response.status_code == 302
    assert _newest_poll().amendment == amendment
    return _newest_poll()


def _console(cast, room, data):
    response = client_for(cast, "facilitator").post(
        f"/a/eastside/meetings/{room.pk}/console/act/", data
    )
    assert response.status_code == 302
    return MeetingPoll.objects.filter(meeting=room).order_by("-pk").first().poll


def floor_vote_for_those_present(cast, room):
    return _console(cast, room, {"do": "open_vote", "question": "Adopt the agenda?",
                                    "method": "majority", "present_only": "on"})  # fmt: skip


def floor_vote_for_everyone(cast, room):
    return _console(cast, room, {"do": "open_vote", "question": "Adopt the agenda?",
                                    "method": "majority"})  # fmt: skip


def temperature_check(cast, room):
    return _console(cast, room, {"do": "temperature", "style": "fist", "present_only": "on"})


# way -> (how it opens, whether only those present vote, an answer to give)
WAYS = {
    "vote form": (by_vote_form, False, "yes"),
    "vote form, on a proposal": (on_a_proposal, False, "yes"),
    "vote form, on an amendment": (on_an_amendment, False, "yes"),
    "console, floor vote for those present": (floor_vote_for_those_present, True, "yes"),
    "console, floor vote for everyone": (floor_vote_for_everyone, False, "yes"),
    "console, temperature check": (temperature_check, True, "3"),
}


def ballot(member, poll, choice):
    """`member` votes through the vote page, as a browser would."""
    client = Client()
    client.force_login(member.user)
    return client.post(
        f"/a/eastside/polls/{poll.pk}/",
        {"choice": choice, "idempotency_key": f"frozen-{poll.pk}-{member.pk}"},
    )


@pytest.mark.parametrize("way", list(WAYS))
def test_the_electorate_is_the_one_when_the_vote_opened(cast, running, way):
    opens, present_only, answer = WAYS[way]
    meetings.check_in(cast.member, meeting=running)  # Ana is in the room; Luz is not yet
    poll = opens(cast, running)
    entitled = 1 if present_only else 4  # Ana; or Rosa, Teo, Ana and Luz
    assert poll.electorate_size == entitled

    latecomer = join(make_user("late@example.org"), cast.assembly, "Late")
    meetings.check_in(latecomer, meeting=running)
    late = [latecomer]
    if present_only:
        meetings.check_in(cast.member2, meeting=running)  # arrives after the vote opened
        late.append(cast.member2)
    for person in late:
        response = ballot(person, poll, answer)
        assert response.status_code == 400, way
        assert REFUSED in response.content.decode(), way
        assert not Participation.objects.filter(poll=poll, member=person).exists(), way

    assert ballot(cast.member, poll, answer).status_code == 302
    poll.refresh_from_db()
    assert poll.electorate_size == entitled
    assert list(poll.participations.values_list("member", flat=True)) == [cast.member.pk]
