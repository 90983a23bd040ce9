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

import asyncio
import contextvars
import json
import logging
import re
import time
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
    # The snapshot depends on the stream's name only (not on who asks): built once and
    # shared by every socket that joins until the stream changes (see snapshot_events).
    shared_snapshot: bool = False


def authorize(kind, user, ident, facet, token=None, memo=None):
    """Ask `kind` whether this person (or token holder) may subscribe. Sync, may query.

    `memo`: a socket's dict for `active_membership` while it subscribes to several streams
    at once; None (a re-check) asks the database afresh."""
    remembered = _memberships.set(memo)
    try:
        if kind.takes_token:
            return kind.authorize(user, ident, facet, token=token)
        return kind.authorize(user, ident, facet)
    finally:
        _memberships.reset(remembered)


_memberships = contextvars.ContextVar("live_memberships", default=None)


def active_membership(user, assembly_id, assembly=None):
    """`user`'s active membership of the assembly (its assembly loaded too), or None.
    `assembly`: the assembly already at hand (it is then not read again).

    Every stream kind's `authorize` asks this. A page opening subscribes to several
    streams of one assembly at once (a meeting and its votes): within `authorize` with
    a socket's memo, the database is asked once for all of them."""
    if user is None or not user.is_authenticated or assembly_id is None:
        return None
    memo = _memberships.get()
    key = (user.pk, assembly_id)
    if memo is not None and key in memo:
        return memo[key]
    if assembly is not None:
        found = active_memberships([user], assembly).get(user.pk)
    else:
        found = _active(assembly_id).filter(user=user).select_related("assembly").first()
    if memo is not None:
        memo[key] = found
    return found


def active_memberships(users, assembly):
    """The active memberships of `users` in `assembly`, by user id, in one query (people
    without one are left out)."""
    ids = {user.pk for user in users if user is not None and user.is_authenticated}
    found = {}
    for membership in _active(assembly.pk).filter(user_id__in=ids):
        membership.assembly = assembly
        found[membership.user_id] = membership
    return found


def _active(assembly_id):
    from .models import Membership

    return Membership.objects.filter(assembly_id=assembly_id, status=Membership.Status.ACTIVE)


_KINDS: dict[str, StreamKind] = {}


def db(fn):
    """Run a socket's database work off the event loop, in the thread pool.

    Not Django's one thread for synchronous code (`thread_sensitive`), which also serves
    every page request: a crowd's socket traffic must not queue in front of them.
    """
    from channels.db import database_sync_to_async

    return database_sync_to_async(fn, thread_sensitive=False)


# -- snapshots for joining sockets --------------------------------------------------------
#
# A crowd opening one meeting must not build its snapshot once per socket. For a kind with
# `shared_snapshot`, the first socket to join builds it and every socket that joins while
# it is being built, or later while nothing changed, gets the same events. Any event on
# the stream, a resync, the last local socket leaving, or SNAPSHOT_TTL seconds make the
# next joiner build it afresh. Kept per event loop (per process in a server).

SNAPSHOT_TTL = 10.0


class _SnapshotCache:
    def __init__(self):
        self.entries = {}  # stream -> (built_at, generation, events)
        self.building = {}  # stream -> (task, generation)
        self.generation = {}  # stream -> int, bumped by every change
        self.watchers = {}  # stream -> sockets of this process subscribed
        self.last_event = None  # the broadcast last seen by `forwarded`
        self.last_message = None  # and what its sockets send


_snapshot_caches = {}


def _snapshot_cache():
    loop = asyncio.get_running_loop()
    cache = _snapshot_caches.get(loop)
    if cache is None:
        for old in [lp for lp in _snapshot_caches if lp.is_closed()]:
            del _snapshot_caches[old]
        cache = _snapshot_caches[loop] = _SnapshotCache()
    return cache


def forwarded(event):
    """A socket of this process forwards the broadcast `event`: the ASGI message to hand
    to the server, built once per broadcast and shared by every socket (nothing changes
    it). The first socket also marks the stream's cached snapshot stale."""
    cache = _snapshot_cache()
    if cache.last_event is not event:
        cache.last_event = event
        cache.last_message = {"type": "websocket.send", "text": event["text"]}
        stream_changed(event["stream"])
    return cache.last_message


def stream_changed(stream):
    """An event for `stream` reached this process: its cached snapshot is stale."""
    cache = _snapshot_cache()
    cache.generation[stream] = cache.generation.get(stream, 0) + 1
    cache.entries.pop(stream, None)


def streams_resynced():
    """Events may have been missed (Redis was away): forget every cached snapshot."""
    cache = _snapshot_cache()
    for stream in list(cache.entries):
        stream_changed(stream)


