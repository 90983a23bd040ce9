"""Counts from the room and members' ballots add up (issue 9, point 7): they are shown as
what they are ("4 voted here + 9 counted in the room"), the people without an account in
the room are among the entitled, and no page, export or ledger entry shows a turnout above
its electorate.

How checked: before, four entitled members and nine hands counted in the room closed as
"13 voted of 4 entitled · 4 present" on the projector, the vote page and the minutes.
"""

import pytest
from django.test import Client

from assembly.errors import ActionError
from decisions import actions as decisions
from decisions.models import EnteredCount, Poll
from meetings import actions, queries
from meetings.models import Meeting, MeetingPoll


@pytest.fixture
def room(cast, running):
    """Four members checked in; nine people without an account counted at the door."""
    actions.update_settings(cast.steward, progressive="off", count_unregistered=True,
                            proxies_allowed=False, max_proxies=1)  # fmt: skip
    for m in (cast.member, cast.member2, cast.steward, cast.facilitator):
        actions.check_in(m, meeting=running)
    actions.set_unregistered(cast.facilitator, meeting=running, count=9)
    link = actions.open_floor_vote(cast.facilitator, meeting=running, question="March?",
                                   method="majority", present_only=True)  # fmt: skip
    return link


def _vote(member, link, choice):
    return decisions.cast_ballot(member, poll=link.poll, choice=choice,
                                 idempotency_key=f"key-{member.pk}-abcdef")  # fmt: skip


def test_room_counts_beyond_the_entitled_are_refused(cast, running, room):
    for m in (cast.member, cast.member2, cast.steward, cast.facilitator):
        _vote(m, room, "yes")
    with pytest.raises(ActionError, match="only 9 more people can be counted"):
        actions.enter_room_counts(cast.facilitator, link=room, counts={"yes": 9, "no": 4})
    assert not EnteredCount.objects.exists()
    actions.enter_room_counts(cast.facilitator, link=room, counts={"yes": 6, "no": 3})
    poll = actions.close_floor_vote(cast.facilitator, link=room)
    assert (poll.turnout, poll.ballots_here, poll.room_counted, poll.entitled) == (13, 4, 9, 13)


def test_a_ballot_after_the_room_counted_everyone_is_refused(cast, running, room):
    _vote(cast.member, room, "yes")
    actions.enter_room_counts(cast.facilitator, link=room, counts={"yes": 10, "no": 2})
    with pytest.raises(ActionError, match="counted already"):
        _vote(cast.member2, room, "no")
    assert room.poll.participations.count() == 1


def test_a_close_that_would_not_add_up_waits_for_corrected_counts(cast, running, room):
    _vote(cast.member, room, "yes")
    actions.enter_room_counts(cast.facilitator, link=room, counts={"yes": 10, "no": 2})
    actions.set_unregistered(cast.facilitator, meeting=running, count=5)  # some left
    with pytest.raises(ActionError, match="Correct the room counts"):
        actions.close_floor_vote(cast.facilitator, link=room)
    assert Poll.objects.get(pk=room.poll.pk).state == "open"
    actions.enter_room_counts(cast.facilitator, link=room, counts={"yes": 6, "no": 2})
    poll = actions.close_floor_vote(cast.facilitator, link=room)
    assert (poll.turnout, poll.entitled) == (9, 9)


def test_every_page_says_what_the_counts_are(cast, running, room):
    for m in (cast.member, cast.member2, cast.steward, cast.facilitator):
        _vote(m, room, "yes")
    actions.enter_room_counts(cast.facilitator, link=room, counts={"yes": 7, "no": 2})
    actions.close_floor_vote(cast.facilitator, link=room)
    actions.publish_result(cast.facilitator, link=MeetingPoll.objects.get(pk=room.pk))
    running = Meeting.objects.get(pk=running.pk)
    sentence = "4 voted here + 9 counted in the room = 13 of 13 entitled"
    client = Client()
    client.force_login(cast.member.user)
    slug = cast.assembly.slug
    pages = {
        "vote page": client.get(f"/a/{slug}/polls/{room.poll.pk}/"),
        "projector": Client().get(f"/projector/{running.pk}/{running.projector_token}/"),
        "meeting": client.get(f"/a/{slug}/meetings/{running.pk}/"),
    }
    for name, response in pages.items():
        assert sentence in response.content.decode(), name
    actions.end_meeting(cast.facilitator, meeting=running)
    minutes = queries.minutes(Meeting.objects.get(pk=running.pk))
    assert minutes  # the minutes page is rendered from the same include
    facilitator = Client()
    facilitator.force_login(cast.facilitator.user)
    page = facilitator.get(f"/a/{slug}/meetings/{running.pk}/minutes/").content.decode()
    assert sentence in page


def test_the_ledger_entry_never_shows_more_voters_than_entitled(cast):
    from decisions.models import Decision

    proposal = decisions.draft_proposal(cast.member, title="March", body="We march.")
    decisions.open_discussion(cast.member, proposal=proposal)
    poll = decisions.open_poll(cast.facilitator, proposal=proposal, question="Adopt?",
                               method="majority", quorum=0)  # fmt: skip
    decisions.cast_ballot(cast.member, poll=poll, choice="yes", idempotency_key="abcdefgh12")
    with pytest.raises(ActionError, match="only 3 more people"):
        decisions.enter_counts(cast.facilitator, poll=poll, counts={"yes": 12})
    decisions.enter_counts(cast.facilitator, poll=poll, counts={"yes": 3})
    decisions.close_poll(cast.facilitator, poll=poll)
    entry = Decision.objects.get(poll=poll)
    assert (entry.turnout, entry.electorate) == (4, 4)  # 1 here + 3 hands of 4 members
