"""What a secret vote publishes (issue 9, points 2 and 4): only its turnout while it is
open, to everyone; at the close its counts and ballots file, unless fewer than five
ballots were cast, when only the outcome is published (README, "What a secret ballot
protects").

How checked: with the earlier rule (counts shown once five ballots were in, everything
published at the close), the small-vote tests failed on the counts, the ballots file and
the ledger entry, and the open-vote test on the results shown after a sixth ballot.
"""

import pytest
from django.test import Client

from decisions import actions
from decisions.live_state import poll_events, results_public, results_visible
from decisions.models import Decision
from tests.conftest import join, make_user
from tests.decisions.conftest import open_vote, vote


def _voters(cast, n):
    return [join(make_user(f"s{i}@example.org"), cast.assembly, f"Sam {i}") for i in range(n)]


def _page(cast, poll, who="member2"):
    client = Client()
    client.force_login(getattr(cast, who).user)
    return client.get(f"/a/{cast.assembly.slug}/polls/{poll.pk}/")


@pytest.mark.parametrize("visibility", ["live", "after_vote", "after_close"])
def test_an_open_secret_vote_shows_turnout_only_to_everyone(cast, proposal, visibility):
    voters = _voters(cast, 6)
    poll = open_vote(cast, proposal=proposal, secret=True, results_visibility=visibility)
    for voter in voters:
        vote(voter, poll, "yes")
    assert poll.results_visibility == "after_close"
    for member in [*voters, cast.member, cast.facilitator, cast.steward]:
        assert not results_visible(poll, member)
    assert not results_public(poll)
    events = poll_events(poll.pk)
    assert [(stream, data.get("counts")) for stream, _t, data in events] == [(poll.stream, None)]
    assert events[0][2]["turnout"] == 6
    html = _page(cast, poll, "steward").content.decode()
    assert f"poll-{poll.pk}-count-" not in html
    assert "everyone sees only how many have voted" in html


def test_a_named_live_vote_still_shows_counts(cast, proposal):
    poll = open_vote(cast, proposal=proposal, results_visibility="live")
    vote(cast.member, poll, "yes")
    assert results_public(poll)
    assert poll_events(poll.pk)[0][2]["counts"] == {"yes": "1", "no": "0", "abstain": "0"}


@pytest.mark.parametrize("ballots", [1, 4])
def test_a_small_secret_vote_publishes_its_outcome_only(cast, proposal, ballots):
    voters = _voters(cast, ballots)
    poll = open_vote(cast, proposal=proposal, secret=True, quorum=0)
    for voter in voters:
        vote(voter, poll, "yes")
    actions.enter_counts(cast.facilitator, poll=poll, counts={"yes": 2, "no": 1})
    poll = actions.close_poll(cast.facilitator, poll=poll)
    assert poll.outcome == "passed"
    assert poll.result["withheld"] is True
    assert poll.result["counts"] == {} and poll.result["rounds"] == []
    assert poll.result["details"] == {} and poll.result["tie_breaks"] == []
    entry = Decision.objects.get(poll=poll)
    assert entry.result["counts"] == {} and entry.entered_counts == {}
    response = _page(cast, poll)
    html = response.content.decode()
    assert "only its outcome is published" in html
    assert "ballots.csv" not in html
    client = Client()
    client.force_login(cast.member.user)
    csv = client.get(f"/a/{cast.assembly.slug}/polls/{poll.pk}/ballots.csv")
    assert csv.status_code == 403
    assert b"yes" not in csv.content


def test_five_secret_ballots_publish_counts_and_ballots(cast, proposal):
    voters = _voters(cast, 5)
    poll = open_vote(cast, proposal=proposal, secret=True, quorum=0)
    for i, voter in enumerate(voters):
        vote(voter, poll, "yes" if i else "no")
    poll = actions.close_poll(cast.facilitator, poll=poll)
    assert "withheld" not in poll.result
    assert poll.result["counts"] == {"yes": 4, "no": 1, "abstain": 0}
    client = Client()
    client.force_login(cast.member.user)
    csv = client.get(f"/a/{cast.assembly.slug}/polls/{poll.pk}/ballots.csv")
    assert csv.status_code == 200
    assert csv.content.decode().count("\n") == 6


def test_a_small_named_vote_publishes_everything(cast, proposal):
    poll = open_vote(cast, proposal=proposal, quorum=0)
    vote(cast.member, poll, "yes")
    poll = actions.close_poll(cast.facilitator, poll=poll)
    assert poll.result["counts"] == {"yes": 1, "no": 0, "abstain": 0}
