"""The documented scale-out path as shipped (issue 10, point 1): nginx with the
repository's own proxy configuration (deploy/nginx/asamblea-locations.conf) in front of
two daphne workers sharing PostgreSQL (or the test database) and Redis. Members in
separate browsers vote through it; nginx spreads their pages and sockets over both
workers, and everyone sees the turnout rise and the same final result."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from decisions import actions
from tests.browser.conftest import (  # noqa: F401  (fixtures)
    _playwright_and_django,
    browser,
    log_in,
)
from tests.conftest import PASSWORD
from tests.servers import ROOT, Server, free_port

pytestmark = [
    pytest.mark.browser,
    pytest.mark.redis,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="two workers need REDIS_URL"),
]

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

CONFIG = """
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
worker_processes 1;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream asamblea {{
        server 127.0.0.1:{first};
        server 127.0.0.1:{second};
        keepalive 8;
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ''      close;
    }}
    server {{
        listen 127.0.0.1:{port};
        include {locations};
    }}
}}
"""


@pytest.fixture
def proxy(transactional_db):
    if not os.path.exists(NGINX):
        pytest.fail("nginx is missing: install Debian's nginx-light (.ci/run does)")
    workers = [Server().start(), Server().start()]
    tmp = tempfile.mkdtemp(prefix="asamblea-nginx-")
    port = free_port()
    conf = Path(tmp) / "nginx.conf"
    conf.write_text(CONFIG.format(
        tmp=tmp, first=workers[0].port, second=workers[1].port, port=port,
        locations=ROOT / "deploy" / "nginx" / "asamblea-locations.conf",
    ))  # fmt: skip
    process = subprocess.Popen(
        [NGINX, "-c", str(conf), "-p", tmp, "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            assert process.poll() is None, (Path(tmp) / "error.log").read_text()
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.1)
    yield SimpleNamespace(url=f"http://127.0.0.1:{port}", workers=workers)
    process.terminate()
    process.wait(timeout=10)
    for worker in workers:
        worker.stop()
    shutil.rmtree(tmp, ignore_errors=True)


def test_a_live_vote_through_nginx_and_two_workers(cast, proxy, browser):  # noqa: F811
    proposal = actions.draft_proposal(cast.member, title="Phone tree", body="Start one.")
    actions.open_discussion(cast.member, proposal=proposal)
    poll = actions.open_poll(cast.facilitator, proposal=proposal, question="Start it?",
                             method="majority", quorum=3)  # fmt: skip
    url = f"{proxy.url}/a/eastside/polls/{poll.pk}/"
    turnout = f"#poll-{poll.pk}-turnout"
    people = []
    for email in ("member@example.org", "member2@example.org", "steward@example.org"):
        page = log_in(browser, proxy, email, PASSWORD)
        page.goto(url)
        expect(page.locator("body")).to_have_attribute("data-live", "open")
        people.append(page)
    for n, (page, choice) in enumerate(zip(people, ["yes", "yes", "no"], strict=True), 1):
        page.check(f"input[name=choice][value={choice}]")
        page.click("form.ballot button[type=submit]")
        expect(page.locator(".messages")).to_contain_text("Your vote was recorded")
        for other in people:
            expect(other.locator(turnout)).to_have_text(str(n), timeout=15000)
    facilitator = log_in(browser, proxy, "fac@example.org", PASSWORD)
    facilitator.goto(url)
    facilitator.click("text=Close the vote and count")
    facilitator.click("dialog.confirm-dialog .confirm-yes")  # it asks first
    for page in [*people, facilitator]:
        expect(page.locator(".outcome")).to_have_text("passed", timeout=15000)
    results = {p.locator("#poll-results table").inner_text() for p in [*people, facilitator]}
    assert len(results) == 1
