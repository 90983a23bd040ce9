"""One press, one thing (issue 9, point 6): every form that creates something carries an
idempotency key, and N identical submissions of it, arriving at the same instant on their
own connections through the real views, create exactly one row.

How checked: before forms carried keys, five simultaneous "record a decision" posts made
five ledger entries and three temperature-check posts opened three polls; with the key
check in `assembly.idempotency.once` removed (create() always called), every case below
fails with N rows.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from assembly.models import Invitation
from decisions import actions, record
from decisions.models import Amendment, Comment, Decision, EnteredCount, Poll, Proposal
from groups import actions as group_actions
from groups.models import Group, Post
from meetings import actions as meeting_actions
from meetings.models import AgendaItem, Hand, Meeting, MeetingPoll

N = 5
JOIN_TIMEOUT = 60


@pytest.fixture
def world(cast):
    """Something to act on for every create form."""
    w = {}
    proposal = actions.draft_proposal(cast.member, title="Rent strike", body="We strike.")
    w["proposal"] = actions.open_discussion(cast.member, proposal=proposal)
    w["group"] = group_actions.create_group(
        cast.steward, name="Rapid response", kind="rapid_response", leads=[cast.member]
    )
    w["entry"] = record.record_room_decision(
        cast.facilitator, title="Banner", text="Make a banner.", how_reached="consensus"
    )
    meeting = meeting_actions.schedule_meeting(
        cast.facilitator, title="General", starts_at=timezone.now() + timedelta(hours=1)
    )
    meeting_actions.add_item(cast.facilitator, meeting=meeting, title="Welcome")
    meeting_actions.start_meeting(cast.facilitator, meeting=meeting)
    w["meeting"] = Meeting.objects.get(pk=meeting.pk)
    w["link"] = meeting_actions.open_floor_vote(
        cast.facilitator, meeting=w["meeting"], question="Q?", method="majority",
        present_only=False, use_proposal=False,
    )  # fmt: skip
    w["poll"] = actions.open_poll(cast.facilitator, question="Standalone?", method="majority")
    return w


def _cases(cast, w):
    a = f"/a/{cast.assembly.slug}"
    m = f"{a}/meetings/{w['meeting'].pk}"
    g = f"{a}/groups/{w['group'].slug}"
    fetch = {"HTTP_X_REQUESTED_WITH": "fetch"}
    return {
        "invitation": ("steward", f"{a}/invitations/",
                       {"label": "x", "role": "member", "max_uses": 1, "expires_in_days": 7},
                       Invitation.objects.all(), {}),
        "group": ("steward", f"{a}/groups/new/",
                  {"name": "Tenants", "kind": "neighbourhood", "mandate": "m",
                   "join_policy": "open", "leads": [cast.member2.pk]},
                  Group.objects.all(), {}),
        "group post": ("member", f"{g}/post/",
                       {"kind": "update", "title": "Flyers done", "body": "All 500."},
                       Post.objects.all(), {}),
        "proposal": ("member", f"{a}/proposals/new/", {"title": "T", "body": "B"},
                     Proposal.objects.all(), {}),
        "amendment": ("member2", f"{a}/proposals/{w['proposal'].pk}/amend/",
                      {"body": "We strike on Monday.", "rationale": "r"},
                      Amendment.objects.all(), {}),
        "comment": ("member2", f"{a}/proposals/{w['proposal'].pk}/comments/",
                    {"body": "Yes!"}, Comment.objects.all(), {}),
        "vote": ("facilitator", f"{a}/polls/new/",
                 {"question": "Strike?", "method": "majority", "threshold": "simple",
                  "seats": 1, "results_visibility": "live", "max_blocks": 0,
                  "score_max": 5, "combine_entered": "on"},
                 Poll.objects.all(), {}),
        "room counts": ("facilitator", f"{a}/polls/{w['poll'].pk}/counts/",
                        {"count-yes": 3, "count-no": 1, "count-abstain": 0},
                        EnteredCount.objects.all(), {}),
        "room decision": ("facilitator", f"{a}/decisions/record/",
                          {"title": "Mural", "text": "Paint it.", "how_reached": "consensus"},
                          Decision.objects.all(), {}),
        "correction": ("facilitator", f"{a}/decisions/{w['entry'].sequence}/supersede/",
                       {"kind": "correction", "title": "", "text": "Two banners.",
                        "how_reached": "typo"},
                       Decision.objects.all(), {}),
        "action item": ("facilitator", f"{a}/decisions/{w['entry'].sequence}/actions/",
                        {"what": "Buy paint"}, w["entry"].actions.all(), {}),
        "meeting": ("facilitator", f"{a}/meetings/new/",
                    {"title": "Next", "place": "Hall", "starts_at": (
                        timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")},
                    Meeting.objects.all(), {}),
        "agenda item": ("facilitator", f"{m}/items/",
                        {"title": "Budget", "kind": "topic", "planned_minutes": 10,
                         "speaker_seconds": 120},
                        AgendaItem.objects.all(), fetch),
        "hand from the room": ("facilitator", f"{m}/console/act/",
                               {"do": "room_hand", "name": "Tía Carmen", "kind": "regular"},
                               Hand.objects.all(), fetch),
        "temperature check": ("facilitator", f"{m}/console/act/",
                              {"do": "temperature", "style": "fist", "present_only": ""},
                              MeetingPoll.objects.all(), fetch),
        "floor vote": ("facilitator", f"{m}/console/act/",
                       {"do": "open_vote", "question": "Adopt?", "method": "majority",
                        "threshold": "simple", "seats": 1, "results_visibility": "live"},
                       MeetingPoll.objects.all(), fetch),
        "floor room counts": ("facilitator", f"{m}/console/act/",
                              {"do": "counts", "link": w["link"].pk, "count-yes": 2,
                               "count-no": 0, "count-abstain": 0},
                              EnteredCount.objects.all(), fetch),
    }  # fmt: skip


CASES = [
    "invitation", "group", "group post", "proposal", "amendment", "comment", "vote",
    "room counts", "room decision", "correction", "action item", "meeting", "agenda item",
    "hand from the room", "temperature check", "floor vote", "floor room counts",
]  # fmt: skip


def _post(cast, who, url, data, headers):
    client = Client()
    client.force_login(getattr(cast, who).user)
    return client.post(url, data, **headers)


def _succeeded(response, headers):
    if headers:
        return response.status_code == 200 and response.json()["ok"] is True
    return response.status_code in (200, 302) and b'role="alert"' not in response.content


@pytest.mark.parametrize("case", CASES)
def test_the_same_form_sent_twice_creates_once(cast, world, case):
    who, url, data, rows, headers = _cases(cast, world)[case]
    before = rows.count()
    first = _post(cast, who, url, {**data, "idempotency_key": "same-key-0001"}, headers)
    again = _post(cast, who, url, {**data, "idempotency_key": "same-key-0001"}, headers)
    assert _succeeded(first, headers), first.content[:500]
    assert _succeeded(again, headers), again.content[:500]
    assert rows.count() == before + 1
    if "name" in data:  # names of groups are unique, and must be
        data = {**data, "name": data["name"] + " Two"}
    other = _post(cast, who, url, {**data, "idempotency_key": "other-key-0002"}, headers)
    assert _succeeded(other, headers)
    assert rows.count() == before + 2  # a new form (a new key) creates a new thing


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("case", CASES)
def test_simultaneous_identical_submissions_create_one_row(cast, world, case):
    who, url, data, rows, headers = _cases(cast, world)[case]
    before = rows.count()
    barrier = threading.Barrier(N)
    answers = []
    lock = threading.Lock()

    def submit():
        try:
            barrier.wait(timeout=20)
            response = _post(cast, who, url, {**data, "idempotency_key": "pressed-twice-1"},
                             headers)  # fmt: skip
            with lock:
                answers.append(_succeeded(response, headers))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads)
    assert answers == [True] * N  # every press is answered as done
    assert rows.count() == before + 1


def test_a_malformed_key_is_refused_with_a_message(cast, world):
    who, url, data, rows, headers = _cases(cast, world)["room decision"]
    before = rows.count()
    response = _post(cast, who, url, {**data, "idempotency_key": "<script>"}, headers)
    assert response.status_code == 400
    assert b"This form is incomplete" in response.content
    assert rows.count() == before


def test_the_timer_forgets_old_submissions(cast, world):
    from django.core.management import call_command

    from assembly.models import Submission

    who, url, data, rows, headers = _cases(cast, world)["comment"]
    _post(cast, who, url, {**data, "idempotency_key": "kept-for-a-while"}, headers)
    _post(cast, who, url, {**data, "idempotency_key": "forgotten-key-1"}, headers)
    Submission.objects.filter(key="forgotten-key-1").update(
        created_at=timezone.now() - timedelta(days=3)
    )
    call_command("send_notifications", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(Submission.objects.values_list("key", flat=True)) == ["kept-for-a-while"]
