"""Fan-out of the live path under a crowd: N members' sockets on one daphne process
(the embedded default: SQLite and the in-memory channel layer, or PostgreSQL/Redis when
DATABASE_URL/REDIS_URL are set).

Measures: connecting and subscribing N sockets; how many coalesced presence broadcasts
the joins cause; and the time from a steward saving the description until every socket
has it.

Run: .venv/bin/python bench/bench_live.py   (BENCH_SOCKETS=1000 by default)
"""

import asyncio
import http.cookiejar
import json
import os
import re
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench-live.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django  # noqa: E402

django.setup()

import websockets  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402

from assembly.models import Assembly, Membership, User  # noqa: E402
from assembly.names import skeleton  # noqa: E402
from tests.servers import Server  # noqa: E402

N = int(os.environ.get("BENCH_SOCKETS", "1000"))


def session_for(user):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def save_description(url, session_key, slug, text):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("Cookie", f"{settings.SESSION_COOKIE_NAME}={session_key}")]
    page = opener.open(f"{url}/a/{slug}/settings/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    cookie = next(c.value for c in jar if c.name == "csrftoken")
    data = urllib.parse.urlencode({
        "csrfmiddlewaretoken": token, "name": "Bench", "description": text, "language": "en",
        "quorum_kind": "percent", "quorum_value": "50", "member_list_visibility": "facilitators",
        "visibility": "private", "seconds_required": "0",
    }).encode()  # fmt: skip
    request = urllib.request.Request(f"{url}/a/{slug}/settings/", data=data, headers={
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}; csrftoken={cookie}",
        "Referer": f"{url}/a/{slug}/settings/",
    })  # fmt: skip
    urllib.request.urlopen(request).read()


async def connect(url, key, retries):
    """Connect like static/js/live.js: a refused handshake is retried with backoff."""
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={key}", "Origin": url}
    ws_url = url.replace("http://", "ws://") + "/ws/live/"
    for attempt in range(12):
        try:
            return await websockets.connect(ws_url, additional_headers=headers, max_size=2**20)
        except (OSError, websockets.exceptions.WebSocketException):
            retries["count"] += 1
            await asyncio.sleep(min(30, 0.5 * 2**attempt))
    raise RuntimeError("could not connect")


async def client(url, key, stream, joined, counts, got, text):
    async with await connect(url, key, counts) as ws:
        await ws.send(json.dumps({"type": "subscribe", "stream": stream}))
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == "presence.changed":
                counts["presence"] += 1
                if not joined.is_set() and message["data"].get("count", 0) >= N:
                    joined.set()
            if message["type"] == "assembly.updated" and text in str(message["data"]):
                got.append(time.perf_counter())
                return


async def run(url, keys, steward_key, slug, stream):
    joined = asyncio.Event()
    counts = {"presence": 0, "count": 0}
    got = []
    text = f"Bench {time.time_ns()}"
    started = time.perf_counter()
    tasks = []
    for i, key in enumerate(keys):
        tasks.append(asyncio.create_task(client(url, key, stream, joined, counts, got, text)))
        # People arrive over a few seconds, not all in one millisecond.
        await asyncio.sleep(0.002 if i % 10 else 0.02)
    await asyncio.wait_for(joined.wait(), timeout=300)
    connect_seconds = time.perf_counter() - started
    presence_messages = counts["presence"]
    # Warm the server's templates once, so the measurement is of the live path.
    await asyncio.to_thread(save_description, url, steward_key, slug, "warm-up")
    sent_at = time.perf_counter()
    await asyncio.to_thread(save_description, url, steward_key, slug, text)
    counts["saved"] = time.perf_counter() - sent_at
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=300)
    return (
        connect_seconds,
        presence_messages,
        max(got) - sent_at,
        sorted(got)[len(got) // 2] - sent_at,
        counts["count"],
        counts["saved"],
        min(got) - sent_at,
    )


def main():
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * N + 256)), hard))
    call_command("migrate", verbosity=0)
    assembly = Assembly.objects.create(name="Bench", slug=f"bench{time.time_ns() % 10**8}")
    users = User.objects.bulk_create(
        User(email=f"l{i}-{assembly.slug}@example.org") for i in range(N)
    )
    Membership.objects.bulk_create(
        Membership(assembly=assembly, user=u, display_name=f"m{i}",
                   name_skeleton=skeleton(f"m{i}"),  # bulk_create skips save()
                   role="steward" if i == 0 else "member") for i, u in enumerate(users)
    )  # fmt: skip
    keys = [session_for(u) for u in users]
    server = Server().start()
    try:
        result = asyncio.run(run(server.url, keys, keys[0], assembly.slug, assembly.stream))
    finally:
        server.stop()
    connect_seconds, presence, last, median, retries, saved, first = result
    print(f"Database: {django.db.connection.vendor}; channel layer: "
          f"{'redis' if os.environ.get('REDIS_URL') else 'in-memory'}\n")  # fmt: skip
    print("| what | sockets | result |")
    print("| --- | ---: | --- |")
    print(f"| connect and subscribe, until presence shows all | {N:,} | {connect_seconds:.2f} s "
          f"({retries} handshakes retried) |")  # fmt: skip
    print(f"| presence broadcasts received during the joins | {N:,} | "
          f"{presence / N:.1f} per socket (coalesced; {N:,} joins) |")  # fmt: skip
    print(f"| steward's form page + save, until the response | {N:,} | {saved * 1000:.0f} ms |")
    print(f"| steward saves → first screen has it | {N:,} | {first * 1000:.0f} ms |")
    print(f"| steward saves (form page + save) → on every screen, median | {N:,} | "
          f"{median * 1000:.0f} ms |")  # fmt: skip
    print(f"| steward saves (form page + save) → on every screen, last | {N:,} | "
          f"{last * 1000:.0f} ms |")  # fmt: skip


if __name__ == "__main__":
    main()
