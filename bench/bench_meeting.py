"""The live meeting at N members, measured as an operator would run it, next to the bare
limit in the same run (issue 10).

For each setup and each N:
- the embedded default (SQLite, one worker) and the scale-out path (PostgreSQL + Redis, two
  workers; clients spread over both, as a proxy would) run Asamblea's real server
  (bin/serve, production settings over plain HTTP) on a meeting built by
  bench/meeting_world.py, with N members holding real login sessions;
- `bare` is bench/bare_server.py: a `websockets` server that only moves the same bytes.

What is measured, with N members' sockets on the meeting's and three votes' streams:
- joining: N sockets arriving over JOIN_SECONDS, until every one has its snapshots (time
  from the first connection), handshakes refused and retried, sockets dropped;
- server memory per connected member (the workers' RSS before and after, divided by N);
- a facilitator's change (the next agenda item, through the console's form) until it is
  on every screen: p95 over every screen of five changes, and server CPU per change;
- ballots, one per member: over the socket at RATE per second offered, over the socket all
  at once, and through the ballot form all at once (FORM_IN_FLIGHT requests at a time):
  ballots accepted per second, send -> ack, and ack -> every screen showing a turnout that
  includes it (p50 / p95 / p99), and whether every screen ends on the exact count;
- with Redis, IDLE_SECONDS of quiet with every socket open: sockets the server closed.

Usage: .venv/bin/python bench/bench_meeting.py   (BENCH_SIZES=500,1000,2000,
BENCH_SETUPS=embedded,scaleout,bare, BENCH_IDLE=600; PostgreSQL and Redis on 127.0.0.1,
or BENCH_DATABASE_URL / BENCH_REDIS_URL). Run it on a quiet machine: the clients share it.
"""

import asyncio
import contextlib
import json
import os
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "500,1000,2000").split(",") if n]
SETUPS = os.environ.get("BENCH_SETUPS", "embedded,scaleout,bare").split(",")
JOIN_SECONDS = float(os.environ.get("BENCH_JOIN_SECONDS", "10"))
RATE = float(os.environ.get("BENCH_RATE", "100"))
FORM_IN_FLIGHT = int(os.environ.get("BENCH_FORM_IN_FLIGHT", "100"))
IDLE_SECONDS = int(os.environ.get("BENCH_IDLE", "600"))
ACK_TIMEOUT = float(os.environ.get("BENCH_ACK_TIMEOUT", "300"))
CHANGES = 5
PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")

TURNOUT = re.compile(r'"turnout":(\d+)')
POLL = re.compile(r'"stream":"poll:(\d+)"')
ITEM = re.compile(r'"item":(\d+|null)')
REF = re.compile(r'"ref":"([^"]*)"')


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def proc_children(pid):
    """pid and its descendants (bin/serve execs daphne, so usually just pid)."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in task.read_text().split():
            found += proc_children(int(child))
    return found


def rss_kib(pids):
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def cpu_seconds(pids):
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / ticks


def percentile(values, q):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


# -- the servers ------------------------------------------------------------------------


class Asamblea:
    """Asamblea's own server: `workers` daphne processes on a fresh database."""

    def __init__(self, name, workers, database, redis):
        self.name, self.workers, self.database, self.redis = name, workers, database, redis
        self.processes, self.ports, self.tmp = [], [], tempfile.mkdtemp(prefix="bench-")

    def env(self):
        env = {
            **os.environ, "DATABASE_URL": self.database_url,
            "DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "b" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost", "ASAMBLEA_INSECURE_HTTP": "1",
            "ASAMBLEA_PLAIN_STATIC": "1", "ASAMBLEA_PYTHON": PY, "LOG_LEVEL": "ERROR",
        }  # fmt: skip
        env.pop("REDIS_URL", None)
        if self.redis:
            prefix = f"bench{os.getpid()}x{time.time_ns() % 10**6}"
            env.update(REDIS_URL=self.redis, CHANNELS_PREFIX=prefix, CACHE_PREFIX=prefix)
        return env

    def prepare(self, n):
        if self.database == "sqlite":
            self.database_url = f"sqlite:///{self.tmp}/bench-{n}.sqlite3"
        else:
            import psycopg

            name = f"asamblea_bench_{os.getpid()}_{n}"
            with psycopg.connect(self.database, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
            self.dropped = name
            self.database_url = self.database.rsplit("/", 1)[0] + "/" + name
        env = {**self.env(), "DJANGO_SETTINGS_MODULE": "config.test_settings"}
        out = subprocess.run([PY, "bench/meeting_world.py", str(n)], cwd=ROOT, env=env,
                             capture_output=True, text=True, check=True).stdout  # fmt: skip
        return json.loads(out.strip().splitlines()[-1])

    def start(self):
        env = self.env()
        for _ in range(self.workers):
            port = free_port()
            process = subprocess.Popen(
                ["bin/serve", "-b", "127.0.0.1", "-p", str(port)], cwd=ROOT, env=env,
                stdout=subprocess.DEVNULL, stderr=open(f"{self.tmp}/worker-{port}.log", "w"),  # noqa: SIM115
                start_new_session=True, preexec_fn=_more_files,
            )  # fmt: skip
            self.processes.append(process)
            self.ports.append(port)
        for port in self.ports:
            deadline = time.monotonic() + 60
            while not answers(port):
                assert time.monotonic() < deadline, f"worker on {port} did not start"
                time.sleep(0.2)

    def pids(self):
        return [pid for p in self.processes for pid in proc_children(p.pid)]

    def stop(self):
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=15)
        self.processes, self.ports = [], []
        if getattr(self, "dropped", None):
            import psycopg

            with psycopg.connect(self.database, autocommit=True) as conn:
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                    [self.dropped],
                )
                conn.execute(f'DROP DATABASE IF EXISTS "{self.dropped}"')
            self.dropped = None


