"""The live backbone end to end through the real ASGI stack and channel layer
(in-memory by default, Redis when REDIS_URL is set)."""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async

from assembly import actions
from tests.live.conftest import WAIT, connect, receive, receive_until, subscribe

pytestmark = pytest.mark.django_db(transaction=True)


def stream_of(cast, facet=""):
    return f"assembly:{cast.assembly.pk}" + (f":{facet}" if facet else "")


async def test_member_gets_a_snapshot_then_live_description_changes(cast):
    ws = await connect(cast.member.user)
    assert await subscribe(ws, stream_of(cast)) == {
        "stream": None,
        "type": "subscribed",
        "data": {"stream": stream_of(cast)},
    }
    snapshot = await receive(ws)
    assert snapshot["type"] == "assembly.updated"
    assert "About Eastside" in snapshot["data"]["swap"]["assembly-description"]
    presence = await receive(ws)
    assert presence["type"] == "presence.changed" and presence["data"]["count"] == 1

    await database_sync_to_async(actions.update_assembly)(
        cast.steward,
        name=cast.assembly.name,
        description="Next meeting: **Tuesday**",
        language="en",
        quorum_kind="percent",
        quorum_value=50,
        member_list_visibility="facilitators",
        visibility="private",
    )
    event = await receive_until(ws, lambda e: e["type"] == "assembly.updated")
    assert event["data"]["swap"]["assembly-description"] == (
        "<p>Next meeting: <strong>Tuesday</strong></p>"
    )
    await ws.disconnect()


async def test_presence_counts_members_and_names_go_only_to_the_roster(cast):
    steward = await connect(cast.steward.user)
    await subscribe(steward, stream_of(cast))
    await subscribe(steward, stream_of(cast, "roster"))
    member = await connect(cast.member.user)
    await subscribe(member, stream_of(cast))

    count = await receive_until(
        steward, lambda e: e["type"] == "presence.changed" and e["data"].get("count") == 2
    )
    assert count["stream"] == stream_of(cast)
    names = await receive_until(
        steward,
        lambda e: (
            e["stream"] == stream_of(cast, "roster") and "Ana" in e["data"]["swap"]["online-names"]
        ),
    )
    assert "Rosa" in names["data"]["swap"]["online-names"]

    # The member sees the count, never a name.
    seen = await receive_until(
        member, lambda e: e["type"] == "presence.changed" and e["data"].get("count") == 2
    )
    assert "online-names" not in json.dumps(seen)
    await member.disconnect()
    await receive_until(
        steward, lambda e: e["type"] == "presence.changed" and e["data"].get("count") == 1
    )
    await steward.disconnect()


async def test_suspension_closes_the_members_socket_at_once(cast):
    ws = await connect(cast.member.user)
    await subscribe(ws, stream_of(cast))
    await database_sync_to_async(actions.suspend_member)(cast.steward, member=cast.member)
    revoked = await receive_until(ws, lambda e: e["type"] == "access.revoked")
    assert revoked["data"] == {"stream": stream_of(cast)}
    closed = await ws.receive_output(timeout=WAIT)
    assert closed == {"type": "websocket.close", "code": 4403}


async def test_demotion_drops_only_the_roster(cast):
    ws = await connect(cast.facilitator.user)
    await subscribe(ws, stream_of(cast))
    await subscribe(ws, stream_of(cast, "roster"))
    await database_sync_to_async(actions.change_role)(
        cast.steward, member=cast.facilitator, role="member"
    )
    revoked = await receive_until(ws, lambda e: e["type"] == "access.revoked")
    assert revoked["data"] == {"stream": stream_of(cast, "roster")}
    # Still connected to the assembly stream: it answers a ping.
    await ws.send_to(text_data='{"type": "ping"}')
    assert (await receive_until(ws, lambda e: e["type"] == "pong"))["type"] == "pong"
    await ws.disconnect()


async def test_a_change_of_role_is_seen_by_the_next_subscription_at_once(cast):
    """Subscriptions arriving together share one membership lookup (a page opening);
    a change of role forgets it, so a subscription right after it is judged afresh.
    With the memo kept across the access event, the roster was granted here."""
    ws = await connect(cast.facilitator.user)
    assert (await subscribe(ws, stream_of(cast)))["type"] == "subscribed"
    await database_sync_to_async(actions.change_role)(
        cast.steward, member=cast.facilitator, role="member"
    )
    await asyncio.sleep(0.2)  # the access event reaches the socket; well within the memo
    answer = await subscribe(ws, stream_of(cast, "roster"))
    assert answer["type"] == "subscribe.refused"
    await ws.disconnect()


async def test_a_reconnecting_client_gets_a_fresh_snapshot(cast):
    ws = await connect(cast.member.user)
    await subscribe(ws, stream_of(cast))
    await ws.disconnect()
    await database_sync_to_async(actions.update_assembly)(
        cast.steward,
        name=cast.assembly.name,
        description="Changed while you were away",
        language="en",
        quorum_kind="percent",
        quorum_value=50,
        member_list_visibility="facilitators",
        visibility="private",
    )
    again = await connect(cast.member.user)
    await subscribe(again, stream_of(cast))
    snapshot = await receive(again)
    assert "Changed while you were away" in snapshot["data"]["swap"]["assembly-description"]
    await again.disconnect()


