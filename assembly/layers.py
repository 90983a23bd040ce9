"""Channel layers for the live path: a broadcast costs one hand-off per process, then a
queue put per socket, nothing more.

- `LocalLayer` (the embedded default, one process): channels and groups live in this
  process. A group send puts the same message object on each member's queue: no copy per
  socket (channels' in-memory layer deep-copies it for every socket and sweeps every
  channel and group on each receive). Messages are never changed after sending: every
  handler in assembly/consumers.py only reads them.
- Broadcasts skip the queues altogether for a channel `attach`ed for their type (the live
  sockets, for `live.event`): one task per broadcast awaits each socket's handler in turn.
  A queued message costs each socket a wake-up, a task and channels' `asyncio.wait`, which
  at 2,000 sockets was most of the server's time per broadcast (BENCHMARKS.md). The
  group send returns when every socket of this process has been handed the message, so
  its caller knows what the broadcast cost.
- `RedisLayer` (scale-out, several workers): the same local layer in each worker, plus
  Redis pub/sub between workers. A group send is delivered locally at once and published
  once to Redis; every other worker with members in that group receives it once and fans
  it out locally (channels-redis's core layer instead stores one copy per socket in Redis
  and pops them one round trip at a time). When Redis is down or hung, local delivery goes
  on, publishing gives up within `publish_timeout` (and skips Redis for a moment after a
  failure, so no request waits on it), and when Redis answers again every socket of the
  worker is told to fetch a fresh snapshot (`live.resync`), so no screen stays stale.

Each event loop has its own state (tests run each in a loop of its own; a server has one).
"""

import asyncio
import contextlib
import logging
import time
import uuid

import msgpack

log = logging.getLogger(__name__)

# A broadcast lets the rest of the server run after handing itself to this many sockets.
FAN_OUT_SLICE = 250


class _LoopState:
    def __init__(self):
        self.channels = {}  # channel name -> asyncio.Queue
        self.groups = {}  # group name -> set of channel names
        self.sinks = {}  # channel name -> (message types, async handler): see `attach`
        self.fanning = set()  # broadcasts from other workers being handed out here
        self.fan_out_turn = asyncio.Lock()
        self.listening = False


