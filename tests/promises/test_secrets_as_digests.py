"""Secrets a person is given once are kept only as SHA-256 digests.

README: "Invitation tokens are stored only as SHA-256 digests"; privacy page:
"Invitation links are stored only in scrambled form, so a copy of the database cannot
be used to join an assembly"; README: receipts "are shown once to the voter and stored
only as a digest". The whole database is searched for the secret itself (session rows
decoded), after each secret has gone all the way through its use.

Checked: storing the plain receipt in `receipt_digest`, keeping the invitation token in
the session (as the invitation view did), and writing the token into the invitation's
audit entry each fail here, on SQLite and PostgreSQL.
"""

import hashlib
import io
import re

from django.core import mail
from django.core.management import call_command
from django.test import Client

from assembly.models import Invitation
from decisions import actions
from decisions.models import Ballot, CalendarFeed
from tests.conftest import PASSWORD, client_for
from tests.decisions.conftest import open_vote
from tests.stored import where_stored


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def test_a_receipt_is_shown_once_and_stored_only_as_its_digest(cast):
    poll = open_vote(cast, question="Elect a treasurer?", secret=True, receipts=True)
    voter = client_for(cast, "member")
    url = f"/a/eastside/polls/{poll.pk}/"
    page = voter.post(url, {"choice": "yes", "idempotency_key": "receipt-key-123"})
    code = page.context["receipt"]
    assert re.fullmatch(r"[0-9a-f]{12}", code)
    assert code in page.content.decode()
    assert Ballot.objects.get(poll=poll).receipt_digest == sha256(code)
    assert where_stored(code) == []
    assert code not in voter.get(url).content.decode()  # shown once
    actions.close_poll(cast.facilitator, poll=poll)
    found = voter.get(f"{url}receipt/?code={code}").context["ballot"]
    assert found == Ballot.objects.get(poll=poll)
    assert where_stored(code) == []


def test_an_invitation_link_is_stored_only_as_its_digest_from_creation_to_joining(cast):
    steward = client_for(cast, "steward")
    page = steward.post(
        "/a/eastside/invitations/",
        {"label": "Spring", "role": "member", "max_uses": "3", "expires_in_days": "7"},
    ).content.decode()
    path = re.search(r"https?://testserver(/i/([^/\"<]+)/)", page)
    link, token = path.group(1), path.group(2)
    assert Invitation.objects.get().token_digest == sha256(token)
    assert token not in steward.get("/a/eastside/invitations/").content.decode()  # shown once
    assert where_stored(token) == []

    # Someone signed out opens it, signs up, verifies their email and joins. (An address
    # no other test uses: allauth sends one confirmation per address every 3 minutes.)
    newcomer = Client()
    assert newcomer.get(link).status_code == 200
    assert where_stored(token) == []
    newcomer.post(
        "/accounts/signup/",
        {"email": "invited.once@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert where_stored(token) == []
    confirm = re.search(r"https?://testserver(/accounts/confirm-email/\S+)", mail.outbox[-1].body)
    home = newcomer.post(confirm.group(1))["Location"]
    # Brought back to the invitation, at an address without the token.
    assert newcomer.get(home)["Location"] == "/i/continue/"
    assert newcomer.post("/i/continue/", {"display_name": "Nueva"}).status_code == 302
    assert cast.assembly.memberships.filter(display_name="Nueva").exists()
    assert where_stored(token) == []


def test_the_first_stewards_link_is_stored_only_as_its_digest(db):
    out = io.StringIO()
    call_command("create_assembly", "Westside Neighbours", slug="westside", stdout=out)
    token = re.search(r"/i/([^/\s]+)/", out.getvalue()).group(1)
    assert Invitation.objects.get().token_digest == sha256(token)
    assert where_stored(token) == []


def test_a_calendar_link_is_stored_only_as_its_digest(cast):
    page = client_for(cast, "member").post("/a/eastside/calendar/", {"operation": "create"})
    token = re.search(r"/calendar/([^/\"<]+)\.ics", page.content.decode()).group(1)
    assert CalendarFeed.objects.get().token_digest == sha256(token)
    assert where_stored(token) == []
    assert Client().get(f"/calendar/{token}.ics").status_code == 200
