"""What the server writes to its log: never a client address and never a token.

Django logs refused requests ("Not Found: /i/<token>/", "Forbidden (CSRF ...): /path")
and daphne may name a request's address and path in a warning. Every line goes through
`PrivateFormatter`, which writes a request's path as its URL pattern
(`/i/<str:token>/`, `/a/<slug:slug>/polls/<int:pk>/`) and blanks anything that looks
like an IPv4 address or a token-bearing path, tracebacks included.
"""

import logging
import re

ADDRESS_RE = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?(?![\w.])")
TOKEN_PATH_RE = re.compile(
    r"(/i/|/projector/\d+/|/calendar/|[?&]token=)[^\s\"'<>&/]+(/|\.ics)?", re.IGNORECASE
)


def path_pattern(path):
    """A request path as the URL pattern it matched, so no token or id is written."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path)
    except (Resolver404, ValueError, TypeError):
        return "(an unknown path)"
    return "/" + match.route if match.route else "(an unknown path)"


def scrub(text):
    text = TOKEN_PATH_RE.sub(lambda m: f"{m.group(1)}…{m.group(2) or ''}", text)
    return ADDRESS_RE.sub("[address]", text)


class PrivateFormatter(logging.Formatter):
    def format(self, record):
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if path and isinstance(record.args, tuple):
            escaped = path.encode("unicode_escape").decode("ascii")
            record.args = tuple(
                path_pattern(path) if arg in (path, escaped) else arg for arg in record.args
            )
        return scrub(super().format(record))