class LocalLayer:
    extensions = ["groups", "flush"]
    cross_process = False  # sockets can only be in this process

    def __init__(self, prefix="asamblea", **_ignored):
        self.prefix = prefix
        self.process = uuid.uuid4().hex[:12]
        self._states = {}

    # -- per-loop state ----------------------------------------------------------------

    def _state(self, listening=False):
        """This loop's channels and groups. `listening`: the loop has sockets of its own
        (not just a command or request sending an event), so it must receive too."""
        loop = asyncio.get_running_loop()
        state = self._states.get(loop)
        if state is None:
            for old in [lp for lp in self._states if lp.is_closed()]:
                del self._states[old]
            state = self._states[loop] = _LoopState()
        if listening and not state.listening:
            state.listening = True
            self._listen(state)
        return state

    def _listen(self, state):
        """The loop has sockets: the Redis layer starts receiving from other workers."""

    # -- channels ----------------------------------------------------------------------

    async def new_channel(self, prefix="specific."):
        name = f"{prefix}{self.process}!{uuid.uuid4().hex}"
        self._state(listening=True).channels[name] = asyncio.Queue()
        return name

    async def send(self, channel, message):
        state = self._state()
        queue = state.channels.get(channel)
        if queue is not None:
            queue.put_nowait(message)
        else:
            await self._send_elsewhere(channel, message)

    async def _send_elsewhere(self, channel, message):
        """A channel of another process (the Redis layer forwards it)."""

    async def receive(self, channel):
        state = self._state(listening=True)
        queue = state.channels.get(channel)
        if queue is None:
            queue = state.channels[channel] = asyncio.Queue()
        try:
            return await queue.get()
        except (asyncio.CancelledError, GeneratorExit):
            # The consumer is gone: forget its channel and its groups.
            self._forget(state, channel)
            raise

    def attach(self, channel, types, handler):
        """Group messages of `types` for `channel` go to `await handler(message)`, from one
        task per broadcast, instead of its queue. The handler must not block: a socket's
        handler that waits holds up the sockets after it in that broadcast. An exception is
        logged and the broadcast goes on to the next socket."""
        self._state(listening=True).sinks[channel] = (frozenset(types), handler)

    def detach(self, channel):
        self._state().sinks.pop(channel, None)

    def _forget(self, state, channel):
        state.channels.pop(channel, None)
        state.sinks.pop(channel, None)
        for group in [g for g, members in state.groups.items() if channel in members]:
            self._discard(state, group, channel)

    # -- groups ------------------------------------------------------------------------

    async def group_add(self, group, channel):
        state = self._state(listening=True)
        members = state.groups.get(group)
        if members is None:
            members = state.groups[group] = set()
            self._group_opened(state, group)
        members.add(channel)

    async def group_discard(self, group, channel):
        self._discard(self._state(), group, channel)

    def _discard(self, state, group, channel):
        members = state.groups.get(group)
        if members is None:
            return
        members.discard(channel)
        if not members:
            del state.groups[group]
            self._group_closed(state, group)

    def _group_opened(self, state, group):
        """This process has its first member of `group`."""

    def _group_closed(self, state, group):
        """This process has no member of `group` left."""

    async def group_send(self, group, message):
        state = self._state()
        await self._fan_out(state, self._deliver(state, group, message), message)
        await self._publish(group, message)

    def _deliver(self, state, group, message):
        """Queue `message` for the members of `group` in this process; return the handlers
        of those attached for its type, for `_fan_out`."""
        handlers = []
        kind = message.get("type")
        sinks = state.sinks
        for channel in state.groups.get(group, ()):
            sink = sinks.get(channel)
            if sink is not None and kind in sink[0]:
                handlers.append(sink[1])
                continue
            queue = state.channels.get(channel)
            if queue is not None:
                queue.put_nowait(message)
        return handlers

    async def _fan_out(self, state, handlers, message):
        """Each handler in turn. Broadcasts are handed out one at a time (so every socket
        gets them in the order they were sent), yielding to the rest of the server every
        FAN_OUT_SLICE sockets (so a page or a ballot never waits for a whole crowd)."""
        if not handlers:
            return
        async with state.fan_out_turn:
            for i, handler in enumerate(handlers, start=1):
                try:
                    await handler(message)
                except Exception:
                    log.warning("live: a socket failed to take a broadcast", exc_info=True)
                if i % FAN_OUT_SLICE == 0:
                    await asyncio.sleep(0)

    async def _publish(self, group, message):
        """Tell the other processes (the Redis layer does)."""

    async def flush(self):
        self._states.pop(asyncio.get_running_loop(), None)

    async def close(self):
        await self.flush()


