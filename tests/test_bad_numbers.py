"""Finding 5: numbers and dates from members never cause a server error. Every view
that reads a number or a date gets Unicode digits ("²", "٣"), thirty digits, signs,
exponents, halves and dates in year 9999, and answers 400, a form error, a redirect
with a message, 404, or (for a query-string filter) ignores the value: never a 500.
A far-future date is refused, so every member's calendar feed keeps working."""

from datetime import timedelta

import pytest
from django.utils import timezone

from decisions import actions as decision_actions
from decisions.log_views import _digest
from decisions.models import ActionItem, CalendarFeed, Poll
from groups import actions as group_actions
from meetings import actions as meeting_actions
from meetings.models import Meeting
from tests.conftest import client_for, join, make_user
from tests.decisions.conftest import open_vote

NUMBERS = ["²", "٣", "１２", "9" * 30, "-1", "1e5", "0x1A", "½", "3.0", "+4", "7\n", "\x00"]
DATES = ["9999-12-31", "9999-12-31T23:59", "٢٠٢٦-01-01", "2026-02-30", "+10000-01-01",
         "0001-01-01", "1e5"]  # fmt: skip

OK = {200, 302, 400, 403, 404}


@pytest.fixture
def world(cast):
    proposal = decision_actions.draft_proposal(cast.member, title="Pledge", body="Text")
    proposal = decision_actions.open_discussion(cast.member, proposal=proposal)
    cast.proposal = proposal
    cast.ranked = open_vote(cast, method="irv", options=["A", "B"], question="Rank?")
    cast.score = open_vote(cast, method="score", options=["A", "B"], question="Score?")
    cast.temperature = open_vote(cast, method="temperature", question="Feel?")
    cast.entry = decision_actions.close_poll(
        cast.facilitator, poll=open_vote(cast, proposal=proposal, question="Adopt?")
    )
    cast.lead = join(make_user("lead@example.org"), cast.assembly, "Marta")
    cast.group = group_actions.create_group(
        cast.steward, name="Rapid Response", kind="other", leads=[cast.lead]
    )
    cast.meeting = meeting_actions.schedule_meeting(
        cast.facilitator, title="General", starts_at=timezone.now() + timedelta(hours=1)
    )
    meeting_actions.add_item(cast.facilitator, meeting=cast.meeting, title="Welcome")
    meeting_actions.start_meeting(cast.facilitator, meeting=cast.meeting)
    cast.meeting.refresh_from_db()
    meeting_actions.check_in(cast.member, meeting=cast.meeting)
    cast.link = meeting_actions.open_floor_vote(
        cast.facilitator, meeting=cast.meeting, question="Now?", method="majority"
    )
    cast.feed = "feed-" + "q" * 30
    CalendarFeed.objects.create(member=cast.member, token_digest=_digest(cast.feed))
    return cast


def number_targets(w):
    """(who, method, path, field, other fields) for every place a number is read."""
    p, m = w.proposal.pk, w.meeting.pk
    act = f"/a/eastside/meetings/{m}/console/act/"
    item = w.meeting.current_item_id
    return [
        ("steward", "post", "/a/eastside/join-requests/", "request", {"decision": "approve"}),
        ("steward", "post", "/a/eastside/settings/", "quorum_value", {"name": "E"}),
        ("steward", "post", "/a/eastside/invitations/", "max_uses", {"role": "member"}),
        ("member", "get", f"/a/eastside/proposals/{p}/", "before", {}),
        ("member", "get", f"/a/eastside/proposals/{p}/", "id", {"part": "comment"}),
        ("member", "get", f"/a/eastside/proposals/{p}/versions/", "a", {}),
        ("member", "get", f"/a/eastside/proposals/{p}/versions/", "b", {}),
        ("member", "post", "/a/eastside/proposals/new/", "group", {"title": "T", "body": "B"}),
        ("member", "post", f"/a/eastside/proposals/{p}/comments/", "parent", {"body": "Hi"}),
        ("facilitator", "get", "/a/eastside/polls/new/", "proposal", {}),
        ("facilitator", "get", "/a/eastside/polls/new/", "amendment", {}),
        ("facilitator", "post", "/a/eastside/polls/new/", "seats",
         {"question": "Q", "method": "stv", "options": "A\nB\nC"}),  # a method with seats
        ("member", "post", f"/a/eastside/polls/{w.ranked.pk}/", "rank-o1",
         {"idempotency_key": "k" * 20}),
        ("member", "post", f"/a/eastside/polls/{w.score.pk}/", "score-o1",
         {"idempotency_key": "k" * 20}),
        ("member", "post", f"/a/eastside/polls/{w.temperature.pk}/", "choice",
         {"idempotency_key": "k" * 20}),
        ("facilitator", "post", f"/a/eastside/polls/{w.ranked.pk}/counts/", "count-o1", {}),
        ("member", "get", "/a/eastside/decisions/", "group", {}),
        ("facilitator", "post", "/a/eastside/decisions/record/", "counts",
         {"title": "T", "text": "X", "how_reached": "consensus"}),
        ("facilitator", "post", "/a/eastside/decisions/1/actions/", "group", {"what": "W"}),
        ("facilitator", "post", "/a/eastside/decisions/1/actions/", "assignee", {"what": "W"}),
        ("member", "get", "/a/eastside/groups/rapid-response/", "before", {}),
        ("lead", "post", "/a/eastside/groups/rapid-response/members/", "target",
         {"operation": "remove"}),
        ("steward", "post", "/a/eastside/groups/new/", "leads",
         {"name": "New", "kind": "other", "join_policy": "open"}),
        ("lead", "post", "/a/eastside/groups/rapid-response/post/", "wanted",
         {"kind": "need", "title": "T", "place": "P", "starts_at": "2030-01-01T10:00"}),
        ("member", "post", f"/a/eastside/meetings/{m}/hand/", "lower", {}),
        ("member", "post", f"/a/eastside/meetings/{m}/proxy/", "delegate", {}),
        ("facilitator", "post", act, "expected", {"do": "next_item"}),
        ("facilitator", "post", act, "count", {"do": "unregistered"}),
        ("facilitator", "post", act, "item", {"do": "call_next"}),
        ("facilitator", "post", act, "planned_minutes",
         {"do": "item_times", "item": item, "speaker_seconds": "60"}),
        ("facilitator", "post", act, "hand", {"do": "move_hand", "position": "0"}),
        ("facilitator", "post", act, "member", {"do": "present"}),
        ("facilitator", "post", act, "link", {"do": "close_vote"}),
        ("facilitator", "post", act, "count-yes", {"do": "counts", "link": w.link.pk}),
        ("facilitator", "post", f"/a/eastside/meetings/{m}/items/", "planned_minutes",
         {"kind": "topic", "title": "T", "speaker_seconds": "60"}),
    ]  # fmt: skip


