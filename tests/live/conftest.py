import asyncio
import json

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from assembly import live
from config.asgi import application

ORIGIN = b"http://127.0.0.1:8000"
# How long a test waits for the server's next message: generous for a loaded two-core CI
# machine (an answer normally takes milliseconds), finite so that a lost one fails.
WAIT = 15


def _session_cookie(user):
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def connect(user=None, origin=ORIGIN):
    """A WebSocket to /ws/live/ as `user` (None: anonymous), through the real ASGI stack."""
    headers = [(b"origin", origin), (b"host", b"127.0.0.1:8000")]
    if user is not None:
        key = await database_sync_to_async(_session_cookie)(user)
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={key}".encode()))
    communicator = WebsocketCommunicator(application, "/ws/live/", headers=headers)
    connected, _code = await communicator.connect(timeout=WAIT)
    assert connected
    return communicator


async def receive(communicator, timeout=WAIT):
    return json.loads(await communicator.receive_from(timeout=timeout))


async def receive_until(communicator, predicate, timeout=WAIT):
    """Read events until one matches `predicate`; return it (fails on timeout)."""
    while True:
        event = await receive(communicator, timeout)
        if predicate(event):
            return event


async def subscribe(communicator, stream):
    """Subscribe and return the server's answer to it (subscribed or subscribe.refused)."""
    await communicator.send_to(text_data=json.dumps({"type": "subscribe", "stream": stream}))
    return await receive_until(
        communicator, lambda e: e["type"] in ("subscribed", "subscribe.refused")
    )


async def settled():
    """Let coalesced broadcasts still pending on this loop finish (they use the database)."""
    while live._snapshots._tasks:
        await asyncio.gather(*list(live._snapshots._tasks), return_exceptions=True)