class RedisLayer(LocalLayer):
    """`LocalLayer` in each worker, joined by Redis pub/sub. See the module docstring."""

    cross_process = True

    def __init__(self, url, prefix="asamblea", publish_timeout=0.25, **kwargs):
        super().__init__(prefix=prefix, **kwargs)
        self.url = url
        self.publish_timeout = publish_timeout
        self._publishers = {}  # loop -> redis client
        self._down_until = 0.0
        self.process_channel = f"{prefix}:p:{self.process}"

    def _redis_name(self, group):
        return f"{self.prefix}:g:{group}"

    # -- publishing --------------------------------------------------------------------

    def _publisher(self):
        from redis import asyncio as aioredis

        loop = asyncio.get_running_loop()
        client = self._publishers.get(loop)
        if client is None:
            for old in [lp for lp in self._publishers if lp.is_closed()]:
                del self._publishers[old]
            from redis.asyncio.retry import Retry
            from redis.backoff import NoBackoff

            client = self._publishers[loop] = aioredis.Redis.from_url(
                self.url,
                socket_connect_timeout=self.publish_timeout,
                socket_timeout=self.publish_timeout,
                retry=Retry(NoBackoff(), 0),
            )
        return client

    async def _publish_raw(self, name, payload):
        if time.monotonic() < self._down_until:
            return False
        try:
            await asyncio.wait_for(
                self._publisher().publish(name, payload), timeout=self.publish_timeout * 2
            )
            return True
        except Exception:  # down or hung: local delivery already happened
            self._down_until = time.monotonic() + 1.0
            log.warning("live: Redis did not take a publish; other workers miss it")
            return False

    async def group_send(self, group, message):
        """Hand the message to Redis first (the other workers fan it out meanwhile), then
        to this worker's sockets; a Redis that hangs delays neither."""
        state = self._state()
        publishing = asyncio.get_running_loop().create_task(self._publish(group, message))
        await asyncio.sleep(0)  # the publish is written to Redis's socket before the fan-out
        await self._fan_out(state, self._deliver(state, group, message), message)
        await publishing

    async def _publish(self, group, message):
        payload = msgpack.packb({"o": self.process, "g": group, "m": message})
        await self._publish_raw(self._redis_name(group), payload)

    async def _send_elsewhere(self, channel, message):
        process = channel.split("!", 1)[0].rsplit(".", 1)[-1] if "!" in channel else ""
        if process and process != self.process:
            payload = msgpack.packb({"o": self.process, "c": channel, "m": message})
            await self._publish_raw(f"{self.prefix}:p:{process}", payload)

    # -- receiving ---------------------------------------------------------------------

    def _listen(self, state):
        state.subscriber = None
        state.receiver = asyncio.get_running_loop().create_task(self._receive_forever(state))

    def _wanted(self, state):
        return [self._redis_name(group) for group in state.groups]

    def _group_opened(self, state, group):
        self._change_subscription(state, "subscribe", self._redis_name(group))

    def _group_closed(self, state, group):
        self._change_subscription(state, "unsubscribe", self._redis_name(group))

    def _change_subscription(self, state, verb, name):
        pubsub = state.subscriber
        if pubsub is None:
            return  # the receiver subscribes to everything wanted when it (re)connects

        async def change():
            try:
                await getattr(pubsub, verb)(name)
            except Exception:
                log.debug("live: %s %s failed; the receiver will redo it", verb, name)

        asyncio.get_running_loop().create_task(change())

    async def _receive_forever(self, state):
        from redis import asyncio as aioredis

        backoff = 0.5
        connected_before = False
        while True:
            client = pubsub = None
            try:
                client = aioredis.Redis.from_url(
                    self.url, socket_connect_timeout=2, health_check_interval=15
                )
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                # Set first: a group opened while this subscribe is under way subscribes
                # itself (twice is harmless; never is not).
                state.subscriber = pubsub
                await pubsub.subscribe(self.process_channel, *self._wanted(state))
                if connected_before:
                    self._resync(state)
                connected_before = True
                backoff = 0.5
                me = asyncio.current_task()
                while True:
                    message = await pubsub.get_message(timeout=5.0)
                    if me.cancelling():
                        # redis-py may swallow a cancellation while it waits: the loop is
                        # closing, so stop here.
                        raise asyncio.CancelledError
                    if message is not None and message.get("type") == "message":
                        self._received(state, message["data"])
            except asyncio.CancelledError:
                raise
            except Exception:
                if asyncio.current_task().cancelling():
                    # redis-py may turn a cancellation into a connection error: the loop
                    # is closing, so stop rather than reconnect.
                    raise asyncio.CancelledError from None
                state.subscriber = None
                log.warning("live: lost Redis; retrying in %.1f s", backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
            finally:
                state.subscriber = None
                for closing in (pubsub, client):
                    if closing is not None:
                        with contextlib.suppress(Exception):  # already broken
                            await closing.aclose()

    def _received(self, state, data):
        try:
            envelope = msgpack.unpackb(data)
        except Exception:
            log.warning("live: unreadable message from Redis")
            return
        if envelope.get("o") == self.process:
            return  # ours: delivered locally when it was sent
        if "g" in envelope:
            handlers = self._deliver(state, envelope["g"], envelope["m"])
            if handlers:
                task = asyncio.get_running_loop().create_task(
                    self._fan_out(state, handlers, envelope["m"])
                )
                state.fanning.add(task)
                task.add_done_callback(state.fanning.discard)
        elif "c" in envelope:
            queue = state.channels.get(envelope["c"])
            if queue is not None:
                queue.put_nowait(envelope["m"])

    def _resync(self, state):
        """Redis is back: events sent while it was away never arrived here. Every socket
        of this worker fetches a fresh snapshot of what it shows."""
        message = {"type": "live.resync"}
        for queue in state.channels.values():
            queue.put_nowait(message)

    async def flush(self):
        state = self._states.get(asyncio.get_running_loop())
        if state is not None and getattr(state, "receiver", None) is not None:
            state.receiver.cancel()
        await super().flush()
