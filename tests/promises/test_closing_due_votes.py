"""README: "Pages also close a vote whose time has passed when someone opens it" (when no
timer has run `send_notifications` yet), and "A ballot that arrives ... after the
closing time even if nothing has closed the vote yet, is refused."

Each page of a vote, opened after its closing time, finds it closed and counted: the
vote page (read, or a ballot sent to it), its published ballots and a receipt lookup.
A passed proposal's decision lands in the log at that moment. The timer's command
closes it too, without anyone opening a page.

Checked: with the close-on-read in decisions/queries.py `access_poll` (and the one in
views.`_poll_context`) removed, every page case here fails, on SQLite and PostgreSQL.
"""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from decisions.models import Decision, Poll
from tests.conftest import client_for
from tests.decisions.conftest import open_vote, vote


@pytest.fixture
def overdue(cast, proposal):
    """A secret vote with receipts on a proposal, five ballots in (the fewest for which a
    secret vote publishes its counts), its closing time just passed, and nothing has
    closed it."""
    from tests.conftest import join, make_user

    fifth = join(make_user("fifth@example.org"), cast.assembly, "Quinta")
    poll = open_vote(cast, proposal=proposal, secret=True, receipts=True, quorum=3,
                     closes_at=timezone.now() + timedelta(hours=1))  # fmt: skip
    poll.receipt = vote(cast.member, poll, "yes").receipt
    vote(cast.member2, poll, "yes")
    vote(cast.steward, poll, "no")
    vote(cast.facilitator, poll, "yes")
    vote(fifth, poll, "no")
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert Poll.objects.get(pk=poll.pk).state == "open"
    return poll


def closed_by_time(poll):
    poll = Poll.objects.get(pk=poll.pk)
    assert poll.state == "closed"
    assert poll.closed_by is None  # closed because its time passed, not by a person
    assert (poll.outcome, poll.turnout, poll.result["counts"]) == (
        "passed", 5, {"yes": 3, "no": 2, "abstain": 0}
    )  # fmt: skip
    assert Decision.objects.filter(poll=poll).count() == 1
    return poll


def test_reading_the_vote_page_closes_it(cast, overdue):
    page = client_for(cast, "member2").get(f"/a/eastside/polls/{overdue.pk}/")
    assert page.status_code == 200
    closed_by_time(overdue)
    assert page.context["poll"].state == "closed"


def test_a_ballot_sent_after_the_time_is_refused_and_the_vote_closes(cast, overdue):
    response = client_for(cast, "facilitator").post(
        f"/a/eastside/polls/{overdue.pk}/", {"choice": "no", "idempotency_key": "late-key-123"}
    )
    assert response.status_code == 400
    assert "This vote is closed. Your ballot was not counted." in response.content.decode()
    assert closed_by_time(overdue).participations.count() == 5


def test_its_ballots_are_published_when_asked_for_after_the_time(cast, overdue):
    response = client_for(cast, "member2").get(f"/a/eastside/polls/{overdue.pk}/ballots.csv")
    assert response.status_code == 200
    assert len(response.content.decode().splitlines()) == 1 + 5  # header, five ballots
    closed_by_time(overdue)


def test_a_receipt_finds_its_ballot_when_looked_up_after_the_time(cast, overdue):
    response = client_for(cast, "member").get(
        f"/a/eastside/polls/{overdue.pk}/receipt/?code={overdue.receipt}"
    )
    assert response.status_code == 200
    assert response.context["ballot"] is not None
    assert response.context["ballot"].choice == "yes"
    closed_by_time(overdue)


def test_the_timer_closes_it_without_anyone_opening_a_page(cast, overdue):
    """README: `manage.py send_notifications` "closes votes whose time has passed"."""
    out = io.StringIO()
    call_command("send_notifications", stdout=out)
    assert out.getvalue().startswith("closed 1 votes,")
    closed_by_time(overdue)
