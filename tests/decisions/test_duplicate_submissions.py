"""A member's second submission that lands in the instant between cast_ballot's "has this
member voted?" check and its insert: the unique participation row refuses it, and the
person gets a clear answer, never a server error.

On PostgreSQL the threads of test_integrity's race reach this moment by themselves. On
SQLite they cannot (IMMEDIATE transactions serialise the whole ballot), so here the
other tab's row is written at exactly that moment, through the ballot-guard seam that
runs between the check and the insert, in the same transaction: what the handler then
sees is what it sees on PostgreSQL after the other connection commits.

Checked: with the handler re-raising the IntegrityError (`except IntegrityError: raise`),
every test here fails on SQLite and on PostgreSQL.
"""

import pytest
from django.utils import timezone

from assembly.errors import ActionError
from decisions import actions
from decisions.models import Ballot, Participation
from tests.conftest import client_for
from tests.decisions.conftest import open_vote, vote


@pytest.fixture
def other_tab(monkeypatch):
    """Make the member's other tab's submission (with `key`) land between check and insert."""

    def arrange(key):
        def guard(actor, poll, voter):
            if not Participation.objects.filter(poll=poll, member=voter).exists():
                Participation.objects.create(
                    poll=poll, member=voter, idempotency_key=key, voted_at=timezone.now()
                )

        monkeypatch.setattr(actions, "BALLOT_GUARDS", [*actions.BALLOT_GUARDS, guard])

    return arrange


def test_another_submission_in_the_same_instant_is_refused_clearly(cast, other_tab):
    poll = open_vote(cast, question="Strike?")
    other_tab("other-tab-key-1")
    with pytest.raises(ActionError, match="^You have already voted in this vote.$"):
        vote(cast.member, poll, "yes", key="this-tab-key-2")
    # Nothing half-written. (The other tab's row goes too: here it was written inside
    # this transaction, which the refusal rolls back; on PostgreSQL it is committed.)
    assert not Ballot.objects.filter(poll=poll).exists()


def test_the_same_submission_arriving_twice_in_one_instant_is_answered_as_a_retry(cast, other_tab):
    poll = open_vote(cast, question="Strike?")
    other_tab("same-key-123")
    answer = vote(cast.member, poll, "yes", key="same-key-123")
    assert answer.repeated is True and answer.receipt == ""
    assert Participation.objects.filter(poll=poll, member=cast.member).count() == 1


def test_the_ballot_form_answers_400_with_the_reason_not_500(cast, other_tab):
    poll = open_vote(cast, question="Strike?")
    other_tab("other-tab-key-1")
    response = client_for(cast, "member").post(
        f"/a/eastside/polls/{poll.pk}/", {"choice": "yes", "idempotency_key": "this-tab-key-2"}
    )
    assert response.status_code == 400
    assert "You have already voted in this vote." in response.content.decode()
