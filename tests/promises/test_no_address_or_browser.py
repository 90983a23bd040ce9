"""README: "No IP addresses or user agents are stored anywhere in the database"; privacy
page: "Your IP address or your browser's identity (user agent): not in the database".

Every value in every table is searched, session rows decoded (they are signed,
compressed JSON: a search of the raw rows would miss what they hold), after a person
has used every page, the login and sign-up forms, a wrong password (the counters that
slow down guessing), and a live socket through a real daphne server from its own
address.

Checked: the home page saving REMOTE_ADDR and HTTP_USER_AGENT into the session fails
the first test; the consumer saving `scope["client"]` and the user agent into the
socket's session fails the second; both on SQLite and PostgreSQL.
"""

import http.client
import json
import re
import socket

import pytest
from django.core import mail
from django.test import Client
from websockets.sync.client import connect as ws_connect

from assembly import actions as assembly_actions
from tests.browser.conftest import server  # noqa: F401  (fixture)
from tests.conftest import PASSWORD, client_for
from tests.permissions import world as world_module
from tests.permissions.table import CASES
from tests.permissions.world import PEOPLE
from tests.stored import stored_values, where_stored

ADDRESS = "203.0.113.77"  # TEST-NET-3: appears nowhere unless a request put it there
FORWARDED = "198.51.100.23"
AGENT = "Mozilla/5.0 (AsambleaProbe 7.3; ua-5d1c9e)"
BROWSER = {
    "REMOTE_ADDR": ADDRESS,
    "HTTP_USER_AGENT": AGENT,
    "HTTP_X_FORWARDED_FOR": f"{FORWARDED}, {ADDRESS}",
    "HTTP_X_REAL_IP": FORWARDED,
}
NEEDLES = (ADDRESS, FORWARDED, AGENT, "AsambleaProbe", "ua-5d1c9e")


def browser_of(world, who):
    client = Client(**BROWSER)
    if who != "anonymous":
        user = world.nobody if who == "nobody" else getattr(world, who).user
        client.force_login(user)
    return client


def test_no_page_or_form_stores_an_address_or_a_browser(cast):
    world = world_module.build(cast)
    visitor = Client(**BROWSER)
    # The counters that slow down password guessing, then a real login.
    for _ in range(3):
        visitor.post("/accounts/login/", {"login": "member@example.org", "password": "wrong"})
    login = {"login": "member@example.org", "password": PASSWORD}
    assert visitor.post("/accounts/login/", login).status_code == 302
    # Someone new signs up through an invitation and verifies their email.
    _invitation, token = assembly_actions.create_invitation(cast.steward)
    newcomer = Client(**BROWSER)
    newcomer.get(f"/i/{token}/")
    newcomer.post(
        "/accounts/signup/",
        {"email": "probe.signup@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    confirm = re.search(r"https?://testserver(/accounts/confirm-email/\S+)", mail.outbox[-1].body)
    newcomer.post(confirm.group(1))
    assert newcomer.post(f"/i/{token}/", {"display_name": "Nueva"}).status_code == 302
    # Every page as every person, then every form as every person.
    browsers = {who: browser_of(world, who) for who in PEOPLE}
    for case in CASES:
        for who in PEOPLE:
            browsers[who].get(case.path(world))
    for case in CASES:
        for who, status in case.post.items():
            if status < 400:
                browsers[who].post(case.path(world), case.data(world))
    assert where_stored(*NEEDLES) == []
    sessions = [v for table, column, v in stored_values() if column == "session_data, decoded"]
    assert len(sessions) >= len(PEOPLE), "the search saw the sessions, decoded"


@pytest.mark.django_db(transaction=True)
def test_a_live_socket_through_daphne_stores_no_address_or_browser(cast, server):  # noqa: F811
    """The socket path: daphne hands the consumer the client's address and headers."""
    client = client_for(cast, "member")
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    source = "127.0.0.77"  # loopback: this machine, but an address no one else uses

    def from_source():
        sock = socket.create_connection(("127.0.0.1", server.port), source_address=(source, 0))
        return sock

    page = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30,
                                      source_address=(source, 0))  # fmt: skip
    page.request("GET", "/a/eastside/", headers={"User-Agent": AGENT, "Cookie": cookie,
                                                 "X-Forwarded-For": FORWARDED})  # fmt: skip
    assert page.getresponse().status == 200
    page.close()

    with ws_connect(
        f"ws://127.0.0.1:{server.port}/ws/live/",
        sock=from_source(),
        origin=f"http://127.0.0.1:{server.port}",
        additional_headers={"Cookie": cookie, "X-Forwarded-For": FORWARDED},
        user_agent_header=AGENT,
        proxy=None,
        open_timeout=30,
    ) as ws:
        for stream in (f"assembly:{cast.assembly.pk}", f"assembly:{cast.assembly.pk}:roster"):
            ws.send(json.dumps({"type": "subscribe", "stream": stream}))
        ws.send(json.dumps({"type": "ping"}))
        answers = []
        while not any(a["type"] == "pong" for a in answers):
            answers.append(json.loads(ws.recv(timeout=30)))
        assert "subscribed" in {a["type"] for a in answers}
        assert any(a["type"] == "presence.changed" for a in answers), answers
        # While the socket is open (presence is being recorded) and after.
        assert where_stored(*NEEDLES, source) == []
    assert where_stored(*NEEDLES, source) == []
