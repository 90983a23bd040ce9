"""Broadcasts handed straight to the sockets (assembly/layers.py, `attach`): every socket
gets every broadcast once and in the order they were sent, a socket whose handler fails
does not stop the others, the rest of the server gets turns during a long broadcast, and
messages of other types still go through the socket's queue.

How checked: with the fan-out lock removed, the ordering test saw the second broadcast
overtake the first on the later sockets; with the handler's exception not caught, the
sockets after the failing one missed the broadcast."""

import asyncio

import pytest

from assembly import layers


@pytest.fixture
def layer():
    return layers.LocalLayer()


async def _sockets(layer, n, group="s.poll.1"):
    seen = {}
    channels = []
    for _ in range(n):
        channel = await layer.new_channel()
        seen[channel] = []

        async def handler(message, channel=channel):
            seen[channel].append(message["text"])

        layer.attach(channel, ("live.event",), handler)
        await layer.group_add(group, channel)
        channels.append(channel)
    return channels, seen


async def test_every_socket_gets_every_broadcast_in_order(layer, monkeypatch):
    monkeypatch.setattr(layers, "FAN_OUT_SLICE", 3)  # many turns given away per broadcast
    channels, seen = await _sockets(layer, 10)
    # The socket the first broadcast reaches last also follows a second stream.
    last = list(layer._state().groups["s.poll.1"])[-1]
    await layer.group_add("s.poll.2", last)
    first = asyncio.create_task(layer.group_send("s.poll.1", {"type": "live.event", "text": "A"}))
    second = asyncio.create_task(layer.group_send("s.poll.2", {"type": "live.event", "text": "B"}))
    third = asyncio.create_task(layer.group_send("s.poll.1", {"type": "live.event", "text": "C"}))
    await asyncio.gather(first, second, third)
    assert seen[last] == ["A", "B", "C"]
    assert all(seen[c] == ["A", "C"] for c in channels if c != last)


async def test_the_send_returns_when_every_socket_has_it(layer):
    channels, seen = await _sockets(layer, 600)
    await layer.group_send("s.poll.1", {"type": "live.event", "text": "A"})
    assert all(seen[c] == ["A"] for c in channels)


async def test_other_work_runs_during_a_long_broadcast(layer, monkeypatch):
    monkeypatch.setattr(layers, "FAN_OUT_SLICE", 50)
    channels, seen = await _sockets(layer, 500)
    during = []

    async def other():
        await asyncio.sleep(0)
        during.append(sum(len(v) for v in seen.values()))

    others = [asyncio.create_task(other())]
    await layer.group_send("s.poll.1", {"type": "live.event", "text": "A"})
    await asyncio.gather(*others)
    assert during and 0 < during[0] < 500  # it ran in the middle, not after


async def test_a_failing_socket_does_not_stop_the_broadcast(layer, caplog):
    channels, seen = await _sockets(layer, 5)

    async def broken(message):
        raise RuntimeError("gone")

    layer.attach(channels[2], ("live.event",), broken)
    await layer.group_send("s.poll.1", {"type": "live.event", "text": "A"})
    assert [len(seen[c]) for c in channels] == [1, 1, 0, 1, 1]
    assert "failed to take a broadcast" in caplog.text


async def test_other_types_and_unattached_sockets_use_the_queue(layer):
    channels, seen = await _sockets(layer, 2)
    plain = await layer.new_channel()
    await layer.group_add("s.poll.1", plain)
    await layer.group_send("s.poll.1", {"type": "live.resync"})
    await layer.group_send("s.poll.1", {"type": "live.event", "text": "A"})
    assert all(seen[c] == ["A"] for c in channels)
    for channel in [*channels, plain]:
        assert (await asyncio.wait_for(layer.receive(channel), 1))["type"] == "live.resync"
    assert (await asyncio.wait_for(layer.receive(plain), 1))["text"] == "A"


async def test_a_detached_or_gone_socket_gets_nothing_more(layer):
    channels, seen = await _sockets(layer, 2)
    layer.detach(channels[0])
    await layer.group_discard("s.poll.1", channels[0])
    await layer.group_send("s.poll.1", {"type": "live.event", "text": "A"})
    assert seen[channels[0]] == [] and seen[channels[1]] == ["A"]