def date_targets(w):
    return [
        ("facilitator", "post", "/a/eastside/polls/new/", "closes_at",
         {"question": "Q", "method": "majority", "threshold": "simple", "max_blocks": "0",
          "seats": "1", "score_max": "5", "results_visibility": "live"}),
        ("facilitator", "post", "/a/eastside/meetings/new/", "starts_at", {"title": "Later"}),
        ("facilitator", "post", "/a/eastside/decisions/1/actions/", "due", {"what": "Do it"}),
        ("member", "get", "/a/eastside/decisions/", "from", {}),
        ("member", "get", "/a/eastside/decisions/", "to", {}),
        ("lead", "post", "/a/eastside/groups/rapid-response/post/", "starts_at",
         {"kind": "need", "title": "T", "place": "P", "wanted": "2"}),
    ]  # fmt: skip


def _send(client, method, path, data):
    if method == "get":
        return client.get(path, data)
    return client.post(path, data)


def test_no_number_anywhere_causes_a_server_error(world):
    for who, method, path, field, extra in number_targets(world):
        client = client_for(world, who)
        for value in NUMBERS:
            response = _send(client, method, path, {**extra, field: value})
            assert response.status_code in OK, (path, field, value, response.status_code)
            assert b"Traceback" not in response.content


def test_no_date_anywhere_causes_a_server_error_or_reaches_the_calendar(world):
    before = (Poll.objects.count(), Meeting.objects.count(), ActionItem.objects.count())
    for who, method, path, field, extra in date_targets(world):
        client = client_for(world, who)
        for value in DATES:
            response = _send(client, method, path, {**extra, field: value})
            assert response.status_code in OK, (path, field, value, response.status_code)
    # None of those dates was stored: no vote, meeting or action in year 9999.
    assert (Poll.objects.count(), Meeting.objects.count(), ActionItem.objects.count()) == before
    feed = client_for(world, "anonymous").get(f"/calendar/{world.feed}.ics")
    assert feed.status_code == 200


def test_a_far_date_already_stored_does_not_break_the_calendar_feed(world):
    """Data from before the fix: a vote closing at the very end of year 9999."""
    far = timezone.now().replace(year=9999, month=12, day=31, hour=23, minute=59)
    Poll.objects.filter(pk=world.ranked.pk).update(closes_at=far)
    Meeting.objects.filter(pk=world.meeting.pk).update(starts_at=far)
    feed = client_for(world, "anonymous").get(f"/calendar/{world.feed}.ics")
    assert feed.status_code == 200
    assert b"Score?" in feed.content or b"VCALENDAR" in feed.content


@pytest.mark.parametrize("pk", ["9" * 30, "1" + "0" * 40])
def test_huge_ids_in_addresses_are_not_found(world, pk):
    client = client_for(world, "steward")
    for path in (f"/a/eastside/members/{pk}/", f"/a/eastside/proposals/{pk}/",
                 f"/a/eastside/polls/{pk}/", f"/a/eastside/meetings/{pk}/",
                 f"/a/eastside/decisions/{pk}/"):  # fmt: skip
        assert client.get(path).status_code == 404, path
