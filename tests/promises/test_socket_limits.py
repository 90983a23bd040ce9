"""README: "WebSockets: ... 64 KiB message limit (daphne and the consumer)".

Daphne's part, through a real server started exactly as each documented command starts
it (the README's production command and `make run`): a message over 64 KiB is cut off
by daphne itself before any application code reads it (autobahn, under daphne, drops
the connection: no answer, no close frame), and a message just under the limit still
reaches the consumer. The server lives on: the next socket is served. The consumer's own
check is in tests/live/test_consumer.py.

Checked: removing `--websocket-max-message-size 65536` from the README's command (or
from the Makefile's `run`) fails the test for that command; daphne's default then lets
the message through to the consumer, which answers with an error instead.
"""

import json
import os

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect as ws_connect

from tests.servers import Server, documented_commands, free_port, on_port

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT = 64 * 1024
COMMANDS = documented_commands()


@pytest.fixture(params=sorted(COMMANDS))
def documented_server(request, transactional_db):
    port = free_port()
    server = Server(port=port, command=on_port(COMMANDS[request.param], port)).start()
    yield server
    server.stop()


def padded(size):
    """A JSON ping of exactly `size` bytes, padded with bytes that do not compress."""
    head = '{"type":"ping","pad":"'
    pad = os.urandom(size).hex()[: size - len(head) - 2]
    text = head + pad + '"}'
    assert len(text.encode()) == size
    return text


def socket(server):
    return ws_connect(f"ws://127.0.0.1:{server.port}/ws/live/", origin=server.url,
                      compression=None, proxy=None, open_timeout=30)  # fmt: skip


def test_daphne_cuts_off_a_message_over_64_kib(documented_server):
    with socket(documented_server) as ws:
        ws.send(padded(LIMIT - 1024))
        assert json.loads(ws.recv(timeout=30))["type"] == "pong"  # under the limit: through
        ws.send(padded(LIMIT + 1024))
        with pytest.raises(ConnectionClosed) as closed:
            answer = ws.recv(timeout=30)
            pytest.fail(f"daphne let {LIMIT + 1024} bytes through; the consumer said {answer}")
    assert closed.value.rcvd is None  # dropped by daphne, not closed by the consumer
    assert documented_server.process.poll() is None
    with socket(documented_server) as ws:
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv(timeout=30))["type"] == "pong"
