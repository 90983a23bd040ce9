"""Every log view, export and feed, for the whole cast."""

import re

import pytest

from decisions import record
from tests.conftest import ROLES, client_for

MEMBERS_UP = {"member": 200, "facilitator": 200, "steward": 200}
FACILITATORS_UP = {"member": 403, "facilitator": 200, "steward": 200}
OUTSIDE = {"anonymous": 302}  # the login page first; signed in outside the assembly: 404


@pytest.fixture
def entry(cast):
    return record.record_room_decision(
        cast.facilitator, title="Phone tree", text="We start a phone tree.",
        how_reached="consensus",
    )  # fmt: skip


@pytest.mark.parametrize("who", ROLES)
def test_get_matrix(cast, entry, who):
    client = client_for(cast, who)
    for url, table in {
        "/a/eastside/decisions/": MEMBERS_UP,
        f"/a/eastside/decisions/{entry.sequence}/": MEMBERS_UP,
        "/a/eastside/decisions/export.json": MEMBERS_UP,
        "/a/eastside/decisions/export.csv": MEMBERS_UP,
        "/a/eastside/decisions/export.md": MEMBERS_UP,
        "/a/eastside/decisions/record/": FACILITATORS_UP,
        "/a/eastside/calendar/": MEMBERS_UP,
    }.items():
        assert client.get(url).status_code == {**OUTSIDE, **table}.get(who, 404), url


@pytest.mark.parametrize("who", ROLES)
def test_post_matrix(cast, entry, who):
    client = client_for(cast, who)
    response = client.post(
        "/a/eastside/decisions/record/",
        {"title": "T", "text": "X", "how_reached": "consensus"},
    )
    expected = {**OUTSIDE, "member": 403, "facilitator": 302, "steward": 302}.get(who, 404)
    assert response.status_code == expected
    response = client.post(
        f"/a/eastside/decisions/{entry.sequence}/actions/", {"what": "Call the school"}
    )
    assert response.status_code == expected
    assert entry.actions.exists() == (who in ("facilitator", "steward"))


def test_action_updates_for_leads_assignee_and_facilitators(cast, entry):
    item = record.add_action_item(
        cast.facilitator, decision=entry, what="Call the school", assignee=cast.member2
    )
    url = f"/a/eastside/actions/{item.pk}/"
    assert client_for(cast, "member").post(url, {"status": "done"}).status_code == 403
    assert client_for(cast, "other").post(url, {"status": "done"}).status_code == 404
    assert client_for(cast, "member2").post(url, {"status": "in_progress"}).status_code == 302
    item.refresh_from_db()
    assert item.status == "in_progress"
    assert item.updates.get().by == cast.member2
    assert client_for(cast, "member2").post(url, {"status": "bogus"}).status_code == 302
    item.refresh_from_db()
    assert item.status == "in_progress"


def test_a_group_lead_updates_the_groups_actions(cast, entry):
    from groups.models import Group, GroupMembership

    group = Group.objects.create(assembly=cast.assembly, name="Rapid Response", slug="rr")
    GroupMembership.objects.create(group=group, member=cast.member, is_lead=True)
    item = record.add_action_item(cast.facilitator, decision=entry, what="Train", group=group)
    response = client_for(cast, "member").post(
        f"/a/eastside/actions/{item.pk}/", {"status": "done"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "done"


def test_calendar_feed_with_a_private_token_and_revocation(cast):
    from datetime import timedelta

    from django.utils import timezone

    from decisions import actions

    actions.open_poll(
        cast.facilitator, question="Budget vote", method="majority",
        closes_at=timezone.now() + timedelta(days=2),
    )  # fmt: skip
    client = client_for(cast, "member")
    page = client.post("/a/eastside/calendar/", {"operation": "create"}).content.decode()
    link = re.search(r'value="(https?://[^"]+\.ics)"', page).group(1)
    path = link.split("testserver", 1)[1]
    from django.test import Client

    anonymous = Client()
    feed = anonymous.get(path)
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in feed.content and b"Budget vote" in feed.content
    client.post("/a/eastside/calendar/", {"operation": "revoke"})
    assert anonymous.get(path).status_code == 404
    assert anonymous.get("/calendar/forged-token-000000000.ics").status_code == 404


def test_a_suspended_members_feed_stops(cast):
    client = client_for(cast, "member")
    page = client.post("/a/eastside/calendar/", {"operation": "create"}).content.decode()
    path = re.search(r'value="https?://testserver([^"]+\.ics)"', page).group(1)
    from assembly import actions as assembly_actions

    assembly_actions.suspend_member(cast.steward, member=cast.member)
    from django.test import Client

    assert Client().get(path).status_code == 404


def test_the_group_page_shows_its_actions(cast, entry):
    from groups.models import Group, GroupMembership

    group = Group.objects.create(assembly=cast.assembly, name="Mutual Aid", slug="aid")
    GroupMembership.objects.create(group=group, member=cast.member, is_lead=True)
    record.add_action_item(cast.facilitator, decision=entry, what="Stock the pantry", group=group)
    page = client_for(cast, "member2").get("/a/eastside/groups/aid/").content.decode()
    assert "Stock the pantry" in page


def test_the_calendar_lists_meetings_and_decisions_name_their_meeting(cast):
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

    from decisions import actions
    from decisions.models import Decision
    from meetings.models import Meeting, MeetingPoll

    meeting = Meeting.objects.create(
        assembly=cast.assembly,
        title="General assembly",
        starts_at=timezone.now() + timedelta(days=1),
        place="Eastside Branch Library",
    )
    client = client_for(cast, "member")
    page = client.post("/a/eastside/calendar/", {"operation": "create"}).content.decode()
    path = re.search(r'value="https?://testserver([^"]+\.ics)"', page).group(1)
    feed = Client().get(path).content.decode()
    assert "General assembly" in feed and "Eastside Branch Library" in feed

    proposal = actions.draft_proposal(cast.member, title="T", body="B")
    actions.open_discussion(cast.member, proposal=proposal)
    poll = actions.open_poll(cast.facilitator, proposal=proposal, question="Q?", method="majority",
                             quorum=1)  # fmt: skip
    MeetingPoll.objects.create(meeting=meeting, poll=poll)
    actions.cast_ballot(cast.member, poll=poll, choice="yes", idempotency_key="abcdefghij")
    actions.close_poll(cast.facilitator, poll=poll)
    assert Decision.objects.get(poll=poll).meeting.startswith("General assembly, ")
