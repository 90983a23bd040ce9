"""Writes sent over sockets that arrive together run together (issue 10, point 3): acts of
one action with the same key (`together`) that arrive while a run for that key is busy
wait for it and then go in one call; each is answered with its own result; nothing waits
when it is quiet; a run that fails fails only the acts in it.

How checked: with `perform` running every act alone (no waiting list), the grouping test
saw runs of one act each; with answers handed out in arrival order reversed, the answers
test failed; with a failed run's acts left unanswered, the failure test timed out.
"""

import asyncio

import pytest
from django.utils import timezone

from assembly import live


class Recorder:
    """A registered action that answers each act with its own data and records its runs;
    its first run waits until `release` is set, so others pile up behind it."""

    def __init__(self, fail_on=None):
        self.runs = []
        self.release = None
        self.fail_on = fail_on

    def __call__(self, acts):
        self.runs.append([act.data["n"] for act in acts])
        if len(self.runs) == 1 and self.release is not None:
            assert self.release.wait(timeout=10)
        if self.fail_on in (act.data["n"] for act in acts):
            raise RuntimeError("the database went away")
        return [("done", {"n": act.data["n"], "language": act.language}) for act in acts]


@pytest.fixture
def action(monkeypatch):
    import threading

    recorder = Recorder()
    recorder.release = threading.Event()

    def register(together=lambda data: data.get("key")):
        monkeypatch.setitem(live.ACTIONS, "test.act", live.Action(run=recorder, together=together))
        return recorder

    yield register
    recorder.release.set()


def _act(n, key="k", language="en"):
    return live.Act(user=None, data={"n": n, "key": key}, language=language,
                    arrived=timezone.now())  # fmt: skip


async def _until(predicate):
    for _ in range(500):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("never happened")


async def test_acts_arriving_while_one_runs_run_together_each_answered_its_own(action):
    recorder = action()
    first = asyncio.create_task(live.perform("test.act", _act(0)))
    await _until(lambda: recorder.runs)  # the first run started at once, alone
    rest = [asyncio.create_task(live.perform("test.act", _act(n, language="es")))
            for n in range(1, 6)]  # fmt: skip
    await asyncio.sleep(0.05)
    recorder.release.set()
    answers = await asyncio.gather(first, *rest)
    assert recorder.runs == [[0], [1, 2, 3, 4, 5]]
    assert answers == [("done", {"n": 0, "language": "en"})] + [
        ("done", {"n": n, "language": "es"}) for n in range(1, 6)
    ]
    assert live._waiting == {}


async def test_other_keys_do_not_wait(action):
    recorder = action()
    held = asyncio.create_task(live.perform("test.act", _act(0, key="a")))
    await _until(lambda: recorder.runs)
    other = await asyncio.wait_for(live.perform("test.act", _act(1, key="b")), timeout=10)
    assert other == ("done", {"n": 1, "language": "en"})
    assert not held.done()
    recorder.release.set()
    await held


async def test_acts_without_a_key_run_alone(action):
    recorder = action(together=lambda data: None)
    recorder.release.set()
    await asyncio.gather(*(live.perform("test.act", _act(n)) for n in range(4)))
    assert sorted(recorder.runs) == [[0], [1], [2], [3]]


async def test_a_long_queue_runs_in_runs_of_at_most_the_largest(action, monkeypatch):
    monkeypatch.setattr(live, "LARGEST_RUN", 3)
    recorder = action()
    first = asyncio.create_task(live.perform("test.act", _act(0)))
    await _until(lambda: recorder.runs)
    rest = [asyncio.create_task(live.perform("test.act", _act(n))) for n in range(1, 8)]
    await asyncio.sleep(0.05)
    recorder.release.set()
    answers = await asyncio.gather(first, *rest)
    assert recorder.runs == [[0], [1, 2, 3], [4, 5, 6], [7]]
    assert [a[1]["n"] for a in answers] == list(range(8))


async def test_a_failed_run_fails_its_own_acts_and_the_next_run_goes_on(action):
    recorder = action()
    recorder.fail_on = 2
    first = asyncio.create_task(live.perform("test.act", _act(0)))
    await _until(lambda: recorder.runs)
    failing = [asyncio.create_task(live.perform("test.act", _act(n))) for n in (1, 2)]
    await asyncio.sleep(0.05)
    recorder.release.set()
    assert await first == ("done", {"n": 0, "language": "en"})
    for task in failing:
        with pytest.raises(RuntimeError):
            await asyncio.wait_for(task, timeout=10)
    later = await asyncio.wait_for(live.perform("test.act", _act(3)), timeout=10)
    assert later == ("done", {"n": 3, "language": "en"})
    assert live._waiting == {}
