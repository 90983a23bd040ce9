"""Which pages may open a socket: an exact origin match (scheme, host and port).

Channels' AllowedHostsOriginValidator compares the host alone, so a page served over
another scheme or from another port of an allowed host could open a socket with the
member's cookies. Here the Origin header must equal, after dropping a default port:
- SITE_URL, or one of CSRF_TRUSTED_ORIGINS; or
- the socket's own origin: its scheme (wss, or X-Forwarded-Proto where
  SECURE_PROXY_SSL_HEADER trusts it) with its Host header, when that host is in
  ALLOWED_HOSTS.
A socket without an Origin (not a browser page) is refused.
"""

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical(origin):
    """scheme://host[:port] in lower case without a default port, or None."""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/"):
        return None
    if parts.username or parts.password or parts.query or parts.fragment:
        return None
    port = port if port not in (None, DEFAULT_PORTS[parts.scheme]) else None
    return f"{parts.scheme}://{parts.hostname}" + (f":{port}" if port else "")


def _own_origin(scope, headers):
    host = headers.get(b"host", b"").decode("latin-1").strip().lower()
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    secure = scope.get("scheme") == "wss"
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy:
        name = proxy[0].removeprefix("HTTP_").replace("_", "-").lower().encode()
        secure = secure or headers.get(name, b"").decode("latin-1").strip() == proxy[1]
    return canonical(f"{'https' if secure else 'http'}://{host}")


def origin_allowed(scope):
    headers = {name.lower(): value for name, value in scope.get("headers", [])}
    origin = canonical(headers.get(b"origin", b"").decode("latin-1"))
    if origin is None:
        return False
    allowed = {canonical(settings.SITE_URL), *map(canonical, settings.CSRF_TRUSTED_ORIGINS)}
    allowed.add(_own_origin(scope, headers))
    return origin in allowed - {None}


class ExactOriginValidator:
    """ASGI middleware: refuse a WebSocket whose Origin is not exactly one of ours."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
