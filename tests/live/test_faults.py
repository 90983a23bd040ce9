"""Faults on the scale-out path (issue 10, point 5), through real daphne workers, real
HTTP and real sockets, each against a Redis of its own that the test can stop, hang or
restart (never the shared one):

- Redis down, or hung (it accepts connections and never answers): pages, a login and a
  write answer quickly and never with a 500; a socket still opens and gets its snapshot.
- Redis goes away and comes back: a socket on the other worker, which missed the event
  sent meanwhile, is sent a fresh snapshot without reconnecting.
- A worker is killed with kill -9 while members vote through two workers: every ballot
  that was confirmed to its voter is stored.

How checked: with the settings before (channels-redis's core layer and Django's plain
Redis cache), the login answered 500 with Redis down and with Redis hung, and the socket
on the other worker never received the change made during the outage. The kill -9 test
passed there too: it guards the promise (the database is the truth) against regressions.
"""

import asyncio
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings

from tests.conftest import PASSWORD
from tests.servers import Server, free_port

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
QUICK = 1.5  # seconds: a page must answer well within this with Redis down or hung


@pytest.fixture
def need_redis_server():
    if not os.path.exists(REDIS_SERVER):
        if os.environ.get("REDIS_URL") or os.environ.get("ASAMBLEA_REQUIRE_BROWSER"):
            pytest.fail("redis-server is missing (Debian's redis-server package)")
        pytest.skip("redis-server is not installed on this machine")


class OwnRedis:
    """A redis-server of this test's own, on a free port, that can be stopped and started."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_for_port(self.port)
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class HungRedis:
    """A port that accepts connections and never answers: a Redis that hangs."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(100)
        self.port = self.listener.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.held = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self):
        self.listener.close()
        for connection in self.held:
            connection.close()


