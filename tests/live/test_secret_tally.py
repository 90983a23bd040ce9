"""While a secret vote is open, nothing anyone receives tells which option the last ballot
chose (issue 9, point 2).

Two runs of the same floor vote, identical but for the last ballot ("yes" in one, "no" in
the other). Every kind of subscriber is connected through the real ASGI stack: the last
voter, an earlier voter, a member who does not vote, a facilitator and the room's
projector, on every stream they may open (the poll, its results facet, the meeting in
their language, the assembly, the projector) and their own per-person events; after each
ballot each socket's messages are collected, and the pages they would load are fetched
too. Normalised for ids, sequence numbers, clocks and form tokens, the two runs must be
identical, step by step.

How checked: with the earlier rule (counts live once five ballots were in), the sixth
ballot's step differed in the poll stream's counts and on the poll page.
"""

import asyncio
import json
import re

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from config.asgi import application
from meetings import actions as meeting_actions
from tests.conftest import join, make_user
from tests.decisions.conftest import vote
from tests.live.conftest import ORIGIN, connect, settled, subscribe
from tests.meetings.conftest import meeting, running  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)

EARLIER = ["yes", "no", "yes", "abstain", "no"]  # five ballots, then the one that differs
QUIET = 0.6  # longer than a coalesced broadcast's delay (0.25 s), through Redis too


async def drain(ws):
    """Every message this socket receives until it has been quiet for a moment."""
    got = []
    while not await ws.receive_nothing(timeout=QUIET):
        got.append(await ws.receive_from())
    return got


async def drain_all(sockets):
    """{name: drain(ws)} for every socket, drained side by side: each still waits until it
    has itself been quiet for QUIET seconds, but the sockets wait at the same time."""
    drained = await asyncio.gather(*(drain(ws) for ws in sockets.values()))
    return dict(zip(sockets, drained, strict=True))


def _next_poll_id(cast, start):
    """Make the next poll's id `start` (a number no count or other id can be), on either
    backend: a placeholder poll of another assembly holds `start - 1`."""
    from django.core.management.color import no_style
    from django.db import connection

    from decisions.models import Poll

    Poll.objects.create(
        pk=start - 1, assembly=cast.other_assembly, question="-", method="majority",
        seed="0" * 64, seed_digest="0" * 64, opened_by=cast.other,
    )  # fmt: skip
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Poll]):
            cursor.execute(sql)


def normalise(text, poll):
    """The same text with what legitimately differs between two runs made equal: the
    poll's id and seed digest, sequence numbers, clocks and per-form tokens."""
    assert poll.pk > 100000
    text = re.sub(rf"\b{poll.pk}\b", "P", text).replace(poll.seed_digest, "D")
    text = re.sub(r"-?\d+:\d\d\b", "T", text)  # countdowns
    text = re.sub(r"\d+ of (\d+) min", r"M of \1 min", text)  # time spent on the item
    text = re.sub(r'name="(csrfmiddlewaretoken|idempotency_key)" value="[^"]*"', r'name="\1"', text)
    text = re.sub(r'data-(now|ends|started)="\d+"', r'data-\1=""', text)
    return re.sub(r"/notifications/\d+/", "/notifications/N/", text)


def normalise_message(message, poll):
    event = json.loads(message)
    data = event.get("data") or {}
    for key in ("seq", "now", "speaker_ends", "item_ends"):
        data.pop(key, None)
    data["swap"] = {k: normalise(v, poll) for k, v in (data.get("swap") or {}).items()}
    return normalise(json.dumps(event, sort_keys=True), poll)


def _page(user, path):
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


