"""Who opens a socket: channels' session and auth middleware, with the person looked up in
the thread pool.

Channels' AuthMiddleware reads the session and the user on Django's one thread for
synchronous code, the thread that also serves every page: a hall of phones opening the
meeting at once queued there, one after another, behind each other and the pages, and
daphne closed the handshakes that waited longer than its timeout (BENCHMARKS.md, "The
live meeting"). The lookup itself is channels' own (`channels.auth.get_user`), run where
the sockets' other database work runs (`live.db`).
"""

from channels.auth import AuthMiddleware, get_user
from channels.sessions import CookieMiddleware, SessionMiddleware

from . import live


class PooledAuthMiddleware(AuthMiddleware):
    async def resolve_scope(self, scope):
        scope["user"]._wrapped = await live.db(get_user.func)(scope)


def SocketAuthStack(inner):  # noqa: N802 (named like channels' AuthMiddlewareStack)
    return CookieMiddleware(SessionMiddleware(PooledAuthMiddleware(inner)))
