"""The shared cache (rate limits, the per-person socket cap, the workers' broadcast
windows): Redis when it answers, this process's own memory when it does not.

A login, a page or a socket must never fail or wait because Redis is down or hung: each
call has a short timeout (REDIS_TIMEOUT), and after a failure this process uses its own
memory for RETRY_SECONDS before asking Redis again, so at most one call in that time pays
the timeout. While Redis is away each worker counts on its own: rate limits still hold
per worker, and the workers coordinate nothing (each broadcasts for itself).
"""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0


def _guarded(name):
    """RedisCache.<name>, answered from this process's memory while Redis is away."""

    def method(self, *args, **kwargs):
        if time.monotonic() < self._away_until:
            return getattr(self._fallback, name)(*args, **kwargs)
        try:
            return getattr(RedisCache, name)(self, *args, **kwargs)
        except (RedisError, OSError):
            self._away_until = time.monotonic() + RETRY_SECONDS
            log.warning("cache: Redis did not answer; using this process's memory")
            return getattr(self._fallback, name)(*args, **kwargs)

    method.__name__ = name
    return method


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        # One try per call: redis-py otherwise retries a timed-out call with back-off,
        # and a hung Redis would hold each request for seconds.
        options = params.setdefault("OPTIONS", {})
        options.setdefault("retry", Retry(NoBackoff(), 0))
        super().__init__(server, params)
        self._fallback = LocMemCache(f"asamblea-fallback-{id(self)}", {})
        self._away_until = 0.0

    add = _guarded("add")
    get = _guarded("get")
    set = _guarded("set")
    touch = _guarded("touch")
    delete = _guarded("delete")
    get_many = _guarded("get_many")
    has_key = _guarded("has_key")
    incr = _guarded("incr")
    set_many = _guarded("set_many")
    delete_many = _guarded("delete_many")
    clear = _guarded("clear")


async def acall(method, *args, **kwargs):
    """`cache.<method>(...)` from async code (a socket), without Django's default hop.

    Django's async cache methods run the call on its one thread for synchronous code, the
    thread that also serves every page, so a crowd's sockets queue in front of the pages.
    This process's own memory answers at once, on the event loop; Redis is asked from
    the thread pool (each call bounded by REDIS_TIMEOUT).
    """
    from asgiref.sync import sync_to_async
    from django.core.cache import cache

    call = getattr(cache, method)
    if isinstance(cache, LocMemCache):
        return call(*args, **kwargs)
    return await sync_to_async(call, thread_sensitive=False)(*args, **kwargs)
