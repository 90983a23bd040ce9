"""Start daphne (bin/serve runs `python -m assembly.serve ...` with daphne's own options),
with one change to how Twisted writes to a socket.

Twisted queues every write and asks the event loop to say when the socket can take it:
two `epoll_ctl` calls and two event-loop callbacks per write, before and after the one
`send()` that does the work. For a broadcast to 2,000 sockets that was a quarter of the
server's time (BENCHMARKS.md, "The live meeting"). Here a write to a socket with nothing
already queued is sent at once, as asyncio's own transports do; whatever the socket does
not take (a slow phone, a full buffer), and every write after it until the queue drains,
goes Twisted's usual way, so the bytes keep their order (and a registered producer is
paused when that queue is full, as before: a write sent whole leaves the queue empty).
"""

from twisted.internet import tcp

_queued_write = tcp.Connection.write


def write(self, data):
    if (
        data
        and type(data) is bytes
        and not self.TLS
        and self.connected
        and not self.disconnecting
        and not self._writeDisconnected
        and not self._tempDataLen
        and self.offset == len(self.dataBuffer)
    ):
        sent = self.writeSomeData(data)
        if isinstance(sent, int) and sent >= 0:
            if sent == len(data):
                return
            data = data[sent:]
        # A lost connection: queued, the event loop finds it as Twisted always does.
    _queued_write(self, data)


def install():
    tcp.Connection.write = write


# Connections waiting to be accepted. daphne's -b/-p listen with Twisted's default of 50:
# a crowd arriving while the server is busy (a hall opening the meeting page at once)
# overflowed it and had its handshakes refused and retried.
BACKLOG = 1024


# How long a WebSocket handshake may wait for the server (daphne's default is 5 s). A crowd
# arriving at once on a small server queues for longer than that; closing the waiting
# handshakes only made every phone try again later, adding to the queue.
CONNECT_TIMEOUT = 30


def listen_args(argv):
    """daphne's arguments with `-b HOST -p PORT` as the same endpoint plus a backlog, and
    the handshake timeout unless one is given."""
    if "--websocket_connect_timeout" not in argv:
        argv = ["--websocket_connect_timeout", str(CONNECT_TIMEOUT), *argv]
    args, host, port = [], None, None
    items = iter(argv)
    for arg in items:
        if arg in ("-b", "--bind"):
            host = next(items, None)
        elif arg in ("-p", "--port"):
            port = next(items, None)
        else:
            args.append(arg)
    if host is None or port is None:
        return list(argv)
    interface = host.strip("[]").replace(":", r"\:")
    return ["-e", f"tcp:port={int(port)}:interface={interface}:backlog={BACKLOG}", *args]


def main():
    import sys

    install()
    from daphne.cli import CommandLineInterface

    CommandLineInterface().run(listen_args(sys.argv[1:]))


if __name__ == "__main__":
    main()