async def one_run(cast, running, voters, last, first_id):  # noqa: F811
    await database_sync_to_async(_next_poll_id)(cast, first_id)
    link = await database_sync_to_async(meeting_actions.open_floor_vote)(
        cast.facilitator, meeting=running, question="Occupy the lobby?", method="majority",
        present_only=False, secret=True, use_proposal=False, quorum=0,
        results_visibility="live",
    )  # fmt: skip
    poll = link.poll
    watchers = {
        "last voter": voters[-1].user,
        "first voter": voters[0].user,
        "not voting": cast.member2.user,
        "facilitator": cast.facilitator.user,
    }
    sockets = {}
    for name, user in watchers.items():
        ws = await connect(user)
        for stream in (poll.stream, f"{poll.stream}:results", f"meeting:{running.pk}:en",
                       f"assembly:{cast.assembly.pk}"):  # fmt: skip
            await subscribe(ws, stream)
        sockets[name] = ws
    headers = [(b"origin", ORIGIN), (b"host", b"127.0.0.1:8000")]
    projector = WebsocketCommunicator(
        application, f"/ws/live/?token={running.projector_token}", headers=headers
    )
    assert (await projector.connect())[0]
    await subscribe(projector, f"meeting:{running.pk}:projector")
    sockets["projector"] = projector
    await asyncio.sleep(1.0)  # presence is broadcast 0.5 s after people arrive
    await drain_all(sockets)  # snapshots and presence as everyone arrives

    slug = cast.assembly.slug
    pages = {
        "poll page, last voter": (voters[-1].user, f"/a/{slug}/polls/{poll.pk}/"),
        "poll page, not voting": (cast.member2.user, f"/a/{slug}/polls/{poll.pk}/"),
        "meeting page": (cast.member2.user, f"/a/{slug}/meetings/{running.pk}/"),
        "projector page": (None, f"/projector/{running.pk}/{running.projector_token}/"),
        "poll list": (cast.member2.user, f"/a/{slug}/polls/"),
        "notifications": (voters[-1].user, "/notifications/"),
    }
    steps = []
    for voter, choice in zip(voters, [*EARLIER, last], strict=True):
        await database_sync_to_async(vote)(voter, poll, choice)
        await settled()
        step = {}
        for name, messages in (await drain_all(sockets)).items():
            step[name] = sorted({normalise_message(m, poll) for m in messages})
        for name, (user, path) in pages.items():
            html = await database_sync_to_async(_page)(user, path)
            step[name] = normalise(html, poll)
        steps.append(step)
    for ws in sockets.values():
        await ws.disconnect()
    await settled()
    await database_sync_to_async(_forget)(poll)
    return steps


def _forget(poll):
    """Leave nothing of a run behind, so the second run starts where the first did."""
    from assembly.models import Notification
    from decisions.models import Poll

    Notification.objects.all().delete()
    Poll.objects.filter(pk=poll.pk).delete()


async def test_no_message_or_page_tells_the_last_secret_ballot(cast, running):  # noqa: F811
    def members():
        return [
            join(make_user(f"v{i}@example.org"), cast.assembly, f"Voter {i}")
            for i in range(len(EARLIER) + 1)
        ]

    voters = await database_sync_to_async(members)()
    with_yes = await one_run(cast, running, voters, "yes", first_id=700001)
    with_no = await one_run(cast, running, voters, "no", first_id=800001)
    assert len(with_yes) == len(with_no) == len(EARLIER) + 1
    for number, (a, b) in enumerate(zip(with_yes, with_no, strict=True), start=1):
        for name in a:
            assert a[name] == b[name], f"ballot {number}: {name} differs"
    # The runs did receive the live turnout: the test watches real traffic.
    last = with_yes[-1]
    assert any('"turnout": 6' in m for m in last["not voting"]), last["not voting"]
    assert any("m-vote" in m for m in last["projector"])


def _counts_are_absent(text):
    return not re.search(r"poll-P-count-", text)


async def test_a_secret_vote_sends_turnout_only_while_open(cast, running):  # noqa: F811
    voters = await database_sync_to_async(
        lambda: [join(make_user(f"w{i}@example.org"), cast.assembly, f"W {i}") for i in range(7)]
    )()
    ws = await connect(cast.member2.user)
    # An id no count can be (normalise needs it), whichever test ran before in this process.
    await database_sync_to_async(_next_poll_id)(cast, 900001)
    link = await database_sync_to_async(meeting_actions.open_floor_vote)(
        cast.facilitator, meeting=running, question="Q?", method="single",
        options=["North", "South"], present_only=False, secret=True, use_proposal=False,
    )  # fmt: skip
    poll = link.poll
    assert (await subscribe(ws, poll.stream))["type"] == "subscribed"
    assert (await subscribe(ws, f"{poll.stream}:results"))["type"] == "subscribe.refused"
    for voter in voters:
        await database_sync_to_async(vote)(voter, poll, "o1")
        await settled()
    for message in await drain(ws):
        data = json.loads(message)["data"]
        assert "counts" not in data
        assert _counts_are_absent(normalise(message, poll))
    await ws.disconnect()
    await settled()
