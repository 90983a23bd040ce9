"""Many people pressing at once never give a training more places than it has: the
last place goes to exactly one person, the others join the waitlist in order, and a
cancellation racing new sign-ups moves exactly one person up.

Real threads, each with its own database connection, against PostgreSQL when
DATABASE_URL is set (on SQLite the same test runs, with writes serialised)."""

import pytest

from tests import races as threads
from tests.trainings.conftest import people, plan
from trainings import actions
from trainings.models import Rsvp

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 4


def race(calls):
    """Each sign-up's status, or the message it was refused with."""
    return [getattr(r, "status", r) for r in threads.race(calls)]


def test_the_last_place_taken_by_two_at_once(crew):
    for n in range(ROUNDS):
        training = plan(crew, title=f"Session {n}", capacity=3)
        first = people(crew, 2, prefix=f"a{n}x")
        for person in first:
            actions.sign_up(person, training)
        racers = people(crew, 2, prefix=f"b{n}x")
        outcomes = race([lambda p=p, t=training: actions.sign_up(p, t) for p in racers])
        assert sorted(outcomes) == ["confirmed", "waitlisted"]
        training.refresh_from_db()
        assert training.confirmed_count == 3
        assert Rsvp.objects.filter(training=training, status="confirmed").count() == 3


def test_a_crowd_for_the_last_places_member_and_public_alike(crew):
    training = plan(crew, capacity=10)
    for person in people(crew, 7, prefix="early"):
        actions.sign_up(person, training)
    crowd = people(crew, 12, prefix="crowd")
    calls = [lambda p=p: actions.sign_up(p, training) for p in crowd]
    calls += [
        lambda i=i: actions.public_sign_up(training, name=f"Guest {i}",
                                           contact=f"g{i}@example.net")
        for i in range(12)
    ]  # fmt: skip
    outcomes = race(calls)
    assert outcomes.count("confirmed") == 3 and outcomes.count("waitlisted") == 21
    training.refresh_from_db()
    assert training.confirmed_count == 10
    assert Rsvp.objects.filter(training=training, status="confirmed").count() == 10
    # The waitlist is in the order people were queued, with no ties lost.
    waiting = list(Rsvp.objects.filter(training=training, status="waitlisted"))
    assert len(waiting) == 21 == len({(r.queued_at, r.pk) for r in waiting})


def test_a_cancellation_racing_new_sign_ups_moves_exactly_one_up(crew):
    for n in range(ROUNDS):
        training = plan(crew, title=f"Night {n}", capacity=2)
        a, b, c = people(crew, 3, prefix=f"c{n}x")
        for person in (a, b, c):
            actions.sign_up(person, training)  # c waits
        newcomers = people(crew, 3, prefix=f"d{n}x")
        calls = [lambda t=training, p=a: actions.cancel_sign_up(p, t)]
        calls += [lambda p=p, t=training: actions.sign_up(p, t) for p in newcomers]
        outcomes = race(calls)
        assert outcomes[0] == "cancelled"
        training.refresh_from_db()
        assert training.confirmed_count == 2
        confirmed = set(Rsvp.objects.filter(training=training, status="confirmed")
                        .values_list("member_id", flat=True))  # fmt: skip
        # c was first in the queue: c got a's place, whatever the newcomers did.
        assert confirmed == {b.pk, c.pk}
        assert sorted(outcomes[1:]) == ["waitlisted"] * 3
