"""The pages and plain HTML forms (no JavaScript), and bad input: a clear message, no
500, nothing half-written."""

from datetime import timedelta

import pytest
from django.utils import timezone

from decisions import actions as decisions
from meetings import actions
from meetings.models import AgendaItem, Attendance, Hand, Meeting, MeetingPoll
from tests.conftest import client_for
from tests.meetings.conftest import current


def url(meeting, rest=""):
    return f"/a/eastside/meetings/{meeting.pk}/{rest}"


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_schedule_through_the_form(cast):
    client = client_for(cast, "facilitator")
    response = client.post("/a/eastside/meetings/new/", {
        "title": "Emergency assembly", "starts_at": (timezone.now() + timedelta(days=1))
        .strftime("%Y-%m-%dT%H:%M"), "place": "Library", "call_link": "",
        "facilitators": [cast.facilitator.pk], "note_taker": cast.member2.pk,
    })  # fmt: skip
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == url(meeting, "console/")
    assert meeting.note_taker == cast.member2
    home = client_for(cast, "member").get("/a/eastside/")
    assert "Emergency assembly" in home.content.decode()


def test_bad_schedule_input_shows_the_form_again(cast):
    response = client_for(cast, "facilitator").post(
        "/a/eastside/meetings/new/", {"title": "", "starts_at": "tomorrow"}
    )
    assert response.status_code == 400
    assert not Meeting.objects.exists()


def test_member_core_actions_without_javascript(cast, running):
    client = client_for(cast, "member")
    page = client.get(url(running)).content.decode()
    assert "Check in" in page and 'name="kind" value="process"' in page
    client.post(url(running, "check-in/"), follow=True)
    assert Attendance.objects.filter(member=cast.member, present=True).exists()
    response = client.post(url(running, "hand/"), {"kind": "clarify"}, follow=True)
    assert "Your hand is raised" in response.content.decode()
    hand = Hand.objects.get(member=cast.member, state="waiting")
    assert hand.kind == "clarify"
    response = client.post(url(running, "hand/"), {"lower": hand.pk}, follow=True)
    assert "Your hand is lowered." in messages_of(response)


def test_voting_from_the_meeting_without_javascript(cast, running):
    actions.check_in(cast.member, meeting=running)
    link = actions.open_floor_vote(cast.facilitator, meeting=running, question="Phone tree?",
                                   method="majority")  # fmt: skip
    page = client_for(cast, "member").get(url(running)).content.decode()
    assert f"/a/eastside/polls/{link.poll_id}/" in page and "Vote now" in page


