"""A ballot confirmed to its voter is always in the official result (issue 9, point 1).

Members vote on their own connections while the vote closes: by a facilitator's hand,
because its closing time passed (`close_due_polls`, the timer), or because a page view
found it past its time. Every ballot the voter was told was recorded is in the count, the
decisions-log entry and a recount of the published ballots file; every refused one is
absent. The race only exists where transactions interleave (PostgreSQL); on SQLite the
same tests run and hold because whole write transactions are serialised.

How checked: with `cast_ballot` reading the poll without a lock (the code before this
fix), `test_a_ballot_in_flight_when_the_vote_closes_is_counted_or_refused` failed on
PostgreSQL in all three closings (the ballot was confirmed and left out of the count);
with the ballot box reading the poll without its lock, the ballots cast together (over
the socket) failed likewise in all three.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from assembly.errors import ActionError
from decisions import actions, ballots_csv, tally
from decisions.models import Ballot, Decision, Participation, Poll
from tests.conftest import join, make_user
from tests.decisions.conftest import open_vote, vote

JOIN_TIMEOUT = 60


def _members(cast, n):
    return [join(make_user(f"voter{i}@example.org"), cast.assembly, f"Voter {i}") for i in range(n)]


def _run(threads):
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a thread did not finish"


def _recount(poll):
    """Count the ballots file exactly as a third party would."""
    rows = [(b.pk, b.choice, None) for b in Ballot.objects.filter(poll=poll)]
    text = ballots_csv.write(poll.method, rows, named=False)
    ballots = ballots_csv.read(poll.method, text)
    return tally.count(poll.method, ballots, seed=poll.seed, **poll.tally_params())


def _assert_agrees(poll, confirmed, refused):
    poll = Poll.objects.get(pk=poll.pk)
    assert poll.state == "closed"
    stored = set(Ballot.objects.filter(poll=poll).values_list("pk", flat=True))
    voters = set(Participation.objects.filter(poll=poll).values_list("member_id", flat=True))
    # Every confirmed voter's participation and ballot are stored, and nothing else is.
    assert voters == {m.pk for m in confirmed}
    assert len(stored) == len(confirmed)
    assert not voters & {m.pk for m in refused}
    # The official count, the recount of the ballots file and the ledger agree.
    assert poll.turnout == len(confirmed)
    recount = _recount(poll)
    assert poll.result["counts"] == {k: int(v) for k, v in recount.as_dict()["counts"].items()}
    if poll.proposal_id and poll.outcome == "passed":
        entry = Decision.objects.get(poll=poll)
        assert entry.turnout == len(confirmed)
        assert entry.result["counts"] == poll.result["counts"]


class SlowGuard:
    """A ballot guard (the seam meetings uses for proxies) that holds a ballot between its
    "still open?" check and its insert until the closer has been let go, then waits a
    little more: the window in which a ballot used to slip past a close."""

    def __init__(self, pause=0.3):
        self.in_flight = threading.Event()
        self.pause = pause

    def __call__(self, actor, poll, voter):
        self.in_flight.set()
        time.sleep(self.pause)


@pytest.fixture
def slow_guard():
    guard = SlowGuard()
    actions.BALLOT_GUARDS.append(guard)
    yield guard
    actions.BALLOT_GUARDS.remove(guard)


def _close_by_hand(cast, poll):
    actions.close_poll(cast.facilitator, poll=poll)


def _close_by_timer(cast, poll):
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now())
    closed = actions.close_due_polls()
    assert [p.pk for p in closed] == [poll.pk]


def _close_by_page_view(cast, poll):
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now())
    client = Client()
    client.force_login(cast.member2.user)
    response = client.get(f"/a/{cast.assembly.slug}/polls/{poll.pk}/")
    assert response.status_code == 200


CLOSINGS = {"by hand": _close_by_hand, "by time": _close_by_timer, "page": _close_by_page_view}


def _closer(barrier, cast, poll, closing, after):
    """A thread that waits at `barrier` with the voters, then closes the vote `after`
    seconds later, as `closing` says."""

    def close():
        try:
            barrier.wait(timeout=20)
            time.sleep(after)
            CLOSINGS[closing](cast, poll)
        finally:
            connections.close_all()

    return threading.Thread(target=close)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("closing", list(CLOSINGS))
def test_a_ballot_in_flight_when_the_vote_closes_is_counted_or_refused(
    cast, proposal, slow_guard, closing
):
    poll = open_vote(cast, proposal=proposal, quorum=0,
                     closes_at=timezone.now() + timedelta(hours=1))  # fmt: skip
    outcome = {}

    def voter():
        try:
            outcome["cast"] = vote(cast.member, poll, "yes")
        except ActionError as exc:
            outcome["refused"] = exc
        finally:
            connections.close_all()

    def closer():
        try:
            assert slow_guard.in_flight.wait(timeout=20)
            CLOSINGS[closing](cast, poll)
            outcome["closed"] = True
        finally:
            connections.close_all()

    _run([threading.Thread(target=voter), threading.Thread(target=closer)])
    assert outcome.get("closed") is True
    if "cast" in outcome:
        _assert_agrees(poll, confirmed=[cast.member], refused=[])
    else:
        assert "closed" in str(outcome["refused"])
        _assert_agrees(poll, confirmed=[], refused=[cast.member])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("closing", list(CLOSINGS))
def test_a_crowd_voting_through_the_close_is_counted_exactly(cast, proposal, closing):
    """24 members vote at once on their own connections while the vote closes; each is
    told either "recorded" (and is in every count) or "closed" (and is in none)."""
    members = _members(cast, 24)
    poll = open_vote(cast, proposal=proposal, quorum=0,
                     closes_at=timezone.now() + timedelta(hours=1))  # fmt: skip
    barrier = threading.Barrier(len(members) + 1)
    confirmed, refused, errors = [], [], []
    lock = threading.Lock()

    def voter(i, member):
        try:
            barrier.wait(timeout=20)
            time.sleep(0.002 * i)  # arrivals spread across the close
            vote(member, poll, "yes" if i % 3 else "no")
        except ActionError as exc:
            with lock:
                (refused if "closed" in str(exc) else errors).append((member, exc))
        else:
            with lock:
                confirmed.append(member)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=voter, args=(i, m)) for i, m in enumerate(members)]
    _run([*threads, _closer(barrier, cast, poll, closing, after=0.02)])
    assert errors == []
    assert len(confirmed) + len(refused) == len(members)
    _assert_agrees(poll, confirmed=confirmed, refused=[m for m, _exc in refused])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("closing", list(CLOSINGS))
def test_ballots_cast_together_through_the_close_are_counted_exactly(cast, proposal, closing):
    """As above, for ballots sent over the meeting's socket, which go in together (one
    ballot box per crowd of them): 4 boxes of 6 ballots each while the vote closes."""
    from assembly.live import Act
    from decisions.live_state import cast_over_socket

    members = _members(cast, 24)
    poll = open_vote(cast, proposal=proposal, quorum=0,
                     closes_at=timezone.now() + timedelta(hours=1))  # fmt: skip
    barrier = threading.Barrier(5)
    confirmed, refused, errors = [], [], []
    lock = threading.Lock()

    choices = ["no", "yes", "yes"]

    def box(k, crowd):
        try:
            barrier.wait(timeout=20)
            time.sleep(0.01 * k)  # boxes spread across the close
            acts = [Act(user=m.user, language="en", arrived=timezone.now(), data={
                "poll": poll.pk,
                "fields": [["choice", choices[i % 3]], ["idempotency_key", f"k-{m.pk}-xyz"]],
            }) for i, m in enumerate(crowd)]  # fmt: skip
            answers = cast_over_socket(acts)
            with lock:
                for member, (kind, data) in zip(crowd, answers, strict=True):
                    if kind == "ballot.recorded":
                        confirmed.append(member)
                    elif "closed" in data["message"]:
                        refused.append(member)
                    else:
                        errors.append((member, data["message"]))
        finally:
            connections.close_all()

    crowds = [members[k::4] for k in range(4)]
    threads = [threading.Thread(target=box, args=(k, crowd)) for k, crowd in enumerate(crowds)]
    _run([*threads, _closer(barrier, cast, poll, closing, after=0.015)])
    assert errors == []
    assert len(confirmed) + len(refused) == len(members)
    _assert_agrees(poll, confirmed=confirmed, refused=refused)