class Bare:
    """bench/bare_server.py: the same bytes on the wire, nothing else."""

    name, workers = "bare", 1

    def __init__(self, state_bytes):
        self.state_bytes = state_bytes
        self.processes, self.ports = [], []

    def prepare(self, n):
        return {"slug": "bare", "meeting": 0, "polls": [1, 2, 3], "facilitator": "",
                "members": ["bare"] * n}  # fmt: skip

    def start(self):
        port = free_port()
        self.processes = [subprocess.Popen(
            [PY, "bench/bare_server.py", str(port), str(self.state_bytes)], cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, preexec_fn=_more_files,
        )]  # fmt: skip
        self.ports = [port]
        while not answers(port):
            time.sleep(0.1)

    def pids(self):
        return [p.pid for p in self.processes]

    def stop(self):
        for process in self.processes:
            process.terminate()
            process.wait(timeout=10)


def _more_files():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


# -- the members ------------------------------------------------------------------------


class Member:
    def __init__(self, port, key):
        self.port, self.key = port, key
        self.tally = {}  # poll -> [(time, turnout)]
        self.items = []  # [(time, item)]
        self.acks = {}  # ref -> future
        self.ready_at = None
        self.closed_by_server = None
        self.closed_at = None
        self.closed_why = None
        self.handshakes_refused = 0
        self.state_bytes = 0
        self.ws = None
        self.refusals = []  # messages of ballots refused

    async def join(self, streams):
        url = f"ws://127.0.0.1:{self.port}/ws/live/"
        headers = {"Cookie": f"sessionid={self.key}", "Origin": f"http://127.0.0.1:{self.port}"}
        for attempt in range(12):
            try:
                self.ws = await websockets.connect(url, additional_headers=headers,
                                                   max_size=2**22, open_timeout=60,
                                                   ping_interval=None, close_timeout=5)  # fmt: skip
                break
            except (OSError, TimeoutError, websockets.exceptions.WebSocketException):
                # As static/js/live.js: a growing, jittered wait.
                self.handshakes_refused += 1
                await asyncio.sleep(0.5 + random.random() * (min(30, 3 * 2**attempt) - 0.5))
        else:
            return
        self.waiting = set(streams)
        self.reader = asyncio.get_running_loop().create_task(self.read())
        for stream in streams:
            await self.ws.send(json.dumps({"type": "subscribe", "stream": stream}))

    async def read(self):
        try:
            async for text in self.ws:
                now = time.perf_counter()
                if '"poll.tally"' in text:
                    poll = int(POLL.search(text).group(1))
                    self.tally.setdefault(poll, []).append((now, int(TURNOUT.search(text)[1])))
                    self.waiting.discard(f"poll:{poll}")
                elif '"meeting.state"' in text:
                    item = ITEM.search(text)
                    self.items.append((now, int(item[1]) if item and item[1] != "null" else 0))
                    self.state_bytes = len(text.encode())
                    self.waiting = {s for s in self.waiting if not s.startswith("meeting:")}
                elif '"ballot.recorded"' in text or '"act.refused"' in text:
                    future = self.acks.pop(REF.search(text)[1], None)
                    if future is not None and not future.done():
                        future.set_result((now, '"ballot.recorded"' in text))
                    if '"act.refused"' in text:
                        self.refusals.append(json.loads(text)["data"].get("message"))
                if self.ready_at is None and not self.waiting:
                    self.ready_at = now
        except websockets.exceptions.ConnectionClosed as closed:
            # A close frame's code, or 1006 for a connection that ended without one; and
            # what ended it (a frame this client sent, or the error underneath).
            self.closed_by_server = closed.rcvd.code if closed.rcvd is not None else 1006
            self.closed_at = time.perf_counter()
            cause = closed.__cause__
            self.closed_why = f"sent {closed.sent.code}" if closed.sent else str(closed)
            if cause is not None:
                self.closed_why += f" ({type(cause).__name__}: {cause})"
        except Exception:
            # A message this client could not read: say so (a silent reader would stop
            # reading, and the server would seem to have stopped answering).
            import traceback

            traceback.print_exc()
            raise
        else:  # a clean close ends the loop without raising; this client closes only at the end
            self.closed_by_server = self.ws.close_code
            self.closed_at = time.perf_counter()
            self.closed_why = "clean close"
        finally:  # ballots waiting for an answer on a closed socket will not get one
            for future in self.acks.values():
                if not future.done():
                    future.set_exception(ConnectionError(f"closed: {self.closed_why}"))

    async def vote(self, poll):
        ref = secrets.token_hex(8)
        future = asyncio.get_running_loop().create_future()
        self.acks[ref] = future
        sent = time.perf_counter()
        fields = [["choice", "yes"], ["idempotency_key", ref]]
        message = {"type": "act", "action": "ballot.cast", "ref": ref,
                   "data": {"poll": poll, "fields": fields}}  # fmt: skip
        await self.ws.send(json.dumps(message))
        acked, ok = await asyncio.wait_for(future, timeout=ACK_TIMEOUT)
        return sent, acked, ok

    def first_seen(self, poll):
        """When this screen first showed each turnout: {turnout: time}, one pass."""
        seen, shown = {}, 0
        for when, value in self.tally.get(poll, ()):
            for turnout in range(shown + 1, value + 1):
                seen[turnout] = when
            shown = max(shown, value)
        return seen

    def last_turnout(self, poll):
        seen = self.tally.get(poll)
        return seen[-1][1] if seen else 0


