"""Two facilitators press "next speaker" at the same instant; a phone retries a check-in.

Real threads, each with its own database connection (PostgreSQL when DATABASE_URL is
set; on SQLite the same test runs with writes serialised)."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from assembly.errors import ActionError
from assembly.meetings import actions
from assembly.meetings.models import Attendance, Hand
from tests.meetings.conftest import current

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(calls):
    """Run the callables in threads released together; return their results or errors."""
    barrier = threading.Barrier(len(calls))
    results = []
    lock = threading.Lock()

    def run(call):
        try:
            barrier.wait(timeout=10)
            try:
                outcome = call()
            except ActionError as exc:
                outcome = exc
            with lock:
                results.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == len(calls)
    return results


def test_two_facilitators_call_one_speaker(cast, running):
    item = current(running)
    for person in (cast.member, cast.member2):
        actions.raise_hand(person, item=item)
    results = at_once(
        [lambda who=who: actions.call_next(who, item=item, expected_hand=None)
         for who in (cast.facilitator, cast.steward, cast.facilitator, cast.steward)]
    )  # fmt: skip
    called = [r for r in results if isinstance(r, Hand)]
    assert len(called) == 1
    assert all("already called" in r.message for r in results if isinstance(r, ActionError))
    assert Hand.objects.filter(item=item, state="spoke").count() == 1
    assert Hand.objects.filter(item=item, state="waiting").count() == 1
    item.refresh_from_db()
    assert item.current_hand == called[0]


def test_two_facilitators_move_on_one_item(cast, running):
    first = current(running).pk
    results = at_once(
        [lambda who=who: actions.next_item(who, meeting=running, expected_item=first)
         for who in (cast.facilitator, cast.steward)]
    )  # fmt: skip
    assert sum(1 for r in results if not isinstance(r, ActionError)) == 1
    assert current(running).title == "Rapid response"


def test_check_in_many_times_at_once_counts_once(cast, running):
    at_once([lambda: actions.check_in(cast.member, meeting=running) for _ in range(6)])
    assert Attendance.objects.filter(meeting=running, member=cast.member).count() == 1


def test_the_database_itself_refuses_a_second_check_in(cast, running):
    actions.check_in(cast.member, meeting=running)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(meeting=running, member=cast.member)


def test_the_database_itself_refuses_two_waiting_hands(cast, running):
    item = current(running)
    actions.raise_hand(cast.member, item=item)
    with pytest.raises(IntegrityError), transaction.atomic():
        Hand.objects.create(item=item, member=cast.member, raised_seq=99)