async def test_wrong_origin_is_refused(cast):
    from channels.testing import WebsocketCommunicator

    from config.asgi import application

    ws = WebsocketCommunicator(
        application, "/ws/live/", headers=[(b"origin", b"https://evil.example")]
    )
    connected, _ = await ws.connect(timeout=WAIT)
    assert not connected


@pytest.mark.parametrize(
    "frame,message",
    [
        ("x" * (64 * 1024 + 1), "too large"),
        ("{not json", "could not be read"),
        ("[1, 2, 3]", "could not be read"),
        ('{"type": 7}', "could not be read"),
        ('{"type": "drop_tables"}', "Unknown message type"),
    ],
)
async def test_bad_frames_get_a_clear_error_and_the_socket_lives_on(cast, frame, message):
    ws = await connect(cast.member.user)
    await ws.send_to(text_data=frame)
    error = await receive(ws)
    assert error["type"] == "error" and message in error["data"]["message"]
    # The connection still works.
    assert (await subscribe(ws, stream_of(cast)))["type"] == "subscribed"
    await ws.disconnect()


async def test_binary_frames_are_refused(cast):
    ws = await connect(cast.member.user)
    await ws.send_to(bytes_data=b"\x00\x01")
    error = await receive(ws)
    assert error["type"] == "error"
    await ws.disconnect()


@pytest.mark.parametrize(
    "stream",
    ["assembly", "assembly:abc", "assembly:1:roster:x", "nosuchkind:1", "../../etc", 42, None],
)
async def test_malformed_stream_names_are_refused(cast, stream):
    ws = await connect(cast.member.user)
    await ws.send_to(text_data=json.dumps({"type": "subscribe", "stream": stream}))
    assert (await receive(ws))["type"] == "subscribe.refused"
    await ws.disconnect()


async def test_flooding_is_rate_limited_then_closed(cast):
    ws = await connect(cast.member.user)
    for _ in range(40):
        await ws.send_to(text_data='{"type": "ping"}')
    messages = []
    while True:
        output = await ws.receive_output(timeout=WAIT)
        if output["type"] == "websocket.close":
            break
        messages.append(json.loads(output["text"]))
    assert output["code"] == 4429
    # 30 answered, then three refusals (the third closes the socket); 7 never read.
    assert [m["type"] for m in messages] == ["pong"] * 30 + ["error"] * 3
    assert {m["data"]["message"] for m in messages[30:]} == {"Too many messages. Slow down."}


async def test_errors_speak_the_persons_language(cast):
    cast.member.user.language = "es"
    await database_sync_to_async(cast.member.user.save)()
    ws = await connect(cast.member.user)
    await ws.send_to(text_data="{nope")
    error = await receive(ws)
    assert error["data"]["message"] == "No se pudo leer ese mensaje."
    await ws.disconnect()
    await asyncio.sleep(0)


async def test_access_is_rechecked_on_the_heartbeat_not_on_broadcasts(cast, settings):
    """A membership ended behind the app's back (no access event) is caught on the
    socket's next heartbeat; forwarding broadcasts never queries the database."""
    from assembly import live
    from assembly.models import Membership

    settings.LIVE_REVALIDATE_SECONDS = 0
    ws = await connect(cast.member.user)
    await subscribe(ws, stream_of(cast))
    await database_sync_to_async(Membership.objects.filter(pk=cast.member.pk).update)(
        status="suspended"
    )
    await live.apublish(stream_of(cast), "assembly.updated", {"swap": {}})
    forwarded = await receive_until(
        ws, lambda e: e["type"] == "assembly.updated" and e["data"] == {"swap": {}}
    )
    assert forwarded["stream"] == stream_of(cast)
    await ws.send_to(text_data='{"type": "ping"}')
    revoked = await receive_until(ws, lambda e: e["type"] == "access.revoked")
    assert revoked["data"] == {"stream": stream_of(cast)}
    assert await ws.receive_output(timeout=WAIT) == {"type": "websocket.close", "code": 4403}


async def test_a_socket_is_let_in_while_the_pages_thread_is_busy(cast):
    """Who opens a socket is looked up in the thread pool (assembly/socket_auth.py), not on
    Django's one thread for synchronous code, which serves every page: a crowd of phones
    opening the meeting must not queue behind pages (or each other) there. With channels'
    own AuthMiddleware, this connection waited for the busy thread and timed out."""
    import threading

    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator
    from django.conf import settings

    from config.asgi import application
    from tests.live.conftest import ORIGIN, _session_cookie

    key = await database_sync_to_async(_session_cookie)(cast.member.user)
    release = threading.Event()
    busy = asyncio.ensure_future(sync_to_async(release.wait)())  # the one sync thread
    try:
        await asyncio.sleep(0.1)
        headers = [(b"origin", ORIGIN), (b"host", b"127.0.0.1:8000"),
                   (b"cookie", f"{settings.SESSION_COOKIE_NAME}={key}".encode())]  # fmt: skip
        ws = WebsocketCommunicator(application, "/ws/live/", headers=headers)
        connected, _code = await ws.connect(timeout=5)
        assert connected
        assert (await subscribe(ws, stream_of(cast)))["type"] == "subscribed"
        assert not busy.done()  # all of it while the thread was still taken
        await ws.disconnect()
    finally:
        release.set()
        await busy
