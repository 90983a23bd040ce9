"""The coalescer behind every tally and meeting broadcast (assembly/live.py): a change
after a quiet spell goes out at once, a burst is gathered into at most one flush per
window, and the last flush always reads the state after the last change.

How checked: with the old rule (every flush waited the full delay) the first test failed
(the change waited 250 ms); with the pending mark cleared after the flush instead of
before, the last test ended on a stale value."""

import asyncio

from assembly.live import Coalescer


async def test_a_change_after_a_quiet_spell_goes_out_at_once():
    coalescer, flushed = Coalescer(delay=0.25), []
    loop = asyncio.get_running_loop()
    started = loop.time()

    async def flush(key):
        flushed.append(loop.time() - started)

    coalescer.request("k", flush)
    await asyncio.sleep(0.05)
    assert len(flushed) == 1 and flushed[0] < 0.05


async def test_a_burst_is_one_flush_per_window_ending_exact():
    coalescer, seen = Coalescer(delay=0.25), []
    loop = asyncio.get_running_loop()
    state = {"value": 0}

    async def flush(key):
        seen.append((loop.time(), state["value"]))

    started = loop.time()
    for value in range(1, 41):  # forty changes over 0.8 s (or more, see `burst`)
        state["value"] = value
        coalescer.request("k", flush)
        await asyncio.sleep(0.02)
    # The burst's real length: 0.8 s on a quiet machine, longer when sleeps wake late (a
    # loaded CI machine stretched it and this test counted one window more than 0.8 s has).
    burst = loop.time() - started
    for _ in range(100):  # the last window closes 0.25 s after the last change (or later
        await asyncio.sleep(0.1)  # on a loaded machine): wait for it, up to 10 s
        if seen and seen[-1][1] == 40 and not coalescer._pending:
            break
    times = [t - started for t, _v in seen]
    assert seen[-1][1] == 40  # the last flush has the last change
    assert all(b - a >= 0.24 for a, b in zip(times, times[1:], strict=False))
    assert len(seen) <= 1 + burst / 0.25 + 1  # at once, one per window, the last


async def test_a_costly_flush_widens_its_window_up_to_the_longest():
    """A flush that takes 0.1 s (a broadcast to a big crowd) is followed by a window of
    `spend` x 0.1 s, not the base delay; a cheap one keeps the base delay; no window
    is longer than `longest`. With a fixed window, the second gap here was 0.25 s."""
    coalescer = Coalescer(delay=0.05, spend=4.0, longest=0.3)
    loop = asyncio.get_running_loop()
    starts = []
    cost = {"s": 0.1}

    async def flush(key):
        starts.append(loop.time())
        await asyncio.sleep(cost["s"])

    coalescer.request("k", flush)  # at once; takes 0.1 s
    await asyncio.sleep(0.15)
    coalescer.request("k", flush)  # 4 x 0.1 s after the first began, capped at 0.3 s
    await asyncio.sleep(0.6)
    assert len(starts) == 2
    assert 0.29 <= starts[1] - starts[0] < 0.4
    assert coalescer.window("k") == 0.3

    cost["s"] = 0.0
    coalescer.request("k", flush)
    await asyncio.sleep(0.5)
    assert len(starts) == 3 and coalescer.window("k") == 0.05
