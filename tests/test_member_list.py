"""The assembly's member-list setting holds everywhere (issue 9, point 5).

A canary member, "Zelda Canary", belongs to the assembly and has done nothing: no post,
no vote, no hand, no group. Every page of the site (every row of the permission table,
which the coverage test keeps in step with the URL resolver, so a new page cannot slip
by) and every live stream's snapshot is read by people
the setting does not allow to see the member list; none of them may contain her name.
Those the setting allows do see her on the member list, so the canary is findable.

How checked: before the fix, the meeting page's proxy picker, the console (room hand,
moderation, attendance), the meeting form and the decision page's assignee list all
named her to people without the right.
"""

import html
import json

import pytest
from channels.db import database_sync_to_async

from tests.conftest import client_for, join, make_user
from tests.live.conftest import connect, subscribe
from tests.permissions import world as world_module
from tests.permissions.table import CASES, STREAMS

CANARY = "Zelda Canary"


@pytest.fixture
def world(cast):
    """The permission tests' world (something behind every URL), plus the canary."""
    w = world_module.build(cast)
    w.canary = join(make_user("zelda@example.org"), cast.assembly, CANARY)
    return w


def _pages(world):
    """Every row of the permission table (which the coverage test keeps complete: a new
    URL pattern without a row fails there), with the page's other parts."""
    for case in CASES:
        path = case.path(world)
        yield case.id, path
        if case.name in ("proposal", "poll"):
            yield f"{case.id}?part", path + ("?part=main" if case.name == "proposal"
                                             else "?part=results")  # fmt: skip


def _readers(cast, visibility):
    """(who, may see the member list) under each setting."""
    return {
        "stewards": [("member", False), ("facilitator", False), ("steward", True)],
        "facilitators": [("member", False), ("facilitator", True)],
        "members": [("member", True)],
    }[visibility]


@pytest.mark.parametrize("visibility", ["stewards", "facilitators", "members"])
def test_no_page_names_a_member_to_someone_without_the_list(cast, world, visibility):
    cast.assembly.member_list_visibility = visibility
    cast.assembly.save()
    leaks = {}
    for who, allowed in _readers(cast, visibility):
        client = client_for(cast, who)
        seen_on = []
        for name, path in _pages(world):
            response = client.get(path)
            assert response.status_code != 500, path
            body = html.unescape(response.content.decode("utf-8", "replace"))
            if CANARY in body:
                seen_on.append(name)
        if allowed:
            assert "members" in seen_on, (who, seen_on)
        else:
            leaks[who] = seen_on
    assert leaks == {who: [] for who in leaks}


def _streams(world):
    """Every stream of the permission table's (the coverage test keeps it complete)."""
    return [stream.name(world) for stream in STREAMS]


@pytest.mark.django_db(transaction=True)
async def test_no_live_stream_names_a_member_to_someone_without_the_list(cast, world):
    def restrict():
        cast.assembly.member_list_visibility = "stewards"
        cast.assembly.save()
        # The canary is online, so presence would name her if it named anyone.
        from assembly.models import Presence

        Presence.objects.create(assembly=cast.assembly, membership=world.canary,
                                channel_name="canary-socket")  # fmt: skip

    await database_sync_to_async(restrict)()
    streams = await database_sync_to_async(_streams)(world)
    for who in ("member", "facilitator"):
        ws = await connect(getattr(cast, who).user)
        received = []
        for stream in streams:
            await subscribe(ws, stream)
        while not await ws.receive_nothing(timeout=0.5):
            received.append(await ws.receive_from())
        text = html.unescape(json.dumps([json.loads(r) for r in received], ensure_ascii=False))
        assert CANARY not in text, who
        await ws.disconnect()
    # The steward may see the roster: the canary is there to be found.
    ws = await connect(cast.steward.user)
    assert (await subscribe(ws, f"assembly:{cast.assembly.pk}:roster"))["type"] == "subscribed"
    seen = []
    while not await ws.receive_nothing(timeout=0.5):
        seen.append(await ws.receive_from())
    assert any(CANARY in html.unescape(m) for m in seen)
    await ws.disconnect()
