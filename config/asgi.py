"""HTTP and WebSocket routing. WebSockets: the origin must match exactly (scheme, host,
port; assembly/origin.py), the person is resolved from their session, one consumer for
every live page."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from assembly.consumers import LiveConsumer  # noqa: E402
from assembly.origin import ExactOriginValidator  # noqa: E402
from assembly.socket_auth import SocketAuthStack  # noqa: E402

websocket_urlpatterns = [path("ws/live/", LiveConsumer.as_asgi())]

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": ExactOriginValidator(SocketAuthStack(URLRouter(websocket_urlpatterns))),
    }
)
