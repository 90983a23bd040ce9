"""A person's login sessions as they see them: no address, no device, no user agent.

One SessionRecord per signed-in session, keyed by the SHA-256 digest of the session key,
with the day it started and the day it was last used. It is written when the person logs
in (`user_logged_in`) and, by `SessionListMiddleware`, at most once a day per session
after that. Logging out removes it; logging out everywhere deletes the person's session
rows (found by their digests) and closes their open sockets (assembly/privacy.py).
"""

import hashlib

from django.utils import timezone

SEEN_KEY = "_asamblea_seen"


def digest(session_key):
    return hashlib.sha256(str(session_key).encode()).hexdigest()


def _mark(session):
    return f"{timezone.localdate().isoformat()}:{digest(session.session_key)[:16]}"


def record(request, user):
    """Note the request's session in the person's session list (idempotent)."""
    from .models import SessionRecord

    session = request.session
    if not session.session_key:
        session.save()
    key = digest(session.session_key)
    if not SessionRecord.objects.filter(key_digest=key).update(seen_on=timezone.localdate()):
        SessionRecord.objects.get_or_create(key_digest=key, defaults={"user": user})
    session[SEEN_KEY] = _mark(session)


def logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        record(request, user)


def logged_out(sender, request, user, **kwargs):
    from .models import SessionRecord

    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        SessionRecord.objects.filter(key_digest=digest(session.session_key)).delete()


class SessionListMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is None or session is None or not session.session_key:
            return response
        if response.status_code >= 500:
            return response  # the database may be what failed
        if not user.is_authenticated or session.get(SEEN_KEY) == _mark(session):
            return response
        record(request, user)
        return response
