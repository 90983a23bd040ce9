"""A proposal from draft to decision, through the actions."""

import pytest

from assembly.errors import ActionError, NotAllowed
from decisions import actions
from decisions.models import Amendment, Poll, Proposal, ProposalEvent
from tests.decisions.conftest import open_vote, vote


def test_draft_seconds_and_discussion(cast):
    cast.assembly.seconds_required = 2
    cast.assembly.save()
    p = actions.draft_proposal(cast.member, title="Phone tree", body="Set up a phone tree.")
    with pytest.raises(ActionError, match="needs 2 seconds"):
        actions.open_discussion(cast.member, proposal=p)
    with pytest.raises(ActionError, match="own proposal"):
        actions.second_proposal(cast.member, proposal=p)
    actions.second_proposal(cast.member2, proposal=p)
    actions.second_proposal(cast.member2, proposal=p)  # twice counts once
    actions.second_proposal(cast.steward, proposal=p)
    assert p.seconds.count() == 2
    actions.open_discussion(cast.member, proposal=p)
    p.refresh_from_db()
    assert p.state == "discussion"
    assert list(ProposalEvent.objects.filter(proposal=p).values_list("to_state", flat=True)) == [
        "draft",
        "discussion",
    ]


def test_amendments_accepted_by_author_make_a_new_version(cast, proposal):
    amendment = actions.propose_amendment(
        cast.member2, proposal=proposal, body="We ask the school board to adopt the pledge **now**."
    )
    with pytest.raises(NotAllowed):
        actions.decide_amendment(cast.member2, amendment=amendment, accept=True)
    actions.decide_amendment(cast.member, amendment=amendment, accept=True)
    proposal.refresh_from_db()
    assert proposal.version == 2
    assert "now" in proposal.body_html
    assert [v.number for v in proposal.versions.all()] == [1, 2]


def test_an_amendment_put_to_a_vote(cast, proposal):
    amendment = actions.propose_amendment(cast.member2, proposal=proposal, body="Shorter text.")
    poll = open_vote(cast, amendment=amendment)
    assert Amendment.objects.get(pk=amendment.pk).state == "voting"
    vote(cast.member, poll, "yes")
    vote(cast.member2, poll, "yes")
    vote(cast.steward, poll, "no")
    actions.close_poll(cast.facilitator, poll=poll)
    assert Amendment.objects.get(pk=amendment.pk).state == "adopted"
    assert Proposal.objects.get(pk=proposal.pk).body == "Shorter text."


def test_passing_vote_passes_the_proposal_and_records_the_decision(cast, proposal, capture_live):
    poll = open_vote(cast, proposal=proposal)
    assert Proposal.objects.get(pk=proposal.pk).state == "voting"
    for member in (cast.member, cast.member2, cast.steward):
        vote(member, poll, "yes")
    vote(cast.facilitator, poll, "no")
    with capture_live() as sent:
        poll = actions.close_poll(cast.facilitator, poll=poll)
    assert poll.outcome == "passed"
    assert poll.result["counts"] == {"yes": 3, "no": 1, "abstain": 0}
    assert Proposal.objects.get(pk=proposal.pk).state == "passed"
    types = [event.get("type") for _group, event in sent]
    assert "decision.recorded" in types and "poll.closed" in types


def test_missing_quorum_is_reported_not_passed(cast, proposal):
    poll = open_vote(cast, proposal=proposal, quorum=3)
    vote(cast.member, poll, "yes")
    poll = actions.close_poll(cast.facilitator, poll=poll)
    assert poll.outcome == "no_quorum"
    assert Proposal.objects.get(pk=proposal.pk).state == "discussion"


def test_the_electorate_is_frozen_when_the_poll_opens(cast, proposal):
    from assembly import actions as assembly_actions
    from tests.conftest import make_user

    poll = open_vote(cast, proposal=proposal)
    assert poll.electorate_size == 4
    _inv, token = assembly_actions.create_invitation(cast.steward)
    late = assembly_actions.accept_invitation(
        make_user("late@example.org"), token=token, display_name="Late"
    )
    with pytest.raises(ActionError, match="members when this vote opened"):
        vote(late, poll, "yes")


def test_only_facilitators_open_and_close(cast, proposal):
    with pytest.raises(NotAllowed):
        actions.open_poll(cast.member, question="x", method="majority", proposal=proposal)
    poll = open_vote(cast, proposal=proposal)
    with pytest.raises(NotAllowed):
        actions.close_poll(cast.member, poll=poll)


def test_comments_one_level_of_replies_and_hiding(cast, proposal):
    top = actions.post_comment(cast.member2, proposal=proposal, body="I support this.")
    reply = actions.post_comment(cast.member, proposal=proposal, body="Thanks!", parent=top)
    deeper = actions.post_comment(cast.steward, proposal=proposal, body="Me too", parent=reply)
    assert deeper.parent_id == top.pk  # stays one level deep
    with pytest.raises(NotAllowed):
        actions.hide_comment(cast.member, comment=top, reason="spam")
    with pytest.raises(ActionError):
        actions.hide_comment(cast.facilitator, comment=top, reason=" ")
    actions.hide_comment(cast.facilitator, comment=top, reason="personal attack")
    top.refresh_from_db()
    assert top.hidden_reason == "personal attack" and top.body == "I support this."


def test_bad_poll_settings_are_refused(cast):
    with pytest.raises(ActionError, match="at least two options"):
        open_vote(cast, method="single", options=["only one"])
    with pytest.raises(ActionError, match="same text"):
        open_vote(cast, method="single", options=["A", "a"])
    with pytest.raises(ActionError):
        open_vote(cast, method="stv", options=["A", "B"], seats=5)
    with pytest.raises(ActionError, match="Choose a voting method"):
        open_vote(cast, method="coin_flip")
    assert not Poll.objects.exists()


def test_a_proposal_on_behalf_of_a_working_group(cast):
    from groups.models import Group, GroupMembership

    group = Group.objects.create(assembly=cast.assembly, name="Mutual Aid", slug="aid")
    with pytest.raises(ActionError, match="working group you belong to"):
        actions.draft_proposal(cast.member, title="T", body="B", group=group)
    GroupMembership.objects.create(group=group, member=cast.member)
    proposal = actions.draft_proposal(cast.member, title="T", body="B", group=group)
    assert proposal.group == group
