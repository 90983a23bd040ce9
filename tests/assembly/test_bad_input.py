"""Malformed input on every form: a clear answer, never a 500, nothing half-written."""

import pytest

from assembly.models import Assembly, AuditEntry, Invitation, Membership
from tests.conftest import client_for

GARBAGE = [
    {},
    {"name": "x" * 100_000},
    {"quorum_value": "-5", "quorum_kind": "percent"},
    {"quorum_value": "1e309"},
    {"role": "'; DROP TABLE assembly_membership; --"},
    {"max_uses": "0", "expires_in_days": "9999"},
    {"display_name": "\x00\x01"},
    {"display_name": " "},
    {"operation": "explode"},
    {"language": "\u202e"},
    {"request": "99999999999999999999999"},
]

# (who, form, its answer to garbage): the form again with the reason (400), the page it
# came from with the reason as a message (302), or no such request to decide (404).
FORMS = [
    ("steward", "/a/eastside/settings/", 400),
    ("steward", "/a/eastside/invitations/", 400),
    ("steward", "/a/eastside/members/{member}/", 400),
    ("steward", "/a/eastside/join-requests/", 404),
    ("member", "/a/eastside/me/", 400),
    ("nobody", "/language/", 302),
]


def snapshot():
    return (
        list(Assembly.objects.values()),
        list(Membership.objects.values()),
        Invitation.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("who,url,status", FORMS)
@pytest.mark.parametrize("data", GARBAGE)
def test_garbage_never_breaks_anything(cast, who, url, status, data):
    before = snapshot()
    response = client_for(cast, who).post(url.format(member=cast.member2.pk), data)
    assert response.status_code == status
    assert b"Traceback" not in response.content
    assert snapshot() == before


def test_get_on_a_post_only_url_is_a_clear_405(cast):
    response = client_for(cast, "steward").get("/language/")
    assert response.status_code == 405


def test_bad_csrf_gets_a_friendly_page(cast):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.member.user)
    response = client.post("/a/eastside/me/", {"display_name": "New"})
    assert response.status_code == 403
    assert "Nothing was changed" in response.content.decode()
