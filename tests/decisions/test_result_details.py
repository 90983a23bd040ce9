"""What a closed vote shows beside its counts (issue 9, point 8): the reasons voters gave
(a block's required reason, any optional one), with names in a named vote and without in
a secret one; seats left unfilled in approval; and each refusal names its real reason.

How checked: before, reasons were stored but shown nowhere, "2 of 3 seats" was not said,
and a member not checked in for a present-only vote was told they were not a member when
it opened.
"""

import pytest
from django.test import Client

from assembly.errors import ActionError
from decisions import actions
from tests.conftest import join, make_user
from tests.decisions.conftest import open_vote, vote


def _page(cast, poll, who="member2"):
    client = Client()
    client.force_login(getattr(cast, who).user)
    return client.get(f"/a/{cast.assembly.slug}/polls/{poll.pk}/").content.decode()


def test_named_reasons_show_with_the_voters_names_after_the_close(cast, proposal):
    poll = open_vote(cast, proposal=proposal, method="consensus", quorum=0)
    vote(cast.member, poll, "block", reason="It puts families at risk.")
    vote(cast.member2, poll, "agree", reason="We promised the parents.")
    assert "puts families at risk" not in _page(cast, poll)  # not while open
    actions.close_poll(cast.facilitator, poll=poll)
    page = _page(cast, poll)
    assert "<strong>Ana</strong> · Block: “It puts families at risk.”" in page
    assert "<strong>Luz</strong> · Agree: “We promised the parents.”" in page


def test_secret_reasons_show_without_names(cast, proposal):
    voters = [join(make_user(f"r{i}@example.org"), cast.assembly, f"Rider {i}") for i in range(5)]
    poll = open_vote(cast, proposal=proposal, method="consensus", secret=True, quorum=0)
    for i, voter in enumerate(voters):
        vote(voter, poll, "agree", reason=f"Reason number {i}")
    actions.close_poll(cast.facilitator, poll=poll)
    page = _page(cast, poll)
    assert all(f"Agree: “Reason number {i}”" in page for i in range(5))
    assert not any(f"Rider {i}" in page for i in range(5))


def test_a_small_secret_vote_shows_no_reasons(cast, proposal):
    poll = open_vote(cast, proposal=proposal, method="consensus", secret=True, quorum=0)
    vote(cast.member, poll, "block", reason="I know who wrote this.")
    actions.close_poll(cast.facilitator, poll=poll)
    assert "I know who wrote this." not in _page(cast, poll)


def test_unfilled_approval_seats_are_said(cast):
    poll = open_vote(cast, method="approval", options=["Ana", "Beto", "Caro", "Dani"], seats=3,
                     question="Who joins the delegation?", quorum=0)  # fmt: skip
    vote(cast.member, poll, ["o1", "o2"])
    actions.close_poll(cast.facilitator, poll=poll)
    page = _page(cast, poll)
    assert "2 of 3 seats filled: no other option was approved by anyone." in page


def test_not_checked_in_is_named_as_the_reason(cast, running):  # noqa: F811
    from meetings import actions as meeting_actions

    meeting_actions.check_in(cast.member, meeting=running)
    link = meeting_actions.open_floor_vote(cast.facilitator, meeting=running, question="Q?",
                                           method="majority", present_only=True)  # fmt: skip
    with pytest.raises(ActionError, match="Only members checked in when this vote opened"):
        vote(cast.member2, link.poll, "yes")
    poll = open_vote(cast, question="Standalone?")
    late = join(make_user("late@example.org"), cast.assembly, "Late")
    with pytest.raises(ActionError, match="who were members when this vote opened"):
        vote(late, poll, "yes")


from tests.meetings.conftest import meeting, running  # noqa: E402,F401
