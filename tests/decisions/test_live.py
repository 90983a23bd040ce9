"""Proposal and poll streams through the real ASGI stack: who may subscribe, and the
coalesced tally that always ends on the exact count."""

import json

import pytest
from channels.db import database_sync_to_async

from decisions import actions
from tests.conftest import user_of
from tests.decisions.conftest import open_vote, vote
from tests.live.conftest import connect, receive_until, subscribe

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "who,allowed",
    [("anonymous", False), ("nobody", False), ("other", False), ("suspended", False),
     ("member", True), ("facilitator", True), ("steward", True)],
)  # fmt: skip
async def test_subscribe_matrix(cast, who, allowed):
    proposal = await database_sync_to_async(actions.draft_proposal)(
        cast.member, title="T", body="B"
    )
    poll = await database_sync_to_async(open_vote)(cast, question="Q?")
    ws = await connect(user_of(cast, who))
    for stream in (f"proposal:{proposal.pk}", f"poll:{poll.pk}"):
        answer = await subscribe(ws, stream)
        assert answer["type"] == ("subscribed" if allowed else "subscribe.refused"), stream
    await ws.disconnect()


async def test_results_facet_only_for_those_who_may_see_results(cast):
    poll = await database_sync_to_async(open_vote)(
        cast, question="Q?", results_visibility="after_vote"
    )
    ws = await connect(cast.member.user)
    assert (await subscribe(ws, f"poll:{poll.pk}:results"))["type"] == "subscribe.refused"
    await database_sync_to_async(vote)(cast.member, poll, "yes")
    assert (await subscribe(ws, f"poll:{poll.pk}:results"))["type"] == "subscribed"
    await ws.disconnect()


async def test_turnout_and_tally_arrive_coalesced_and_end_exact(cast):
    poll = await database_sync_to_async(open_vote)(cast, question="Q?")
    ws = await connect(cast.member2.user)
    await subscribe(ws, f"poll:{poll.pk}")
    snapshot = await receive_until(ws, lambda e: e["type"] == "poll.tally")
    assert snapshot["data"]["turnout"] == 0

    for member, choice in ((cast.member, "yes"), (cast.steward, "no"), (cast.facilitator, "yes")):
        await database_sync_to_async(vote)(member, poll, choice)
    final = await receive_until(
        ws, lambda e: e["type"] == "poll.tally" and e["data"]["turnout"] == 3
    )
    assert final["data"]["counts"] == {"yes": "2", "no": "1", "abstain": "0"}
    assert final["data"]["swap"][f"poll-{poll.pk}-turnout"] == "3"

    await database_sync_to_async(actions.close_poll)(cast.facilitator, poll=poll)
    closed = await receive_until(ws, lambda e: e["type"] == "poll.closed")
    # 3 of the 4 members voted (the default quorum is half): two yes, one no.
    assert closed["data"]["outcome"] == "passed"
    await ws.disconnect()


async def test_a_secret_poll_streams_no_counts_before_five_ballots(cast):
    poll = await database_sync_to_async(open_vote)(cast, question="Q?", secret=True)
    ws = await connect(cast.member2.user)
    await subscribe(ws, f"poll:{poll.pk}")
    await database_sync_to_async(vote)(cast.member, poll, "yes")
    event = await receive_until(
        ws, lambda e: e["type"] == "poll.tally" and e["data"]["turnout"] == 1
    )
    assert "counts" not in json.dumps(event["data"])
    await ws.disconnect()


async def test_a_new_comment_is_announced_on_the_proposal_stream(cast):
    proposal = await database_sync_to_async(actions.draft_proposal)(
        cast.member, title="T", body="B"
    )
    ws = await connect(cast.member2.user)
    await subscribe(ws, f"proposal:{proposal.pk}")
    comment = await database_sync_to_async(actions.post_comment)(
        cast.steward, proposal=proposal, body="Count me in"
    )
    event = await receive_until(ws, lambda e: e["type"] == "comment.posted")
    assert event["data"] == {"comment": comment.pk, "parent": None}
    await ws.disconnect()
