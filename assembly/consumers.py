"""The one WebSocket entry point. Thin: parse, check, hand to the live backbone."""

import contextlib
import json
import time

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import trans_real

from . import live
from .cache import acall

CLOSE_ACCESS_ENDED = 4403
CLOSE_TOO_MANY = 4429
MAX_STREAMS = 20
# A person's open sockets are counted in the cache (shared by every worker when REDIS_URL
# is set). Each heartbeat keeps the count alive; a worker that dies leaves its sockets
# counted for at most this long.
SOCKET_COUNT_SECONDS = 600
# Subscriptions within this long of a page's first share one membership lookup per
# assembly (live.active_membership); re-checks never use it.
MEMBERSHIP_MEMO_SECONDS = 2.0


class LiveConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.user = self.scope.get("user")
        self.grants = {}  # stream -> (grant, checked_at)
        self.bucket = _Bucket(*settings.LIVE_RATE_LIMIT)
        self.strikes = 0
        self._had_streams = False
        self.language = _language(self.scope, self.user)
        self.token = _token(self.scope)
        self.counted = False
        self._memo, self._memo_since = {}, time.monotonic()
        signed_in = self.user is not None and self.user.is_authenticated
        if signed_in and not await self._take_place():
            # Refused at the handshake, never accepted and then dropped: the browser treats
            # it as a failed connection and waits longer before each new try.
            await self.close()
            return
        await self.accept()
        # Broadcasts come straight to `live_event`, not through this socket's queue.
        attach = getattr(self.channel_layer, "attach", None)
        if attach is not None:
            attach(self.channel_name, ("live.event",), self.live_event)
        if signed_in:
            await self.channel_layer.group_add(live.user_group(self.user.pk), self.channel_name)

    async def dispatch(self, message):
        """As channels' own, without its thread hop per message to close old database
        connections: that hop ran on Django's one thread for synchronous code (which also
        serves every page) for every broadcast to every socket. Nothing here touches the
        database outside `live.db` and channels' auth, which close their connections in
        the threads they use."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def disconnect(self, code):
        detach = getattr(self.channel_layer, "detach", None)
        if detach is not None:
            detach(self.channel_name)
        for stream in list(self.grants):
            await self._drop(stream)
        if self.counted:
            self.counted = False
            # The count lapses after SOCKET_COUNT_SECONDS without a heartbeat from any of
            # the person's sockets; then there is nothing left to give back.
            with contextlib.suppress(ValueError):
                await acall("decr", _count_key(self.user.pk))
            await self.channel_layer.group_discard(live.user_group(self.user.pk), self.channel_name)

    async def _take_place(self):
        """Count this socket against its person's cap; False when the cap is reached."""
        key = _count_key(self.user.pk)
        await acall("add", key, 0, timeout=SOCKET_COUNT_SECONDS)
        try:
            count = await acall("incr", key)
        except ValueError:  # expired between the two calls
            await acall("set", key, 1, timeout=SOCKET_COUNT_SECONDS)
            count = 1
        if count > settings.LIVE_MAX_SOCKETS_PER_PERSON:
            await acall("decr", key)
            return False
        self.counted = True
        return True

    # -- messages from the browser ---------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        with translation.override(self.language):
            await self._receive(text_data, bytes_data)

    async def _receive(self, text_data, bytes_data):
        if not self.bucket.take():
            self.strikes += 1
            await self._error(_("Too many messages. Slow down."))
            if self.strikes >= 3:
                await self.close(code=CLOSE_TOO_MANY)
            return
        if text_data is None:
            await self._error(_("Only text messages are accepted."))
            return
        if len(text_data.encode()) > settings.LIVE_MAX_MESSAGE_BYTES:
            await self._error(_("That message is too large."))
            return
        try:
            message = json.loads(text_data)
        except ValueError:
            await self._error(_("That message could not be read."))
            return
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self._error(_("That message could not be read."))
            return
        handler = {
            "subscribe": self.on_subscribe,
            "unsubscribe": self.on_unsubscribe,
            "ping": self.on_ping,
            "act": self.on_act,
        }.get(message["type"])
        if handler is None:
            await self._error(_("Unknown message type."))
            return
        await handler(message)

    async def on_subscribe(self, message):
        stream = message.get("stream")
        parsed = live.parse_stream(stream)
        if parsed is None:
            await self._send("subscribe.refused", {"stream": str(stream)[:100]})
            return
        if stream in self.grants:
            await self._send_snapshot(parsed[0], self.grants[stream][0])
            return
        if len(self.grants) >= MAX_STREAMS:
            await self._error(_("Too many subscriptions on one page."))
            return
        kind, ident, facet = parsed
        grant = await live.db(live.authorize)(
            kind, self.user, ident, facet, self.token, memo=self._subscribing()
        )
        if grant is None:
            await self._send("subscribe.refused", {"stream": stream})
            return
        self.grants[stream] = (grant, time.monotonic())
        self._had_streams = True
        live.watching(stream, +1)
        await self.channel_layer.group_add(live.group_name(stream), self.channel_name)
        if kind.on_join:
            await live.db(kind.on_join)(grant, self.channel_name)
        await self._send("subscribed", {"stream": stream})
        await self._send_snapshot(kind, grant)
        if kind.after_change:
            kind.after_change(grant)

    async def on_act(self, message):
        """A write sent over the socket (see live.ACTIONS): answered with the action's event
        or `act.refused`, both carrying the sender's `ref` so its page can match them."""
        ref = str(message.get("ref", ""))[:40]
        name = message.get("action")
        data = message.get("data")
        if not isinstance(name, str) or name not in live.ACTIONS or not isinstance(data, dict):
            await self._send("act.refused", {"ref": ref, "message": _("Unknown action.")})
            return
        if self.user is None or not self.user.is_authenticated:
            await self._send("act.refused", {"ref": ref, "message": _("Log in first.")})
            return
        act = live.Act(user=self.user, data=data, language=self.language, arrived=timezone.now())
        event_type, answer = await live.perform(name, act)
        await self._send(event_type, {**answer, "ref": ref})

    async def on_unsubscribe(self, message):
        stream = message.get("stream")
        if isinstance(stream, str) and stream in self.grants:
            await self._drop(stream)

    async def on_ping(self, message):
        """The browser's heartbeat (every 30 s): keep presence fresh, and re-check access
        that has not been checked for a while. This is the socket's own time, never a
        broadcast's: forwarding an event does no database work."""
        now = time.monotonic()
        for stream, (grant, checked_at) in list(self.grants.items()):
            if now - checked_at > settings.LIVE_REVALIDATE_SECONDS:
                if not await self._recheck(stream):
                    continue
                grant = self.grants[stream][0]
            kind = live.parse_stream(stream)[0]
            if kind.on_ping:
                await live.db(kind.on_ping)(grant, self.channel_name)
        if not self.grants and self._had_streams:
            await self.close(code=CLOSE_ACCESS_ENDED)
            return
        if self.counted:
            await acall("touch", _count_key(self.user.pk), SOCKET_COUNT_SECONDS)
        await self._send("pong", {})

    # -- events from the channel layer ---------------------------------------------

    async def live_event(self, event):
        """Forward a broadcast to this socket if it holds a grant for the stream. No
        database work here: grants are revoked at once by `live.access` events and
        re-checked on the socket's heartbeat."""
        if event["stream"] in self.grants:
            # What self.send(text_data=...) would build for each socket, built once.
            await self.base_send(live.forwarded(event))

    async def live_resync(self, event):
        """Redis was away and events may have been missed: send every stream this socket
        shows afresh (the browser keeps whichever is newest by its sequence number)."""
        live.streams_resynced()
        for stream, (grant, _checked) in list(self.grants.items()):
            await self._send_snapshot(live.parse_stream(stream)[0], grant)

    async def live_user(self, event):
        """An event for this person only (their own group)."""
        await self.send(text_data=event["text"])

    async def live_logout(self, event):
        """The person logged out everywhere: this socket's session is gone."""
        for stream in list(self.grants):
            await self._drop(stream)
        await self.close(code=CLOSE_ACCESS_ENDED)

    async def live_access(self, event):
        """The person's membership changed: re-check every stream of that assembly now.
        A page whose every stream was refused is closed."""
        self._memo_since = float("-inf")  # what the memo says may be what just changed
        dropped = False
        for stream, (grant, _checked) in list(self.grants.items()):
            if grant.assembly_id == event["assembly_id"]:
                dropped = not await self._recheck(stream) or dropped
        if dropped:
            await self._close_if_empty()

    # -- helpers ---------------------------------------------------------------------

    def _subscribing(self):
        """The memo of memberships for subscriptions arriving together (a page opening);
        forgotten MEMBERSHIP_MEMO_SECONDS after it began, so a later subscribe asks again."""
        now = time.monotonic()
        if now - self._memo_since > MEMBERSHIP_MEMO_SECONDS:
            self._memo, self._memo_since = {}, now
        return self._memo

    async def _recheck(self, stream):
        kind, ident, facet = live.parse_stream(stream)
        grant = await live.db(live.authorize)(kind, self.user, ident, facet, self.token)
        if grant is None:
            await self._drop(stream)
            await self._send("access.revoked", {"stream": stream})
            return False
        self.grants[stream] = (grant, time.monotonic())
        return True

    async def _close_if_empty(self):
        if not self.grants:
            await self.close(code=CLOSE_ACCESS_ENDED)

    async def _drop(self, stream):
        grant, _checked = self.grants.pop(stream)
        live.watching(stream, -1)
        kind = live.parse_stream(stream)[0]
        await self.channel_layer.group_discard(live.group_name(stream), self.channel_name)
        if kind.on_leave:
            await live.db(kind.on_leave)(grant, self.channel_name)
        if kind.after_change:
            kind.after_change(grant)

    async def _send_snapshot(self, kind, grant):
        events = await live.snapshot_events(kind, grant)
        for event_type, data in events:
            await self.send(text_data=live.encode(grant.stream, event_type, data))

    async def _send(self, event_type, data):
        await self.send(text_data=live.encode(None, event_type, data))

    async def _error(self, text):
        await self._send("error", {"message": str(text)})


def _count_key(user_id):
    return f"live:sockets:{user_id}"


def _token(scope):
    """The secret token in the socket's address (/ws/live/?token=...), for token streams."""
    from urllib.parse import parse_qs

    query = parse_qs((scope.get("query_string") or b"").decode("latin-1"))
    token = (query.get("token") or [""])[0]
    return token[:100] or None


def _language(scope, user):
    if user is not None and user.is_authenticated and user.language:
        return user.language
    cookies = scope.get("cookies") or {}
    chosen = cookies.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in dict(settings.LANGUAGES):
        return chosen
    # The browser's language, as pages take it (assembly/locale.py).
    for name, value in scope.get("headers") or []:
        if name == b"accept-language":
            for code, _quality in trans_real.parse_accept_lang_header(value.decode("latin-1")):
                try:
                    return translation.get_supported_language_variant(code)
                except LookupError:
                    continue
    return settings.LANGUAGE_CODE


class _Bucket:
    """A token bucket: `capacity` messages, refilled over `period` seconds."""

    def __init__(self, capacity, period):
        self.capacity = capacity
        self.rate = capacity / period
        self.tokens = float(capacity)
        self.stamp = time.monotonic()

    def take(self):
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True
