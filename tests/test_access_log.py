"""Finding 1: every documented way of starting the server writes no client address and no
token. The server is started exactly as the README's production instructions and
`make run` say (only the port is swapped for a free one), then gets a page, invitation
links (good and bad), a calendar feed, a ballot, the projector and two sockets; its
whole output is searched for the client's address and every secret."""

import http.cookiejar
import json
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from assembly import actions as assembly_actions
from decisions import actions as decision_actions
from decisions.log_views import _digest
from decisions.models import CalendarFeed
from tests.servers import Server, free_port, makefile_command, on_port, readme_command

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db(transaction=True)


def session_cookie(user):
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    def __init__(self, base, session_key=None):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        self.session_key = session_key

    def _headers(self):
        cookies = [f"{c.name}={c.value}" for c in self.jar]
        if self.session_key:
            cookies.append(f"{settings.SESSION_COOKIE_NAME}={self.session_key}")
        return {"Cookie": "; ".join(cookies)} if cookies else {}

    def get(self, path):
        request = urllib.request.Request(self.base + path, headers=self._headers())
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post(self, path, data):
        body = urllib.parse.urlencode(data).encode()
        headers = {**self._headers(), "Referer": self.base + path, "Origin": self.base}
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def sockets(base, session_key, projector):
    from websockets.sync.client import connect

    host = base.removeprefix("http://")
    secrets_seen = []
    for query, cookie in ((f"?token={projector['token']}", None), ("", session_key)):
        headers = {"Origin": base}
        if cookie:
            headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={cookie}"
        with connect(f"ws://{host}/ws/live/{query}", additional_headers=headers) as ws:
            stream = projector["stream"] if not cookie else projector["member_stream"]
            ws.send(json.dumps({"type": "subscribe", "stream": stream}))
            answer = json.loads(ws.recv(timeout=10))
            secrets_seen.append(answer["type"])
    return secrets_seen


@pytest.mark.parametrize("source", ["README", "Makefile"])
def test_the_documented_server_logs_no_address_and_no_token(cast, source):
    command = readme_command() if source == "README" else makefile_command()

    # Secrets the server will see in paths, cookies and sockets.
    _invitation, invite = assembly_actions.create_invitation(cast.steward, label="log test")
    feed = "feed-" + "f" * 30
    CalendarFeed.objects.create(member=cast.member, token_digest=_digest(feed))
    poll = decision_actions.open_poll(cast.facilitator, question="Log test?", method="majority")
    from meetings import actions as meeting_actions

    meeting = meeting_actions.schedule_meeting(
        cast.facilitator, title="Log test meeting", starts_at=poll.opened_at, place="Hall",
        call_link="", facilitator_ids=[], note_taker_id=None,
    )  # fmt: skip
    session_key = session_cookie(cast.member.user)
    secrets = [invite, feed, meeting.projector_token, session_key, "bad-invitation-token-x"]

    port = free_port()
    server = Server(port=port, command=on_port(command, port)).start()
    try:
        base = server.url
        visitor = Visitor(base)
        assert visitor.get("/")[0] == 200
        assert visitor.get(f"/i/{invite}/")[0] == 200
        assert visitor.get("/i/bad-invitation-token-x/")[0] == 404
        assert visitor.get(f"/calendar/{feed}.ics")[0] == 200
        assert visitor.get("/calendar/bad-feed-token-xxxxxxxx.ics")[0] == 404
        assert visitor.get(f"/projector/{meeting.pk}/{meeting.projector_token}/")[0] == 200

        member = Visitor(base, session_key)
        status, page = member.get(f"/a/eastside/polls/{poll.pk}/")
        assert status == 200
        key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _page = member.post(
            f"/a/eastside/polls/{poll.pk}/",
            {"choice": "yes", "idempotency_key": key, "csrfmiddlewaretoken": csrf},
        )
        assert status == 302
        assert "Your vote was recorded" in member.get(f"/a/eastside/polls/{poll.pk}/")[1]
        # A stale form: refused (403), and that refusal is not logged with its path either.
        assert Visitor(base, session_key).post(f"/a/eastside/polls/{poll.pk}/", {})[0] == 403

        answers = sockets(
            base, session_key,
            {"token": meeting.projector_token, "stream": f"meeting:{meeting.pk}:projector",
             "member_stream": f"assembly:{cast.assembly.pk}"},
        )  # fmt: skip
        assert answers == ["subscribed", "subscribed"]
        time.sleep(0.5)
    finally:
        output = server.stop()

    assert "127.0.0.1" not in output, output
    for secret in secrets:
        assert secret not in output, (secret, output)
    assert f"/polls/{poll.pk}/" not in output, output