def watching(stream, delta):
    """A socket of this process joined (+1) or left (-1) `stream`."""
    cache = _snapshot_cache()
    count = cache.watchers.get(stream, 0) + delta
    if count > 0:
        cache.watchers[stream] = count
    else:
        # Nobody here hears its events any more, so nothing would tell the cache it changed.
        cache.watchers.pop(stream, None)
        stream_changed(stream)


async def snapshot_events(kind, grant):
    """The [(type, data)] a socket joining `grant.stream` receives first."""
    if not kind.shared_snapshot:
        return await db(kind.snapshot)(grant)
    cache = _snapshot_cache()
    stream = grant.stream
    generation = cache.generation.get(stream, 0)
    entry = cache.entries.get(stream)
    if entry and entry[1] == generation and time.monotonic() - entry[0] < SNAPSHOT_TTL:
        return entry[2]
    building = cache.building.get(stream)
    if building is None or building[1] != generation:
        built_at = time.monotonic()
        task = asyncio.get_running_loop().create_task(db(kind.snapshot)(grant))
        building = cache.building[stream] = (task, generation)

        def done(task, stream=stream, generation=generation, built_at=built_at):
            if cache.building.get(stream, (None,))[0] is task:
                del cache.building[stream]
            if (
                not task.cancelled()
                and task.exception() is None
                and cache.generation.get(stream, 0) == generation
            ):
                cache.entries[stream] = (built_at, generation, task.result())

        task.add_done_callback(done)
    return await asyncio.shield(building[0])


# -- actions sent over the socket ---------------------------------------------------------
#
# Some writes may also arrive over a page's socket (a ballot from a member already in the
# meeting), so that a crowd does not pay a request each. An app registers
# run(acts) -> [(event type, data)], one answer per `Act`: it runs in the thread pool,
# checks membership and role like its view does (through the same action), and answers
# each act in that act's language (`answer`), refusing one with `act.refused` and a
# message. The plain form stays for phones without JavaScript.
#
# `together(data)` -> a key, or None: acts with the same key that arrive while an earlier
# run for that key is busy wait for it and then run in one call (ballots of one vote: one
# transaction for a crowd's ballots, not one each). Nothing waits when it is quiet: an act
# that finds nothing running starts at once.


@dataclass(frozen=True)
class Act:
    """One write sent over a socket: who sent it, its data, and the socket's language."""

    user: object
    data: dict
    language: str
    arrived: object  # when it reached the server (an aware datetime)


@dataclass(frozen=True)
class Action:
    run: object  # (acts: list[Act]) -> list[(event type, data)]; sync, may query
    together: object = None  # (data) -> a hashable key, or None to run alone


ACTIONS: dict[str, Action] = {}
# At most this many acts in one run: a crowd's ballots in one SQLite write transaction
# keep other writers (a facilitator's click) waiting while it lasts.
LARGEST_RUN = 50


def register_action(name, run, together=None):
    ACTIONS[name] = Action(run=run, together=together)
    return run


def answer(act, fn):
    """fn() for one act, in its language: its (event type, data), or `act.refused` with
    the message of the ActionError it raised."""
    from django.utils import translation

    from .errors import ActionError

    with translation.override(act.language):
        try:
            return fn()
        except ActionError as exc:
            return "act.refused", {"message": str(exc.message)}


_waiting = {}  # (action name, key) -> [(act, future)] waiting for the run in progress
_runs = set()


async def perform(name, act):
    """Run one act of the registered action `name`: its (event type, data)."""
    action = ACTIONS[name]
    key = action.together(act.data) if action.together else None
    if key is None:
        return (await db(action.run)([act]))[0]
    key = (name, key)
    future = asyncio.get_running_loop().create_future()
    waiting = _waiting.get(key)
    if waiting is not None:
        waiting.append((act, future))
    else:
        _waiting[key] = [(act, future)]
        task = asyncio.get_running_loop().create_task(_run_together(action, key))
        _runs.add(task)
        task.add_done_callback(_runs.discard)
    return await future


async def _run_together(action, key):
    """Run the acts waiting under `key`, LARGEST_RUN at a time, until none are left."""
    try:
        while waiting := _waiting[key]:
            batch = waiting[:LARGEST_RUN]
            del waiting[:LARGEST_RUN]
            try:
                answers = await db(action.run)([act for act, _future in batch])
            except Exception as exc:
                for _act, future in batch:
                    if not future.done():
                        future.set_exception(exc)
            else:
                for (_act, future), result in zip(batch, answers, strict=True):
                    if not future.done():
                        future.set_result(result)
    finally:
        del _waiting[key]


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
    """Hand an event to the channel layer. In a server, from a request's or socket's thread,
    the hand-off is scheduled on the server's event loop and not waited for: a request
    never waits on the courier. Elsewhere (commands, tests) it is sent before returning."""
    loop = _main_loop()
    if loop is not None:
        loop.call_soon_threadsafe(_spawn, asend(group, message), context=contextvars.Context())
        return
    try:
        async_to_sync(get_channel_layer().group_send)(group, message)
    except Exception:  # the courier is down; the write itself stands
        log.warning("live: could not deliver to %s", group, exc_info=True)


