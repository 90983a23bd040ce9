"""The physical limit to compare against: a bare `websockets` server that does only what
the live meeting must do on the wire, with no framework, database or permissions.

It speaks the same little protocol as Asamblea's socket, so the same clients measure it:
- {"type": "subscribe", "stream": s} -> "subscribed", then a snapshot of the same size as
  Asamblea's (a poll's tally, a meeting's state);
- {"type": "act", "action": "ballot.cast", "ref": r, "data": {"poll": p, ...}} -> counted,
  answered "ballot.recorded" with the ref, and the poll's turnout broadcast to every
  socket at most every 0.25 s, ending on the exact count (as Asamblea coalesces);
- a POST-less control: {"type": "push", "item": i, "size": n} from any socket broadcasts a
  "meeting.state" of n bytes to every socket (a facilitator's change).

Usage: python bench/bare_server.py PORT MEETING_STATE_BYTES
"""

import asyncio
import json
import sys

import websockets

SOCKETS = set()
TURNOUT = {}
PENDING = set()


def compact(message):
    """As Asamblea sends them: no spaces (the clients read fields by pattern)."""
    return json.dumps(message, separators=(",", ":"))


def broadcast(text):
    websockets.broadcast(SOCKETS, text)


def tally(poll):
    return json.dumps({"stream": f"poll:{poll}", "type": "poll.tally",
                       "data": {"turnout": TURNOUT.get(poll, 0), "electorate": 0,
                                "swap": {f"poll-{poll}-turnout": str(TURNOUT.get(poll, 0))}}},
                      separators=(",", ":"))  # fmt: skip


def state(item, size, stream="meeting:0:en"):
    head = {"stream": stream, "type": "meeting.state", "data": {"item": item, "swap": ""}}
    text = json.dumps(head, separators=(",", ":"))
    return text.replace('"swap":""', '"swap":"' + "x" * max(0, size - len(text)) + '"')


async def flush(poll):
    await asyncio.sleep(0.25)
    PENDING.discard(poll)
    broadcast(tally(poll))


async def handler(ws, size):
    SOCKETS.add(ws)
    try:
        async for raw in ws:
            message = json.loads(raw)
            kind = message.get("type")
            if kind == "subscribe":
                stream = message.get("stream", "")
                await ws.send(compact({"stream": None, "type": "subscribed",
                                       "data": {"stream": stream}}))  # fmt: skip
                if stream.startswith("poll:"):
                    await ws.send(tally(int(stream.split(":")[1])))
                else:
                    await ws.send(state(0, size, stream))
            elif kind == "act":
                poll = int(message["data"]["poll"])
                TURNOUT[poll] = TURNOUT.get(poll, 0) + 1
                await ws.send(compact({"stream": None, "type": "ballot.recorded",
                                       "data": {"ref": message.get("ref")}}))  # fmt: skip
                if poll not in PENDING:
                    PENDING.add(poll)
                    asyncio.get_running_loop().create_task(flush(poll))
            elif kind == "push":
                broadcast(state(message["item"], message.get("size", size)))
    except websockets.exceptions.ConnectionClosed:
        pass  # the client went: nothing to do
    finally:
        SOCKETS.discard(ws)


async def main(port, size):
    async with websockets.serve(lambda ws: handler(ws, size), "127.0.0.1", port,
                                max_size=2**20, ping_interval=None):  # fmt: skip
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
