"""The live backbone: one path from a committed write to every open screen.

1. An action commits, and calls `publish(stream, type, data)`; the event is handed to
   the channel layer only on commit (`transaction.on_commit`).
2. The channel layer carries it to the group of that stream.
3. Each subscribed socket (assembly/consumers.py) re-checks that its person may still
   see the stream, then forwards the event text, serialised once per broadcast.
4. static/js/live.js applies it: `data.swap` maps element ids to server-rendered,
   language-neutral HTML fragments.

Streams are named "<kind>:<id>[:<facet>]" (e.g. "assembly:3", "assembly:3:roster").
Each kind registers how to authorise a subscriber and how to build a fresh snapshot,
so a reconnecting client never shows stale state. Per-person events go to the
person's own group ("user:<id>"), never to a shared stream.

The database is the truth and the channel layer only a courier: if it is down, the
write still stands and the event is dropped with a warning.
"""

import contextvars
import json
import logging
import re
from dataclasses import dataclass, field

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)

# The whole name, in canonical form only: no trailing newline ($ would allow one), no
# leading zeros (one stream, one name).
STREAM_RE = re.compile(r"[a-z]{1,20}:[1-9][0-9]{0,11}(:[a-z]{1,20})?")


@dataclass
class Grant:
    """What a subscriber was allowed when last checked."""

    stream: str
    assembly_id: int | None
    membership_id: int | None = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class StreamKind:
    name: str
    authorize: object  # (user, ident: int, facet: str | None) -> Grant | None; sync, may query
    snapshot: object  # (grant) -> list[(type, data)]; sync, may query
    on_join: object = None  # (grant, channel_name) -> None; sync
    on_leave: object = None  # (grant, channel_name) -> None; sync
    on_ping: object = None  # (grant, channel_name) -> None; sync
    after_change: object = None  # (grant) -> None; called on the event loop after join/leave
    # A kind that admits a secret token instead of (or besides) a session, e.g. the room's
    # projector: authorize is then called with token= (from the socket's ?token= address).
    takes_token: bool = False


def authorize(kind, user, ident, facet, token=None):
    """Ask `kind` whether this person (or token holder) may subscribe. Sync, may query."""
    if kind.takes_token:
        return kind.authorize(user, ident, facet, token=token)
    return kind.authorize(user, ident, facet)


_KINDS: dict[str, StreamKind] = {}


def db(fn):
    """Run a socket's database work off the event loop, in the thread pool.

    Not Django's one thread for synchronous code (`thread_sensitive`), which also serves
    every page request: a crowd's socket traffic must not queue in front of them.
    """
    from channels.db import database_sync_to_async

    return database_sync_to_async(fn, thread_sensitive=False)


def register(kind: StreamKind):
    _KINDS[kind.name] = kind
    return kind


def parse_stream(stream):
    """Return (kind, ident, facet) for a well-formed stream name, else None."""
    if not isinstance(stream, str) or not STREAM_RE.fullmatch(stream):
        return None
    parts = stream.split(":")
    kind = _KINDS.get(parts[0])
    if kind is None:
        return None
    return kind, int(parts[1]), (parts[2] if len(parts) == 3 else None)


def group_name(stream):
    """Channel-layer group for a stream (groups allow letters, digits, '-', '_', '.')."""
    return "s." + stream.replace(":", ".")


def user_group(user_id):
    return f"u.{user_id}"


def encode(stream, event_type, data):
    return json.dumps({"stream": stream, "type": event_type, "data": data}, separators=(",", ":"))


def _send(group, message):
    try:
        async_to_sync(get_channel_layer().group_send)(group, message)
    except Exception:  # the courier is down; the write itself stands
        log.warning("live: could not deliver to %s", group, exc_info=True)


async def asend(group, message):
    try:
        await get_channel_layer().group_send(group, message)
    except Exception:
        log.warning("live: could not deliver to %s", group, exc_info=True)


def publish(stream, event_type, data):
    """Send an event to everyone subscribed to `stream`, once the transaction commits."""
    message = {"type": "live.event", "stream": stream, "text": encode(stream, event_type, data)}
    transaction.on_commit(lambda: _send(group_name(stream), message))


async def apublish(stream, event_type, data):
    """`publish` for async code that is not inside a transaction (e.g. presence)."""
    message = {"type": "live.event", "stream": stream, "text": encode(stream, event_type, data)}
    await asend(group_name(stream), message)


def publish_user(user_id, event_type, data):
    """Send an event to one person's open sockets (e.g. their notification count), on commit."""
    message = {"type": "live.user", "text": encode(None, event_type, data)}
    transaction.on_commit(lambda: _send(user_group(user_id), message))


def access_changed(user_id, assembly_id):
    """Tell every socket of one person to re-check its access to an assembly, on commit.

    Used when a membership is suspended, removed or changes role: sockets that may no
    longer see a stream drop it, and a socket left with no streams is closed.
    """
    message = {"type": "live.access", "assembly_id": assembly_id}
    transaction.on_commit(lambda: _send(user_group(user_id), message))


def log_out(user_id):
    """Close every open socket of one person (they logged out everywhere), on commit."""
    message = {"type": "live.logout"}
    transaction.on_commit(lambda: _send(user_group(user_id), message))


class Coalescer:
    """At most one pending flush per key, `delay` seconds after the first request.

    The pending mark is cleared before the flush reads the state, so a change that
    lands during a flush schedules another: the last broadcast is always exact.
    """

    def __init__(self, delay):
        self.delay = delay
        self._pending = set()
        self._tasks = set()

    def request(self, key, flush):
        import asyncio

        if key in self._pending:
            return
        self._pending.add(key)

        async def run():
            await asyncio.sleep(self.delay)
            self._pending.discard(key)
            try:
                await flush(key)
            except Exception:
                log.warning("live: flush of %s failed", key, exc_info=True)

        task = asyncio.get_running_loop().create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


_snapshots = Coalescer(delay=0.25)


def _main_loop():
    """The server's event loop, when called from a sync view or consumer thread."""
    import os

    from asgiref.sync import SyncToAsync

    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    return loop if loop is not None and loop.is_running() else None


def _in_process_layer():
    from channels.layers import InMemoryChannelLayer

    return isinstance(get_channel_layer(), InMemoryChannelLayer)


def publish_snapshot(key, build):
    """On commit, ask for a coalesced broadcast of fresh state.

    `build()` (sync, may query) returns [(stream, type, data)]; it runs at most a few
    times a second per `key` however many writes land, and always after the last write,
    so the last broadcast is exact. Outside a server (commands, tests) it runs at once.
    """

    def send_now():
        for stream, event_type, data in build():
            message = {
                "type": "live.event",
                "stream": stream,
                "text": encode(stream, event_type, data),
            }
            _send(group_name(stream), message)

    async def flush(_key):
        for stream, event_type, data in await db(build)():
            await apublish(stream, event_type, data)

    def schedule():
        loop = _main_loop()
        if loop is None:
            if _in_process_layer():
                return  # no server loop here, so no socket could receive it
            send_now()
        else:
            # A fresh context: the caller's (a sync thread's) must not leak into the task.
            loop.call_soon_threadsafe(_snapshots.request, key, flush, context=contextvars.Context())

    transaction.on_commit(schedule)