_background = set()


def _spawn(coroutine):
    task = asyncio.get_running_loop().create_task(coroutine)
    _background.add(task)
    task.add_done_callback(_background.discard)


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
    """At most one flush per key every `delay` seconds, and one pending at a time.

    A change after a quiet spell is flushed at once (a facilitator's click shows without
    waiting); changes that come faster are gathered into one flush `delay` after the last
    one (a crowd voting). The pending mark is cleared before the flush reads the state, so
    a change that lands during a flush schedules another: the last broadcast is exact.

    The window widens with what a flush costs: `spend` times its last duration (building
    and handing it to every socket here), up to `longest`. A crowd big enough that each
    broadcast takes a while then gets fewer, so the server keeps time for ballots and
    pages instead of falling behind on broadcasts nobody can read that fast.
    """

    def __init__(self, delay, spend=4.0, longest=1.0):
        self.delay = delay
        self.spend = spend
        self.longest = longest
        self._pending = set()
        self._tasks = set()
        self._last = {}  # key -> loop time of its last flush
        self._cost = {}  # key -> seconds its last flush took

    def window(self, key):
        return min(self.longest, max(self.delay, self.spend * self._cost.get(key, 0.0)))

    def waiting(self, key):
        """Whether a flush of `key` is waiting to start (it will read what is committed
        now). Safe to ask from any thread."""
        return key in self._pending

    def request(self, key, flush):
        if key in self._pending:
            return
        self._pending.add(key)
        loop = asyncio.get_running_loop()
        wait = max(0.0, self._last.get(key, -1e9) + self.window(key) - loop.time())

        async def run():
            if wait:
                await asyncio.sleep(wait)
            self._pending.discard(key)
            started = self._last[key] = loop.time()
            try:
                await flush(key)
            except Exception:
                log.warning("live: flush of %s failed", key, exc_info=True)
            finally:
                self._cost[key] = loop.time() - started

        task = asyncio.get_running_loop().create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


_snapshots = Coalescer(delay=0.25)


def _cache_call(name, *args, default=None):
    """The shared cache, for coordination between workers. Its backend answers from this
    process's memory while Redis is away (assembly/cache.py); anything else it raises is
    a reason to act alone, never to fail a write."""
    from django.core.cache import cache

    try:
        return getattr(cache, name)(*args)
    except Exception:
        log.warning("live: the shared cache failed; acting alone", exc_info=True)
        return default


def _main_loop():
    """The server's event loop, when called from a sync view or consumer thread."""
    import os

    from asgiref.sync import SyncToAsync

    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    return loop if loop is not None and loop.is_running() else None


def _in_process_layer():
    """Whether sockets can only be in this process (the embedded default's layer)."""
    return not getattr(get_channel_layer(), "cross_process", False)


# How long a worker holds a stream's broadcast window for all workers: long enough to
# cover the delay, short enough that a worker that died holding it delays nothing long.
GATE_SECONDS = 3


def _gate(key):
    return f"live:snapshot:{key}"


def publish_snapshot(key, build):
    """On commit, ask for a coalesced broadcast of fresh state.

    `build()` (sync, may query) returns [(stream, type, data)]; it runs at most a few
    times a second per `key` however many writes land, and always after the last write,
    so the last broadcast is exact. Outside a server (commands, tests) it runs at once.

    Across workers (several processes sharing Redis), one broadcast per window in all:
    the first write of a window takes a gate in the shared cache and its worker builds and
    sends after the delay; writes elsewhere in the window find the gate taken and leave it
    to that worker. The gate is released *before* the build reads the database, so a write
    that found it taken committed before that read: the last broadcast is still exact.
    """

    def send_now():
        for stream, event_type, data in build():
            message = {
                "type": "live.event",
                "stream": stream,
                "text": encode(stream, event_type, data),
            }
            _send(group_name(stream), message)

    shared = not _in_process_layer()

    def release_and_build():
        if shared:
            _cache_call("delete", _gate(key))
        return build()

    async def flush(_key):
        for stream, event_type, data in await db(release_and_build)():
            await apublish(stream, event_type, data)

    def schedule():
        loop = _main_loop()
        if loop is None:
            if not shared:
                return  # no server loop here, so no socket could receive it
            send_now()
            return
        if _snapshots.waiting(key):
            return  # a broadcast of this key waits to start here: it reads after this commit
        if shared and not _cache_call("add", _gate(key), 1, GATE_SECONDS, default=True):
            return  # another worker (or this one) broadcasts this window, after this write
        # A fresh context: the caller's (a sync thread's) must not leak into the task.
        loop.call_soon_threadsafe(_snapshots.request, key, flush, context=contextvars.Context())

    transaction.on_commit(schedule)
