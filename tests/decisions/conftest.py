import pytest

from decisions import actions


@pytest.fixture
def proposal(cast):
    """A proposal by the member, open for discussion."""
    p = actions.draft_proposal(
        cast.member,
        title="Sanctuary pledge for Lincoln High",
        body="We ask the school board to **adopt** the pledge.",
    )
    return actions.open_discussion(cast.member, proposal=p)


def open_vote(cast, proposal=None, **kwargs):
    kwargs.setdefault("question", "Adopt it?")
    kwargs.setdefault("method", "majority")
    return actions.open_poll(cast.facilitator, proposal=proposal, **kwargs)


def vote(member, poll, choice, key=None, reason=""):
    return actions.cast_ballot(
        member,
        poll=poll,
        choice=choice,
        reason=reason,
        idempotency_key=key or f"key-{member.pk}-{poll.pk}-xyz",
    )