def _wait_for_port(port, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


def _worker(redis_url):
    prefix = f"faults-{os.getpid()}-{free_port()}"
    return Server(env={"REDIS_URL": redis_url, "CHANNELS_PREFIX": prefix,
                       "CACHE_PREFIX": prefix, "REDIS_TIMEOUT": "0.25"})  # fmt: skip


class Visitor:
    """A person's browser without the browser: cookies, CSRF, and the time each answer took."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(self, path, data=None, timeout=30):
        headers = {"Origin": self.base, "Referer": self.base + path}
        token = next((c.value for c in self.jar if c.name == settings.CSRF_COOKIE_NAME), "")
        if data is not None:
            data = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        started = time.monotonic()
        try:
            response = self.opener.open(
                urllib.request.Request(self.base + path, data=data, headers=headers),  # noqa: S310
                timeout=timeout,
            )
            status, body = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode()
        return status, body, time.monotonic() - started

    def log_in(self, email):
        self.request("/accounts/login/")
        status, body, took = self.request(
            "/accounts/login/", {"login": email, "password": PASSWORD}
        )
        return status, took

    def session(self):
        return next((c.value for c in self.jar if c.name == settings.SESSION_COOKIE_NAME), "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


async def _socket(base, session, streams):
    import websockets

    ws = await websockets.connect(
        base.replace("http", "ws") + "/ws/live/",
        additional_headers={"Origin": base, "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"},
        open_timeout=10,
    )
    for stream in streams:
        await ws.send(json.dumps({"type": "subscribe", "stream": stream}))
    return ws


async def _until(ws, predicate, seconds):
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        assert left > 0, "the awaited event never came"
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout=left))
        if predicate(message):
            return message


def _site_works_without_redis(cast, base):
    """Login, pages and a write answer quickly and never 500; a socket opens and stays."""
    visitor = Visitor(base)
    status, took = visitor.log_in("member@example.org")
    assert status == 302 and took < QUICK, (status, took)
    slug = cast.assembly.slug
    for path in ("/", f"/a/{slug}/", f"/a/{slug}/proposals/", "/privacy/"):
        status, _body, took = visitor.request(path)
        assert status == 200 and took < QUICK, (path, status, took)
    status, body, _ = visitor.request(f"/a/{slug}/proposals/new/")
    key = re.search(r'name="idempotency_key" value="([^"]+)"', body).group(1)
    status, _body, took = visitor.request(
        f"/a/{slug}/proposals/new/", {"title": "Redis down", "body": "Still works.",
                                      "idempotency_key": key},
    )  # fmt: skip
    assert status == 302 and took < QUICK, (status, took)
    from decisions.models import Proposal

    assert Proposal.objects.filter(title="Redis down").count() == 1

    async def socket_stays():
        ws = await _socket(base, visitor.session(), [f"assembly:{cast.assembly.pk}"])
        snapshot = await _until(ws, lambda m: m["type"] == "assembly.updated", 10)
        assert snapshot["stream"] == f"assembly:{cast.assembly.pk}"
        await asyncio.sleep(3)
        assert ws.close_code is None  # still open: not accepted and dropped
        await ws.close()

    asyncio.run(socket_stays())


def test_redis_down_never_turns_a_page_into_a_500(cast, need_redis_server):
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    server = _worker(dead).start()
    try:
        _site_works_without_redis(cast, server.url)
    finally:
        server.stop()


def test_a_hung_redis_never_holds_a_request(cast, need_redis_server):
    hung = HungRedis()
    server = _worker(hung.url).start()
    try:
        _site_works_without_redis(cast, server.url)
    finally:
        server.stop()
        hung.close()


def test_redis_coming_back_sends_fresh_snapshots(cast, need_redis_server):
    redis = OwnRedis().start()
    first, second = _worker(redis.url).start(), _worker(redis.url).start()
    try:
        member = Visitor(second.url)
        assert member.log_in("member@example.org")[0] == 302
        steward = Visitor(first.url)
        assert steward.log_in("steward@example.org")[0] == 302
        stream = f"assembly:{cast.assembly.pk}"

        async def scenario():
            ws = await _socket(second.url, member.session(), [stream])
            await _until(ws, lambda m: m["type"] == "assembly.updated", 10)
            redis.stop()
            # The steward changes the description through the other worker meanwhile.
            path = f"/a/{cast.assembly.slug}/settings/"
            _status, body, _ = await asyncio.to_thread(steward.request, path)
            form = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', body))
            form.update(description="Back **after the outage**", name=cast.assembly.name,
                        language="en", quorum_kind="percent", quorum_value="50",
                        member_list_visibility="facilitators", visibility="private",
                        seconds_required="0")  # fmt: skip
            status, _body, took = await asyncio.to_thread(steward.request, path, form)
            assert status == 302 and took < QUICK, (status, took)
            await asyncio.sleep(1)
            redis.start()
            fresh = await _until(
                ws, lambda m: "after the outage" in json.dumps(m), 30
            )  # the resync after Redis returned, on the same socket
            assert fresh["type"] == "assembly.updated"
            assert ws.close_code is None
            await ws.close()

        asyncio.run(scenario())
    finally:
        first.stop()
        second.stop()
        redis.stop()


def _refuses(port, seconds=10):
    """Whether connections to `port` are refused within `seconds` (its server is gone)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except OSError:
            return True
        time.sleep(0.05)
    return False


def test_a_worker_killed_mid_vote_loses_no_confirmed_ballot(cast, need_redis_server):
    from decisions import actions
    from decisions.models import Participation
    from tests.conftest import join, make_user

    voters = [join(make_user(f"k{i}@example.org"), cast.assembly, f"Kay {i}") for i in range(16)]
    poll = actions.open_poll(cast.facilitator, question="Strike?", method="majority")
    redis = OwnRedis().start()
    workers = [_worker(redis.url).start(), _worker(redis.url).start()]
    confirmed, lost, lock = [], [], threading.Lock()
    path = f"/a/{cast.assembly.slug}/polls/{poll.pk}/"

    def vote(i, member):
        visitor = Visitor(workers[i % 2].url)
        try:
            assert visitor.log_in(member.user.email)[0] == 302
            _status, body, _ = visitor.request(path)
            key = re.search(r'name="idempotency_key" value="([^"]+)"', body).group(1)
            if i >= 6:
                time.sleep(0.5)  # these arrive after the kill
            status, _body, _ = visitor.request(
                path, {"choice": "yes", "idempotency_key": key}, timeout=20
            )
        except (OSError, AttributeError) as error:  # refused, reset or cut off by the kill
            with lock:
                lost.append((member, repr(error)))
            return
        with lock:
            (confirmed if status == 302 else lost).append(member if status == 302 else
                                                          (member, status))  # fmt: skip

    threads = [threading.Thread(target=vote, args=(i, m)) for i, m in enumerate(voters)]
    try:
        for t in threads[:6]:
            t.start()
        for t in threads[:6]:
            t.join(timeout=60)
        for t in threads[6:]:
            t.start()
        time.sleep(0.3)
        # kill -9, mid-vote: the whole process group (the server runs under /bin/sh -c, and
        # killing only the shell left daphne serving: this test once killed nothing).
        os.killpg(workers[0].process.pid, signal.SIGKILL)
        assert _refuses(workers[0].port), "the killed worker still answers"
        for t in threads[6:]:
            t.join(timeout=60)
        assert not any(t.is_alive() for t in threads)
    finally:
        for worker in workers:
            worker.stop()
        redis.stop()
    assert len(confirmed) + len(lost) == len(voters)
    assert len(confirmed) >= 8  # the surviving worker went on taking ballots
    stored = set(Participation.objects.filter(poll=poll).values_list("member_id", flat=True))
    assert {m.pk for m in confirmed} <= stored  # every confirmed ballot is there
    assert poll.ballots.count() == len(stored)