@pytest.mark.parametrize(
    ("data", "status"),
    [({"kind": "shout"}, 302), ({"lower": "abc"}, 302), ({"lower": "999999"}, 404)],
)
def test_bad_hand_input(cast, running, data, status):
    """A plain form goes back with the reason; a hand that does not exist is not found."""
    response = client_for(cast, "member").post(url(running, "hand/"), data)
    assert response.status_code == status
    assert not Hand.objects.exists()


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"do": "nonsense"}, 400),
        ({"do": "call_next", "item": "x"}, 400),
        ({"do": "move_hand", "hand": "1", "position": "-3"}, 404),  # no such hand
        ({"do": "unregistered", "count": "lots"}, 400),
        ({"do": "item_times", "item": "0", "planned_minutes": "5", "speaker_seconds": "5"}, 404),
        ({"do": "open_vote", "question": "", "method": "majority"}, 400),
        ({"do": "open_vote", "question": "Q", "method": "single", "options": "only one"}, 400),
        ({"do": "temperature", "style": "thumbs"}, 400),
        ({"do": "mute", "member": "999999", "reason": "x"}, 400),
        ({"do": "counts", "link": "999999"}, 404),  # no such vote
    ],
)
def test_bad_console_input_gets_a_clear_answer(cast, running, data, status):
    client = client_for(cast, "facilitator")
    response = client.post(url(running, "console/act/"), data, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == status
    if status == 400:
        assert response.json()["ok"] is False and response.json()["message"]
    assert not MeetingPoll.objects.exists()


def test_console_answers_fetch_with_json_and_forms_with_a_redirect(cast, running):
    actions.raise_hand(cast.member, item=current(running))
    client = client_for(cast, "facilitator")
    item = current(running)
    answer = client.post(url(running, "console/act/"), {"do": "call_next", "item": item.pk},
                         HTTP_X_REQUESTED_WITH="fetch")  # fmt: skip
    assert answer.json() == {"ok": True, "message": "Ana has the floor."}
    again = client.post(url(running, "console/act/"), {"do": "call_next", "item": item.pk},
                        follow=True)  # fmt: skip
    assert "Someone else already called the next speaker." in messages_of(again)


def test_console_runs_a_whole_item(cast, running):
    client = client_for(cast, "facilitator")
    act = url(running, "console/act/")
    item = current(running)
    client.post(act, {"do": "room_hand", "name": "Doña Carmen", "kind": "process"})
    client.post(act, {"do": "present", "member": cast.member.pk})
    client.post(act, {"do": "call_next", "item": item.pk})
    panel = client.get(url(running, "console/panel/")).content.decode()
    assert "Doña Carmen" in client.get(url(running, "console/")).content.decode()
    assert "Call the next speaker" in panel
    actions.update_settings(cast.steward, progressive="off", count_unregistered=True,
                            proxies_allowed=False, max_proxies=1)  # fmt: skip
    client.post(act, {"do": "unregistered", "count": "8"})  # at the door, without accounts
    client.post(act, {"do": "open_vote", "question": "Adopt?", "method": "majority",
                      "present_only": "on"})  # fmt: skip
    link = MeetingPoll.objects.get()
    client.post(act, {"do": "counts", "link": link.pk, "count-yes": "7", "count-no": "2"})
    client.post(act, {"do": "close_vote", "link": link.pk, "confirmed": "1"})
    client.post(act, {"do": "publish", "link": link.pk})
    link.refresh_from_db()
    assert link.published and link.poll.result["counts"]["yes"] == 7
    projector = (
        client_for(cast, "anonymous")
        .get(f"/projector/{running.pk}/{running.projector_token}/")
        .content.decode()
    )
    assert "Adopt?" in projector and "passed" in projector
    client.post(act, {"do": "item_down", "item": item.pk})
    client.post(act, {"do": "next_item", "expected": item.pk})
    assert current(running).title == "Rapid response"


def test_add_item_form(cast, running):
    client = client_for(cast, "facilitator")
    item = {"kind": "topic", "title": "Raid alerts", "planned_minutes": "15",
            "speaker_seconds": "90"}  # fmt: skip
    client.post(url(running, "items/"), item)
    assert AgendaItem.objects.filter(title="Raid alerts", speaker_seconds=90).exists()
    bad = client.post(url(running, "items/"), {"kind": "topic", "title": "x",
                                              "planned_minutes": "0", "speaker_seconds": "90"},
                      HTTP_X_REQUESTED_WITH="fetch")  # fmt: skip
    assert bad.status_code == 400


def test_notes_saved_and_minutes_published(cast, running):
    client = client_for(cast, "facilitator")
    item = current(running)
    saved = client.post(url(running, f"notes/{item.pk}/"), {"notes": "- 3 new families"},
                        HTTP_X_REQUESTED_WITH="fetch")  # fmt: skip
    assert saved.json()["ok"]
    assert client_for(cast, "member").get(url(running, "minutes/")).status_code == 404
    actions.end_meeting(cast.facilitator, meeting=running)
    client.post(url(running, "console/act/"), {"do": "approve", "summary": "Calm."})
    minutes = client_for(cast, "member").get(url(running, "minutes/")).content.decode()
    assert "3 new families" in minutes and "Calm." in minutes
    md = client_for(cast, "member").get(url(running, "minutes.md"))
    assert md["Content-Type"].startswith("text/markdown")
    assert "- 3 new families" in md.content.decode()


def test_settings_page(cast):
    client = client_for(cast, "steward")
    response = client.post("/a/eastside/meetings/settings/", {
        "progressive": "meeting", "count_unregistered": "on", "proxies_allowed": "on",
        "max_proxies": "2",
    })  # fmt: skip
    assert response.status_code == 302
    assert actions.settings_for(cast.assembly).max_proxies == 2
    bad = client.post("/a/eastside/meetings/settings/", {"progressive": "chaos",
                                                         "max_proxies": "99"})  # fmt: skip
    assert bad.status_code == 400


def test_proxy_forms(cast, running):
    actions.update_settings(cast.steward, progressive="off", count_unregistered=False,
                            proxies_allowed=True, max_proxies=1)  # fmt: skip
    member = client_for(cast, "member")
    # Without the member list (plain members, by default) the delegate is named, not picked.
    page = member.get(url(running)).content.decode()
    assert 'name="delegate_name"' in page and "Luz" not in page
    refused = member.post(url(running, "proxy/"), {"delegate": cast.member2.pk}, follow=True)
    assert "Type the member&#x27;s display name." in refused.content.decode()
    member.post(url(running, "proxy/"), {"delegate_name": " luz "})
    actions.check_in(cast.member2, meeting=running)
    link = actions.open_floor_vote(cast.facilitator, meeting=running, question="Q",
                                   method="majority")  # fmt: skip
    delegate = client_for(cast, "member2")
    page = delegate.get(url(running)).content.decode()
    proxy_url = url(running, f"proxy/{link.pk}/{cast.member.pk}/")
    assert proxy_url in page
    form = delegate.get(proxy_url).content.decode()
    assert "You are voting for <bdi>Ana</bdi>" in form
    key = form.split('name="idempotency_key" value="')[1].split('"')[0]
    delegate.post(proxy_url, {"choice": "no", "idempotency_key": key})
    assert link.poll.participations.get(member=cast.member).cast_by == cast.member2
    # Someone who does not hold the vote cannot even see the form.
    assert client_for(cast, "steward").get(proxy_url).status_code == 404
    assert decisions.answers(link.poll)


@pytest.mark.parametrize("value", ["9" * 40, "", "1e3", "-", "٣"])
def test_odd_numbers_are_refused_cleanly(cast, running, value):
    client = client_for(cast, "facilitator")
    for data in ({"do": "call_next", "item": value}, {"do": "unregistered", "count": value},
                 {"do": "present", "member": value}):  # fmt: skip
        response = client.post(url(running, "console/act/"), data, HTTP_X_REQUESTED_WITH="fetch")
        assert response.status_code == 400
    assert client.get(f"/a/eastside/meetings/{'9' * 30}/").status_code == 404


def test_moderation_from_the_console(cast, running):
    client = client_for(cast, "facilitator")
    act = url(running, "console/act/")
    answer = client.post(act, {"do": "mute", "member": cast.member.pk, "reason": "Shouting"},
                         HTTP_X_REQUESTED_WITH="fetch")  # fmt: skip
    assert answer.json()["ok"]
    panel = client.get(url(running, "console/panel/")).content.decode()
    assert "Shouting" in panel and 'value="unmute"' in panel
    console = client.get(url(running, "console/")).content.decode()
    assert "muted a member for the rest of a meeting" in console  # the moderation log
    missing_reason = client.post(act, {"do": "remove", "member": cast.member2.pk, "reason": ""},
                                 HTTP_X_REQUESTED_WITH="fetch")  # fmt: skip
    assert missing_reason.status_code == 400
    client.post(act, {"do": "unmute", "member": cast.member.pk})
    assert not actions.is_sanctioned(running, cast.member, "mute")