class LoopLag:
    """How late this client's own event loop runs: a sleep of STEP that wakes much later
    means every socket here was read that late too (pings answered late, screens seen
    late), and a figure taken then measures the client, not the server."""

    STEP = 0.05

    def __init__(self):
        self.worst = 0.0
        self.task = asyncio.get_running_loop().create_task(self.watch())

    async def watch(self):
        while True:
            before = time.perf_counter()
            await asyncio.sleep(self.STEP)
            self.worst = max(self.worst, time.perf_counter() - before - self.STEP)

    def take(self):
        """The worst lateness since the last take, in seconds."""
        worst, self.worst = self.worst, 0.0
        return worst


async def http_post(port, path, fields, session):
    """One plain form POST (CSRF token in a cookie and a header, as a page's form does)."""
    token = "".join(random.choices(string.ascii_letters + string.digits, k=32))
    body = "&".join(f"{k}={v}" for k, v in fields.items())
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write((
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Origin: http://127.0.0.1:{port}\r\nCookie: sessionid={session}; csrftoken={token}\r\n"
        f"X-CSRFToken: {token}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n{body}"
    ).encode())  # fmt: skip
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    await reader.read()
    writer.close()
    return status


# -- one run ----------------------------------------------------------------------------


async def run(server, world, n):
    meeting, polls = world["meeting"], world["polls"]
    streams = [f"meeting:{meeting}:en", *(f"poll:{p}" for p in polls)]
    members = [Member(server.ports[i % len(server.ports)], key)
               for i, key in enumerate(world["members"])]  # fmt: skip
    result = {"n": n}
    lag = LoopLag()
    rss_before = rss_kib(server.pids())

    # Joining: N members arrive over JOIN_SECONDS.
    started = time.perf_counter()
    joins = []
    for member in members:
        joins.append(asyncio.get_running_loop().create_task(member.join(streams)))
        await asyncio.sleep(JOIN_SECONDS / n)
    await asyncio.gather(*joins)
    deadline = time.perf_counter() + 120
    while time.perf_counter() < deadline and any(
        m.ready_at is None and m.closed_by_server is None and m.ws for m in members
    ):
        await asyncio.sleep(0.2)
    ready = [m.ready_at for m in members if m.ready_at is not None]
    result["ready_s"] = (max(ready) - started) if len(ready) == n else None
    result["not_ready"] = n - len(ready)
    result["refused"] = sum(m.handshakes_refused for m in members)
    result["dropped"] = sum(1 for m in members if m.closed_by_server is not None)
    result["join_client_lag_s"] = lag.take()
    await asyncio.sleep(2)  # presence and snapshots settle
    result["kib_per_member"] = (rss_kib(server.pids()) - rss_before) / n
    result["state_bytes"] = max(m.state_bytes for m in members)

    # A facilitator's change: the next agenda item, through the console's form.
    latencies, cpu = [], []
    current = max((m.items[-1][1] for m in members if m.items), default=0)
    for k in range(1, CHANGES + 1):
        before = cpu_seconds(server.pids())
        sent = time.perf_counter()
        if isinstance(server, Bare):
            target = k
            await members[0].ws.send(json.dumps({"type": "push", "item": k}))
        else:
            status = await http_post(
                server.ports[0], f"/a/{world['slug']}/meetings/{meeting}/console/act/",
                {"do": "next_item", "expected": current}, world["facilitator"],
            )  # fmt: skip
            assert status == 302, status
            target = None
        deadline = time.perf_counter() + 60
        seen = {}
        while time.perf_counter() < deadline and len(seen) < len(ready):
            for i, m in enumerate(members):
                if i in seen or m.ready_at is None:
                    continue
                later = [(t, item) for t, item in m.items if t >= sent and item != current]
                if later and (target is None or later[0][1] == target):
                    seen[i] = later[0][0] - sent
            await asyncio.sleep(0.02)
        latencies += list(seen.values())
        if target is None and seen:
            current = next(item for t, item in members[0].items[::-1])
        await asyncio.sleep(1.0)
        cpu.append(cpu_seconds(server.pids()) - before)
    result["change_p50_ms"] = percentile(latencies, 50) * 1000
    result["change_p95_ms"] = percentile(latencies, 95) * 1000
    result["change_cpu_s"] = sum(cpu) / len(cpu)
    result["change_client_lag_s"] = lag.take()

    # Ballots over the socket: at RATE per second, then all at once.
    live = [m for m in members if m.ready_at is not None]
    for label, poll, rate in (("paced", polls[0], RATE), ("burst", polls[1], None)):
        before = cpu_seconds(server.pids())
        began = time.perf_counter()
        tasks = []
        for i, m in enumerate(live):
            tasks.append(asyncio.get_running_loop().create_task(m.vote(poll)))
            if rate:  # on a schedule: the i-th ballot leaves i / rate s after the first
                await asyncio.sleep(max(0.0, began + (i + 1) / rate - time.perf_counter()))
        votes = await asyncio.gather(*tasks, return_exceptions=True)
        result.update(await settle(label, poll, live))
        result.update(await summarise(label, poll, votes, live))
        result[f"{label}_cpu_ms_per_ballot"] = (
            (cpu_seconds(server.pids()) - before) / max(1, len(live)) * 1000
        )
        result[f"{label}_client_lag_s"] = lag.take()
        lost = sorted(m.closed_at - began for m in live if m.closed_at and m.closed_at >= began)
        if lost:  # when, after the phase began, sockets were lost: first, median, last
            result[f"{label}_lost_s"] = [lost[0], lost[len(lost) // 2], lost[-1]]

    # Ballots through the plain form, FORM_IN_FLIGHT at a time (not for the bare server).
    if not isinstance(server, Bare):
        gate = asyncio.Semaphore(FORM_IN_FLIGHT)
        path = f"/a/{world['slug']}/polls/{polls[2]}/"

        async def form_vote(i, m):
            async with gate:
                sent = time.perf_counter()
                fields = {"choice": "yes", "idempotency_key": secrets.token_hex(8)}
                port = server.ports[i % len(server.ports)]
                status = await http_post(port, path, fields, m.key)
                return sent, time.perf_counter(), status == 302

        votes = await asyncio.gather(*(form_vote(i, m) for i, m in enumerate(live)),
                                     return_exceptions=True)  # fmt: skip
        result.update(await settle("form", polls[2], live))
        result.update(await summarise("form", polls[2], votes, live))
        result["form_client_lag_s"] = lag.take()

    lag.task.cancel()
    for m in members:
        if m.ws is not None:
            await m.ws.close()
    return result


async def settle(label, poll, members, limit=60.0):
    """After the last ballot's answer: whether every screen comes to show the exact count
    within `limit` seconds, and how long the last screen took."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if all(m.last_turnout(poll) == len(members) for m in members):
            return {f"{label}_exact": True, f"{label}_settle_s": time.perf_counter() - started}
        await asyncio.sleep(0.1)
    return {f"{label}_exact": False, f"{label}_settle_s": None}


async def summarise(label, poll, votes, members):
    ok = [v for v in votes if not isinstance(v, BaseException) and v[2]]
    failed = len(votes) - len(ok)
    out = {f"{label}_failed": failed}
    if failed:  # why, for the log: refusals by message, exceptions by type
        why = [type(v).__name__ for v in votes if isinstance(v, BaseException)]
        why += [text for m in members for text in m.refusals]
        out[f"{label}_why_failed"] = {w: why.count(w) for w in set(why)}
        codes = [m.closed_by_server for m in members if m.closed_by_server is not None]
        out[f"{label}_closed_by_server"] = {c: codes.count(c) for c in set(codes)}
        whys = [m.closed_why for m in members if m.closed_why]
        out[f"{label}_closed_why"] = {w: whys.count(w) for w in set(whys)}
    for m in members:
        m.refusals.clear()
    if not ok:
        return out
    first_sent = min(s for s, _a, _o in ok)
    acks = sorted(a for _s, a, _o in ok)
    out[f"{label}_per_s"] = len(ok) / (acks[-1] - first_sent)
    ack_ms = [(a - s) * 1000 for s, a, _o in ok]
    for q in (50, 95, 99):
        out[f"{label}_ack_p{q}_ms"] = percentile(ack_ms, q)
    # When every screen showed turnout k: the latest of the screens' first sight of it.
    # This client's loop must keep answering the server's pings while it adds this up
    # (a loop held for 30 s has every socket dropped by daphne's ping timeout), so it
    # takes one screen at a time and yields between them.
    everywhere = {k: 0.0 for k in range(1, len(acks) + 1)}
    for m in members:
        seen = m.first_seen(poll)
        for k in list(everywhere):
            if k in seen:
                everywhere[k] = max(everywhere[k], seen[k])
            else:
                del everywhere[k]  # a screen never showed it
        await asyncio.sleep(0)
    screen = [max(0.0, everywhere[k] - acked) * 1000
              for k, acked in enumerate(acks, start=1) if k in everywhere]  # fmt: skip
    for q in (50, 95, 99):
        out[f"{label}_screen_p{q}_ms"] = percentile(screen, q)
    return out


async def idle(server, world, n, seconds):
    """Every socket open and quiet for `seconds`: how many the server closes."""
    streams = [f"meeting:{world['meeting']}:en"]
    members = [Member(server.ports[i % len(server.ports)], key)
               for i, key in enumerate(world["members"][:n])]  # fmt: skip
    for m in members:
        await m.join(streams)
        await asyncio.sleep(0.005)
    await asyncio.sleep(seconds)
    closed = sum(1 for m in members if m.closed_by_server is not None)
    for m in members:
        if m.ws is not None:
            await m.ws.close()
    return closed


# -- the report -------------------------------------------------------------------------

ROWS = [
    ("all ready (s)", "ready_s", "{:.1f}"),
    ("not ready / handshakes retried / dropped", None, None),
    ("server memory per member (KiB)", "kib_per_member", "{:.0f}"),
    ("facilitator's change on every screen, p50 / p95 (ms)", None, None),
    ("server CPU per change (s)", "change_cpu_s", "{:.2f}"),
    ("ballots/s over the socket, 100/s offered", "paced_per_s", "{:.0f}"),
    ("  send -> ack p50 / p95 / p99 (ms)", None, None),
    ("  ack -> every screen p50 / p95 / p99 (ms)", None, None),
    ("ballots/s over the socket, all at once", "burst_per_s", "{:.0f}"),
    ("  send -> ack p50 / p95 / p99 (ms)", None, None),
    ("  ack -> every screen p50 / p95 / p99 (ms)", None, None),
    ("ballots/s through the form, 100 in flight", "form_per_s", "{:.0f}"),
    ("  send -> response p50 / p95 / p99 (ms)", None, None),
    ("final count exact on every screen (last screen, s after the last answer)", None, None),
]


def cell(r, row_index):
    label, key, fmt = ROWS[row_index]
    if key:
        value = r.get(key)
        return "—" if value is None else fmt.format(value)

    def three(prefix):
        values = [r.get(f"{prefix}_p{q}_ms") for q in (50, 95, 99)]
        return "—" if None in values else " / ".join(f"{v:.0f}" for v in values)

    if row_index == 1:
        return f"{r['not_ready']} / {r['refused']} / {r['dropped']}"
    if row_index == 3:
        return f"{r['change_p50_ms']:.0f} / {r['change_p95_ms']:.0f}"
    section = {6: "paced_ack", 7: "paced_screen", 9: "burst_ack", 10: "burst_screen",
               12: "form_ack", 13: None}[row_index]  # fmt: skip
    if row_index == 13:
        flags = [r.get(k) for k in ("paced_exact", "burst_exact", "form_exact") if k in r]
        if not all(flags):
            return "NO (not within 60 s)"
        settled = [r[k] for k in ("paced_settle_s", "burst_settle_s", "form_settle_s") if k in r]
        return f"yes ({max(settled):.1f})"
    return three(section)


def table(results):
    sizes = sorted({r["n"] for rs in results.values() for r in rs})
    out = ["| what | " + " | ".join(f"{name} N={n:,}" for name in results for n in sizes) + " |",
           "| --- |" + " ---: |" * (len(results) * len(sizes))]  # fmt: skip
    for i, (label, _key, _fmt) in enumerate(ROWS):
        cells = []
        for name in results:
            by_n = {r["n"]: r for r in results[name]}
            cells += [cell(by_n[n], i) if n in by_n else "" for n in sizes]
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def ratios(results):
    """Each setup's figures over the bare server's, for the same N."""
    if "bare" not in results:
        return ""
    bare = {r["n"]: r for r in results["bare"]}
    lines = [
        "",
        "| ratio to the bare server (same N) | "
        + " | ".join(
            f"{name} N={r['n']:,}" for name in results if name != "bare" for r in results[name]
        )
        + " |",
        "| --- |" + " ---: |" * sum(len(v) for k, v in results.items() if k != "bare"),
    ]
    for label, key in (("all ready", "ready_s"), ("change on every screen, p95", "change_p95_ms"),
                       ("ballots/s (all at once)", "burst_per_s")):  # fmt: skip
        cells = []
        for name in results:
            if name == "bare":
                continue
            for r in results[name]:
                b = bare.get(r["n"], {}).get(key)
                v = r.get(key)
                cells.append("—" if not b or v is None else f"{v / b:.2g}x")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    _more_files()
    if not shutil.which("redis-server") and "scaleout" in SETUPS:
        print("(redis-server not found)")
    results = {}
    state_bytes = 8000
    for name in SETUPS:
        if name == "scaleout" and not (answers(5432) and answers(6379)):
            print("PostgreSQL or Redis does not answer on 127.0.0.1: scale-out not measured")
            continue
        results[name] = []
        for n in SIZES:
            if name == "bare":
                server = Bare(state_bytes)
            elif name == "embedded":
                server = Asamblea("embedded", 1, "sqlite", None)
            else:
                server = Asamblea("scaleout", 2, PG_URL, REDIS_URL)
            print(f"... {name}, N={n}", file=sys.stderr, flush=True)
            world = server.prepare(n)
            server.start()
            try:
                r = asyncio.run(run(server, world, n))
                if name != "bare":
                    state_bytes = r["state_bytes"] or state_bytes
                if name == "scaleout" and n == SIZES[0] and IDLE_SECONDS:
                    print(f"... idle {IDLE_SECONDS} s", file=sys.stderr, flush=True)
                    r["idle_closed"] = asyncio.run(idle(server, world, n, IDLE_SECONDS))
            finally:
                server.stop()
            results[name].append(r)
            print(f"    {json.dumps(r)}", file=sys.stderr, flush=True)
    print("## The live meeting (`bench/bench_meeting.py`)\n")
    print(f"Members join over {JOIN_SECONDS:.0f} s; the meeting's snapshot is "
          f"{state_bytes:,} bytes; ballots are one per member, paced at {RATE:.0f}/s "
          f"or all at once.\n")  # fmt: skip
    print(table(results))
    print(ratios(results))
    for r in results.get("scaleout", []):
        if "idle_closed" in r:
            print(f"\nIdle {IDLE_SECONDS} s with Redis, N={r['n']:,}: "
                  f"{r['idle_closed']} sockets closed by the server.")  # fmt: skip


if __name__ == "__main__":
    main()
