"""bin/serve (assembly/serve.py): its listen backlog, and its socket writes on Twisted's
own TCP connection over a real socket pair, with the write-through installed. A write
with nothing queued goes out at once without asking the event loop to watch the socket;
what the socket cannot take is queued, and every later write waits behind it, so the
bytes arrive whole and in order; a write to a connection the peer has closed raises
nothing.

How checked: with the queue check removed (`not self._tempDataLen`), the later small write
overtook the queued rest of the large one and the order test failed."""

import socket

import pytest
from twisted.internet import tcp

from assembly import serve


class Reactor:
    """What a connection asks of its reactor, recorded."""

    def __init__(self):
        self.writers = set()
        self.asked = 0

    def addWriter(self, writer):  # noqa: N802 (Twisted's name)
        self.asked += 1
        self.writers.add(writer)

    def removeWriter(self, writer):  # noqa: N802
        self.writers.discard(writer)

    def addReader(self, reader):  # noqa: N802
        pass

    def removeReader(self, reader):  # noqa: N802
        pass


@pytest.fixture
def pair(monkeypatch):
    monkeypatch.setattr(tcp.Connection, "write", serve.write)
    ours, theirs = socket.socketpair()
    reactor = Reactor()
    connection = tcp.Connection(ours, protocol=None, reactor=reactor)
    connection.connected = 1
    yield connection, theirs, reactor
    ours.close()
    theirs.close()


def _read(sock, n):
    sock.settimeout(5)
    got = b""
    while len(got) < n:
        got += sock.recv(n - len(got))
    return got


def test_a_write_with_nothing_queued_is_sent_at_once(pair):
    connection, theirs, reactor = pair
    connection.write(b"hello")
    assert _read(theirs, 5) == b"hello"
    assert reactor.asked == 0 and not reactor.writers


def test_what_the_socket_cannot_take_is_queued_and_keeps_its_order(pair):
    connection, theirs, reactor = pair
    big = bytes(range(256)) * (16 * 1024)  # 4 MiB: more than a socket buffer takes
    connection.write(big)
    assert connection in reactor.writers  # the rest waits for the event loop
    connection.write(b"after")
    assert connection._tempDataLen > 0  # queued behind, not sent ahead
    got = b""
    theirs.settimeout(5)
    while len(got) < len(big) + 5:
        if connection in reactor.writers:
            connection.doWrite()
        got += theirs.recv(1 << 20)
    assert got == big + b"after"
    assert not reactor.writers


def test_a_write_after_the_peer_left_raises_nothing(pair):
    connection, theirs, reactor = pair
    theirs.close()
    connection.write(b"x" * 10)
    connection.write(b"y" * 100_000)  # the loss shows on a send: left to the event loop
    assert connection in reactor.writers


def test_the_listen_address_keeps_its_meaning_and_gains_a_backlog_and_a_timeout():
    timeout = ["--websocket_connect_timeout", str(serve.CONNECT_TIMEOUT)]
    assert serve.listen_args(["-v", "0", "-b", "127.0.0.1", "-p", "8001", "config.asgi:app"]) == [
        "-e", f"tcp:port=8001:interface=127.0.0.1:backlog={serve.BACKLOG}", *timeout,
        "-v", "0", "config.asgi:app",
    ]  # fmt: skip
    assert serve.listen_args(["-b", "::1", "-p", "8001"])[1] == (
        rf"tcp:port=8001:interface=\:\:1:backlog={serve.BACKLOG}"
    )
    assert serve.listen_args(["-u", "/run/a.sock", "x"]) == [*timeout, "-u", "/run/a.sock", "x"]
    given = ["--websocket_connect_timeout", "9", "-u", "/run/a.sock"]
    assert serve.listen_args(given) == given
