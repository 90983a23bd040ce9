"""Finding 8: the socket's edges. The origin must match exactly (scheme, host and port);
one person may hold only so many sockets; stream names match in full and in canonical
form only."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from config.asgi import application
from tests.live.conftest import _session_cookie, connect, receive_until

pytestmark = pytest.mark.django_db(transaction=True)


async def subscribe(communicator, stream, timeout=15):
    """Subscribe and return the answer (generous timeout: CI machines are shared)."""
    await communicator.send_to(text_data=json.dumps({"type": "subscribe", "stream": stream}))
    return await receive_until(
        communicator, lambda e: e["type"] in ("subscribed", "subscribe.refused"), timeout
    )


async def _try(origin, host=b"127.0.0.1:8000", extra=()):
    headers = [(b"host", host), *extra]
    if origin is not None:
        headers.append((b"origin", origin))
    communicator = WebsocketCommunicator(application, "/ws/live/", headers=headers)
    connected, _code = await communicator.connect()
    await communicator.disconnect()
    return connected


@pytest.mark.parametrize(
    "origin,accepted",
    [
        (b"http://127.0.0.1:8000", True),  # the page's own origin (scheme, host, port)
        (b"https://127.0.0.1:8000", False),  # another scheme
        (b"http://127.0.0.1:9999", False),  # another port
        (b"http://127.0.0.1", False),  # no port: another origin
        (b"http://localhost:8000", False),  # an allowed host, but not this page's
        (b"http://evil.example:8000", False),
        (b"null", False),
        (None, False),
    ],
)
async def test_the_origin_must_match_exactly(cast, origin, accepted):
    assert await _try(origin) is accepted


async def test_site_url_and_trusted_origins_are_accepted(cast, settings):
    settings.SITE_URL = "https://asamblea.example.org"
    settings.CSRF_TRUSTED_ORIGINS = ["https://other.example.org"]
    settings.ALLOWED_HOSTS = ["asamblea.example.org", "127.0.0.1"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    host = b"asamblea.example.org"
    proxy = [(b"x-forwarded-proto", b"https")]
    assert await _try(b"https://asamblea.example.org", host=host, extra=proxy)
    assert await _try(b"https://asamblea.example.org:443", host=host, extra=proxy)
    assert await _try(b"https://other.example.org", host=host, extra=proxy)
    assert not await _try(b"http://asamblea.example.org", host=host, extra=proxy)
    assert not await _try(b"https://asamblea.example.org:8443", host=host, extra=proxy)
    assert not await _try(b"https://asamblea.example.org.evil.example", host=host, extra=proxy)


@pytest.mark.parametrize(
    "template",
    ["assembly:{id}\n", "assembly:0{id}", "assembly:{id}:roster\n", " assembly:{id}",
     "assembly:{id}:", "assembly:+{id}", "assembly:{id}\x00", "ASSEMBLY:{id}",
     "assembly:{id}:roster:x", "assembly:٣"],
)  # fmt: skip
async def test_only_canonical_stream_names_subscribe(cast, template):
    ws = await connect(cast.member.user)
    answer = await subscribe(ws, template.format(id=cast.assembly.pk))
    assert answer["type"] == "subscribe.refused"
    assert (await subscribe(ws, f"assembly:{cast.assembly.pk}"))["type"] == "subscribed"
    await ws.disconnect()


async def test_one_person_may_hold_only_so_many_sockets(cast):
    cap = settings.LIVE_MAX_SOCKETS_PER_PERSON
    key = await database_sync_to_async(_session_cookie)(cast.member.user)
    headers = [
        (b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000"),
        (b"cookie", f"{settings.SESSION_COOKIE_NAME}={key}".encode()),
    ]  # fmt: skip
    open_ = []
    for _ in range(cap):
        ws = WebsocketCommunicator(application, "/ws/live/", headers=headers)
        connected, _code = await ws.connect()
        assert connected
        open_.append(ws)
    extra = WebsocketCommunicator(application, "/ws/live/", headers=headers)
    connected, _code = await extra.connect()
    assert not connected  # refused at the handshake, not accepted and dropped (issue 10)
    # Someone else is not affected.
    other = await connect(cast.member2.user)
    await other.send_to(text_data=json.dumps({"type": "ping"}))
    await other.disconnect()
    # Closing one frees a place.
    await open_.pop().disconnect()
    again = WebsocketCommunicator(application, "/ws/live/", headers=headers)
    connected, _code = await again.connect()
    assert connected
    await again.send_to(text_data=json.dumps({"type": "ping"}))
    answer = json.loads(await again.receive_from(timeout=15))
    assert answer["type"] == "pong"
    await again.disconnect()
    for ws in open_:
        await ws.disconnect()


async def test_a_socket_outliving_its_persons_count_closes_cleanly(cast):
    """A socket whose page sent no heartbeat for SOCKET_COUNT_SECONDS (a phone asleep)
    finds its person's socket count gone when it closes: the close still goes through
    without an error (it raised ValueError inside the application, logged per socket)."""
    from assembly.cache import acall
    from assembly.consumers import _count_key

    ws = await connect(cast.member.user)
    await acall("delete", _count_key(cast.member.user.pk))  # the count lapsed
    await ws.disconnect()  # re-raises what the application raised
    again = await connect(cast.member.user)
    await again.send_to(text_data=json.dumps({"type": "ping"}))
    assert json.loads(await again.receive_from(timeout=15))["type"] == "pong"
    await again.disconnect()


async def test_logging_out_everywhere_closes_the_persons_sockets(cast):
    from assembly import privacy

    mine = await connect(cast.member.user)
    assert (await subscribe(mine, f"assembly:{cast.assembly.pk}"))["type"] == "subscribed"
    theirs = await connect(cast.member2.user)
    await database_sync_to_async(privacy.end_sessions)(cast.member.user)
    while True:
        output = await mine.receive_output(timeout=15)
        if output["type"] == "websocket.close":
            assert output["code"] == 4403
            break
    await theirs.send_to(text_data=json.dumps({"type": "ping"}))
    assert json.loads(await theirs.receive_from(timeout=15))["type"] == "pong"
    await theirs.disconnect()
