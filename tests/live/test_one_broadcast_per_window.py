"""One broadcast per stream per window for all workers (issue 10, point 4; README, "One
broadcast per change, for all workers"): the first worker to see a change in a window
builds the broadcast and the others leave it to that one, and that broadcast still shows
every write made anywhere before it was built.

With Redis, through the real shared cache and the real Redis channel layer: the test
plays the other worker by holding the stream's window in the shared cache (what a worker
does when a write lands there first), then casts ballots in this process as a server
thread does. Only on the PostgreSQL + Redis pass: without Redis there is one process and
no window to share.

How checked: with the window not looked up (each worker broadcasting its own), this
process broadcast the first ballot while the other worker held the window.
"""

import os

import pytest
from channels.db import database_sync_to_async
from django.core.cache import cache

from assembly import live
from decisions import actions
from tests.live.conftest import connect, receive_until, settled, subscribe

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="workers share windows in Redis"),
    pytest.mark.django_db(transaction=True),
]


def _ballot(member, poll, key):
    actions.cast_ballot(member, poll=poll, choice="yes", idempotency_key=key)


async def test_a_write_in_another_workers_window_is_left_to_that_worker(cast):
    poll = await database_sync_to_async(actions.open_poll)(
        cast.facilitator, question="Occupy the lobby?", method="majority"
    )
    ws = await connect(cast.steward.user)
    assert (await subscribe(ws, poll.stream))["type"] == "subscribed"
    await receive_until(ws, lambda e: e["type"] == "poll.tally")  # the snapshot
    gate = live._gate(poll.stream)

    # The other worker saw a change first: it holds this window.
    assert cache.add(gate, 1, live.GATE_SECONDS)
    await database_sync_to_async(_ballot)(cast.member, poll, "window-one-1")
    await settled()
    assert await ws.receive_nothing(timeout=1.0), "a second broadcast in the same window"

    # That worker broadcasts: it lets go of the window, then reads. Here, this process
    # is the first in the next window, and its broadcast shows the ballot cast during the
    # other's window too.
    cache.delete(gate)
    await database_sync_to_async(_ballot)(cast.member2, poll, "window-two-1")
    event = await receive_until(ws, lambda e: e["type"] == "poll.tally")
    assert event["data"]["turnout"] == 2
    await settled()
    assert cache.get(gate) is None  # let go before the read: the next write can take it
    assert event["stream"] == poll.stream
    await ws.disconnect()
