"""The groups' streams end to end through the real ASGI stack and channel layer
(in-memory by default, Redis when REDIS_URL is set)."""

import json

import pytest
from channels.db import database_sync_to_async

from assembly import actions as assembly_actions
from groups import actions
from tests.groups.conftest import post_need
from tests.live.conftest import WAIT, connect, receive, receive_until, subscribe

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live_crew(request):
    return request.getfixturevalue("crew")


async def test_a_group_page_gets_a_snapshot_then_what_changed(live_crew):
    crew = live_crew
    stream = f"group:{crew.group.pk}"
    ws = await connect(crew.member.user)
    assert (await subscribe(ws, stream))["type"] == "subscribed"
    snapshot = await receive(ws)
    assert snapshot == {"stream": stream, "type": "group.snapshot",
                        "data": {"version": crew.group.revision}}  # fmt: skip

    need = await database_sync_to_async(post_need)(crew)
    created = await receive_until(ws, lambda e: e["type"] == "post.created")
    assert created["data"] == {"post": need.pk, "kind": "need"}
    await database_sync_to_async(actions.sign_up)(crew.gmember, need)
    changed = await receive_until(ws, lambda e: e["type"] == "need.changed")
    assert changed["data"] == {"post": need.pk, "filled": 1, "wanted": 3}
    # Nothing personal and no markup travels on the shared stream.
    assert "Joaquín" not in json.dumps(changed) and "<" not in json.dumps(changed)

    # A reconnecting client's snapshot carries the new revision, so it re-fetches.
    again = await connect(crew.member.user)
    await subscribe(again, stream)
    fresh = await receive(again)
    assert fresh["data"]["version"] > snapshot["data"]["version"]
    await ws.disconnect()
    await again.disconnect()


async def test_the_board_hears_report_backs_and_needs_not_updates(live_crew):
    crew = live_crew
    ws = await connect(crew.facilitator.user)
    await subscribe(ws, f"board:{crew.assembly.pk}")
    first = await receive(ws)
    assert first["type"] == "board.snapshot"
    await database_sync_to_async(actions.create_post)(
        crew.lead, crew.group, kind="update", title="News", body="x"
    )
    report = await database_sync_to_async(actions.create_post)(
        crew.lead, crew.group, kind="report", title="Report", body="x"
    )
    event = await receive(ws)
    assert event["type"] == "post.created" and event["data"]["post"] == report.pk
    await ws.disconnect()


async def test_a_suspended_member_loses_the_group_streams_at_once(live_crew):
    crew = live_crew
    ws = await connect(crew.gmember.user)
    await subscribe(ws, f"group:{crew.group.pk}")
    await subscribe(ws, f"board:{crew.assembly.pk}")
    await database_sync_to_async(assembly_actions.suspend_member)(
        crew.steward, member=crew.gmember, reason="doxxing"
    )
    revoked = [await receive_until(ws, lambda e: e["type"] == "access.revoked")]
    revoked.append(await receive_until(ws, lambda e: e["type"] == "access.revoked"))
    assert {e["data"]["stream"] for e in revoked} == {
        f"group:{crew.group.pk}",
        f"board:{crew.assembly.pk}",
    }
    closed = await ws.receive_output(timeout=WAIT)
    assert closed == {"type": "websocket.close", "code": 4403}
    await ws.disconnect()
