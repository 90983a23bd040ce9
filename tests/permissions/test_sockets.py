"""Every live stream in tests/permissions/table.py, subscribed to by every person through
the real WebSocket stack: granted exactly to those the table allows.

Also probes every registered kind with facets the table does not list (PROBE_FACETS): a
facet that anyone may subscribe to must have its own row. Checked: letting the roster
facet through for plain members, accepting any meeting facet, and accepting the
projector facet without the token each fail here.
"""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from assembly import live
from config.asgi import application
from tests.live.conftest import ORIGIN, _session_cookie
from tests.permissions import world as world_module
from tests.permissions.table import PROBE_FACETS, STREAMS
from tests.permissions.world import PEOPLE, PROJECTOR

pytestmark = pytest.mark.django_db(transaction=True)

PER_SOCKET = 15  # well under the per-socket rate limit and subscription cap


class Asker:
    """Asks to subscribe as one person, opening a fresh socket every few questions."""

    def __init__(self, user, token=None):
        self.user = user
        self.path = "/ws/live/" + (f"?token={token}" if token else "")
        self.socket = None
        self.asked = 0

    async def _open(self):
        headers = [(b"origin", ORIGIN), (b"host", b"127.0.0.1:8000")]
        if self.user is not None:
            key = await database_sync_to_async(_session_cookie)(self.user)
            headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={key}".encode()))
        self.socket = WebsocketCommunicator(application, self.path, headers=headers)
        connected, _code = await self.socket.connect(timeout=10)
        assert connected

    async def may_subscribe(self, stream):
        if self.socket is None or self.asked >= PER_SOCKET:
            await self.close()
            await self._open()
            self.asked = 0
        self.asked += 1
        await self.socket.send_to(text_data=json.dumps({"type": "subscribe", "stream": stream}))
        while True:
            event = json.loads(await self.socket.receive_from(timeout=10))
            if event["type"] in ("subscribed", "subscribe.refused"):
                assert event["data"]["stream"] == stream
                return event["type"] == "subscribed"
            assert event["type"] != "error", event

    async def close(self):
        if self.socket is not None:
            await self.socket.disconnect()
            self.socket = None


async def _world(request):
    cast = await database_sync_to_async(request.getfixturevalue)("cast")
    return await database_sync_to_async(world_module.build)(cast)


def _asker(world, who):
    if who == PROJECTOR:
        return Asker(None, token=world.meeting.projector_token)
    if who == "anonymous":
        return Asker(None)
    return Asker(world.nobody if who == "nobody" else getattr(world, who).user)


async def test_every_person_may_subscribe_exactly_where_the_table_says(request):
    world = await _world(request)
    wrong = []
    for who in [*PEOPLE, PROJECTOR]:
        asker = _asker(world, who)
        for stream in STREAMS:
            name = stream.name(world)
            got = await asker.may_subscribe(name)
            if got != stream.allowed[who]:
                wrong.append(f"{who} on {name}: {'granted' if got else 'refused'}")
        await asker.close()
    assert not wrong, "\n".join(wrong)


async def test_no_facet_outside_the_table_is_granted_to_anyone(request):
    world = await _world(request)
    tabled = {stream.name(world) for stream in STREAMS}
    idents = {}
    for stream in STREAMS:
        kind, ident = stream.name(world).split(":")[:2]
        idents.setdefault(kind, ident)
    assert set(idents) == set(live._KINDS)
    granted = []
    for who in ("member", "steward", PROJECTOR):
        asker = _asker(world, who)
        for kind, ident in idents.items():
            for facet in PROBE_FACETS:
                name = f"{kind}:{ident}:{facet}"
                if name not in tabled and await asker.may_subscribe(name):
                    granted.append(f"{who} on {name}")
        await asker.close()
    assert not granted, "facets with no row in table.py: " + ", ".join(granted)
