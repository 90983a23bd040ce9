"""Rate limits for the public pages, without keeping anyone's address.

A counter per address lives only in the cache, for a few minutes, under a keyed hash of
the address (HMAC with SECRET_KEY): the address itself is never stored, logged or put in
a cache key. A second counter per page caps everyone together, so a crowd of addresses
cannot flood one training's sign-up either.
"""

import hashlib
import hmac

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied


def _address_key(request):
    try:
        address = get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        address = "unknown"
    key = f"trainings.ratelimit:{settings.SECRET_KEY}".encode()
    return hmac.new(key, str(address).encode(), hashlib.sha256).hexdigest()[:32]


def _hit(key, window):
    """Count one use of `key` in the current window; return the count so far."""
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def allow(request, scope, *, per_address, per_page, window, page=""):
    """Whether this request is within both limits (and count it). One address over its
    own limit does not use up the page's."""
    if _hit(f"rl:{scope}:a:{_address_key(request)}", window) > per_address:
        return False
    page_key = hashlib.sha256(str(page).encode()).hexdigest()[:24]  # whatever was typed
    return _hit(f"rl:{scope}:p:{page_key}", window) <= per_page
