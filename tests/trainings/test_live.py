"""A training's counts, live through the real ASGI stack: the door sees check-ins rise,
and members see places taken and the waitlist, always ending on the exact numbers."""

import pytest
from channels.db import database_sync_to_async

from tests.live.conftest import connect, receive_until, subscribe
from tests.trainings.conftest import people, plan, started
from trainings import actions
from trainings.models import Rsvp

pytestmark = pytest.mark.django_db(transaction=True)


async def test_places_waitlist_and_check_ins_arrive_exact(request):
    crew = await database_sync_to_async(request.getfixturevalue)("crew")
    training = await database_sync_to_async(plan)(crew, capacity=2)
    door = await connect(crew.facilitator.user)
    await subscribe(door, training.stream)
    first = await receive_until(door, lambda e: e["type"] == "training.counts")
    assert first["data"]["confirmed"] == 0 and first["data"]["capacity"] == 2

    crowd = await database_sync_to_async(people)(crew, 3)
    for person in crowd:
        await database_sync_to_async(actions.sign_up)(person, training)
    full = await receive_until(
        door, lambda e: e["type"] == "training.counts" and e["data"]["waitlisted"] == 1
    )
    assert full["data"]["confirmed"] == 2 and full["data"]["left"] == 0
    assert full["data"]["swap"][f"training-{training.pk}-confirmed"] == "2"

    await database_sync_to_async(started)(training)
    for rsvp in await database_sync_to_async(list)(Rsvp.objects.filter(status="confirmed")):
        await database_sync_to_async(actions.check_in)(crew.facilitator, rsvp)
    await database_sync_to_async(actions.add_walk_in)(crew.steward, training, name="Beto")
    came = await receive_until(
        door, lambda e: e["type"] == "training.counts" and e["data"]["came"] == 3
    )
    assert came["data"]["swap"][f"training-{training.pk}-came"] == "3"
    await door.disconnect()
