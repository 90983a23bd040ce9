"""What people do in a meeting, through meetings.actions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assembly.errors import ActionError, NotAllowed
from assembly.models import AuditEntry
from decisions import actions as decisions
from meetings import actions, queries
from meetings.models import AgendaItem, Attendance, Hand, Meeting, MeetingPoll
from tests.meetings.conftest import current


def settings(cast, **changes):
    values = {"progressive": "off", "count_unregistered": False, "proxies_allowed": False,
              "max_proxies": 1, **changes}  # fmt: skip
    return actions.update_settings(cast.steward, **values)


# -- schedule ------------------------------------------------------------------------------


def test_schedule_with_agenda_shows_on_home(cast, meeting):
    assert [i.title for i in meeting.items.all()] == ["Welcome", "Rapid response", "Next steps"]
    assert list(queries.upcoming(cast.assembly)) == [meeting]
    assert AuditEntry.objects.filter(verb="meeting.scheduled").exists()


def test_members_cannot_schedule(cast):
    with pytest.raises(NotAllowed):
        actions.schedule_meeting(cast.member, title="x", starts_at=timezone.now())


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "  "}, "title"),
        ({"call_link": "javascript:alert(1)"}, "https://"),
        ({"starts_at": None}, "starts"),
        ({"facilitator_ids": [10**9]}, "not an active member"),
    ],
)
def test_bad_meeting_input_is_refused_whole(cast, changes, message):
    values = {"title": "Assembly", "starts_at": timezone.now() + timedelta(days=1), **changes}
    with pytest.raises(ActionError, match=message):
        actions.schedule_meeting(cast.facilitator, **values)
    assert not Meeting.objects.exists()


def test_outsider_cannot_be_a_facilitator(cast):
    with pytest.raises(ActionError):
        actions.schedule_meeting(
            cast.facilitator, title="x", starts_at=timezone.now(),
            facilitator_ids=[cast.other.pk],
        )  # fmt: skip


def test_a_named_facilitator_runs_the_meeting(cast, meeting):
    actions.update_meeting(
        cast.facilitator, meeting=meeting, title=meeting.title, starts_at=meeting.starts_at,
        facilitator_ids=[cast.member.pk],
    )  # fmt: skip
    assert actions.can_run(cast.member, meeting)
    assert not actions.can_run(cast.member2, meeting)
    actions.start_meeting(cast.member, meeting=meeting)


def test_proposal_and_report_items(cast, meeting):
    proposal = decisions.draft_proposal(cast.member, title="Pledge", body="Adopt it.")
    item = actions.add_item(cast.facilitator, meeting=meeting, title="", kind="proposal",
                            proposal=proposal)  # fmt: skip
    assert item.title == "Pledge" and item.position == 3
    with pytest.raises(ActionError):
        actions.add_item(cast.facilitator, meeting=meeting, title="x", kind="report")
    with pytest.raises(ActionError):
        actions.add_item(cast.facilitator, meeting=meeting, title="x", planned_minutes=0)


# -- run -----------------------------------------------------------------------------------


def test_start_and_move_through_the_agenda(cast, running):
    assert running.state == "running" and current(running).title == "Welcome"
    actions.next_item(cast.facilitator, meeting=running)
    assert current(running).title == "Rapid response"
    assert running.items.get(title="Welcome").state == "done"
    with pytest.raises(ActionError, match="moved on"):
        actions.next_item(cast.facilitator, meeting=running,
                          expected_item=running.items.get(title="Welcome").pk)  # fmt: skip


def test_reorder_add_and_skip_mid_meeting(cast, running):
    steps = running.items.get(title="Next steps")
    actions.move_item(cast.facilitator, item=steps, direction="up")
    assert [i.title for i in running.items.order_by("position")] == [
        "Welcome", "Next steps", "Rapid response"
    ]  # fmt: skip
    actions.add_item(cast.facilitator, meeting=running, title="Urgent: raid reports")
    actions.skip_item(cast.facilitator, item=steps)
    actions.next_item(cast.facilitator, meeting=running)
    assert current(running).title == "Rapid response"
    actions.skip_item(cast.facilitator, item=current(running))
    assert current(running).title == "Urgent: raid reports"


def test_go_to_an_item_and_end(cast, running):
    last = running.items.get(title="Next steps")
    actions.go_to_item(cast.facilitator, item=last)
    assert current(running) == last
    actions.end_meeting(cast.facilitator, meeting=running)
    running.refresh_from_db()
    assert running.state == "ended" and running.current_item is None
    assert running.items.get(title="Rapid response").state == "skipped"


def test_planned_against_actual(cast, running):
    welcome = current(running)
    AgendaItem.objects.filter(pk=welcome.pk).update(
        started_at=timezone.now() - timedelta(minutes=12)
    )
    state = queries.live_state(Meeting.objects.get(pk=running.pk))
    assert state["behind_minutes"] == 7  # 12 minutes spent on a 5-minute item
    assert state["item_over"]


def test_members_cannot_run(cast, running):
    for act in (
        lambda: actions.next_item(cast.member, meeting=running),
        lambda: actions.end_meeting(cast.member, meeting=running),
        lambda: actions.call_next(cast.member, item=current(running)),
        lambda: actions.move_item(cast.member, item=current(running), direction="down"),
    ):
        with pytest.raises(NotAllowed):
            act()


# -- attendance and quorum ------------------------------------------------------------


def test_check_in_twice_counts_once(cast, running):
    actions.check_in(cast.member, meeting=running)
    actions.check_in(cast.member, meeting=running)
    assert Attendance.objects.filter(meeting=running).count() == 1
    assert queries.attendance_counts(running)["members"] == 1


def test_quorum_and_marking(cast, running):
    counts = queries.attendance_counts(running)
    assert counts["quorum"] == 2 and not counts["reached"]  # 50 % of 4 active members
    actions.check_in(cast.member, meeting=running)
    actions.mark_attendance(cast.facilitator, meeting=running, member=cast.member2, present=True)
    assert queries.attendance_counts(running)["reached"]
    actions.mark_attendance(cast.facilitator, meeting=running, member=cast.member, present=False)
    assert queries.attendance_counts(running)["members"] == 1
    actions.check_in(cast.member, meeting=running)  # back in the room
    assert queries.attendance_counts(running)["members"] == 2
    with pytest.raises(NotAllowed):
        actions.mark_attendance(cast.member, meeting=running, member=cast.member2, present=False)


def test_unregistered_people_only_if_allowed(cast, running):
    with pytest.raises(ActionError, match="does not count"):
        actions.set_unregistered(cast.facilitator, meeting=running, count=5)
    settings(cast, count_unregistered=True)
    actions.set_unregistered(cast.facilitator, meeting=running, count=5)
    assert queries.attendance_counts(Meeting.objects.get(pk=running.pk))["total"] == 5
    with pytest.raises(ActionError):
        actions.set_unregistered(cast.facilitator, meeting=running, count=-1)


# -- speaking queue -------------------------------------------------------------------


def test_raise_lower_and_only_ones_own(cast, running):
    item = current(running)
    hand = actions.raise_hand(cast.member, item=item, kind="clarify")
    with pytest.raises(ActionError, match="already raised"):
        actions.raise_hand(cast.member, item=item)
    with pytest.raises(NotAllowed):
        actions.lower_hand(cast.member2, hand=hand)
    with pytest.raises(NotAllowed):
        actions.lower_hand(cast.facilitator, hand=hand)
    actions.lower_hand(cast.member, hand=hand)
    assert Hand.objects.get(pk=hand.pk).state == "lowered"
    with pytest.raises(ActionError):
        actions.raise_hand(cast.member, item=item, kind="shout")


def test_direct_response_needs_a_speaker(cast, running):
    with pytest.raises(ActionError, match="respond to"):
        actions.raise_hand(cast.member, item=current(running), kind="response")


def test_closed_queue(cast, running):
    item = current(running)
    actions.set_queue_open(cast.facilitator, item=item, is_open=False)
    with pytest.raises(ActionError, match="closed"):
        actions.raise_hand(cast.member, item=item)
    # Facilitators can still add someone who raised a hand in the room.
    actions.add_room_hand(cast.facilitator, item=item, name="Doña Carmen")
    actions.set_queue_open(cast.facilitator, item=item, is_open=True)
    actions.raise_hand(cast.member, item=item)


def test_call_remove_and_timer(cast, running):
    item = current(running)
    actions.raise_hand(cast.member, item=item)
    second = actions.raise_hand(cast.member2, item=item)
    actions.add_room_hand(cast.facilitator, item=item, name="Don Beto", kind="process")
    called = actions.call_next(cast.facilitator, item=item)
    assert called.speaker_name == "Don Beto"
    actions.remove_hand(cast.facilitator, hand=second)
    state = queries.live_state(Meeting.objects.get(pk=running.pk))
    assert state["speaker"].speaker_name == "Don Beto"
    assert [h.speaker_name for h in state["queue"]] == ["Ana"]
    item.refresh_from_db()
    expected_end = int(item.speaker_started_at.timestamp() * 1000) + 120_000
    assert state["speaker_ends"] == expected_end  # the same server timestamp for every screen
    actions.finish_speaker(cast.facilitator, item=item)
    with pytest.raises(ActionError, match="Nobody"):
        actions.restart_timer(cast.facilitator, item=item)


def test_nobody_waiting(cast, running):
    with pytest.raises(ActionError, match="Nobody is waiting"):
        actions.call_next(cast.facilitator, item=current(running))


# -- floor votes ------------------------------------------------------------------------


def test_floor_vote_present_only_with_snapshot_and_publish(cast, running):
    actions.update_settings(cast.steward, progressive="off", count_unregistered=True,
                            proxies_allowed=False, max_proxies=1)  # fmt: skip
    actions.set_unregistered(cast.facilitator, meeting=running, count=3)
    actions.check_in(cast.member, meeting=running)
    actions.check_in(cast.member2, meeting=running)
    link = actions.open_floor_vote(
        cast.facilitator, meeting=running, question="Start a phone tree?", method="majority",
        present_only=True,
    )  # fmt: skip
    assert link.poll.electorate_size == 2
    decisions.cast_ballot(cast.member, poll=link.poll, choice="yes", idempotency_key="k" * 10)
    with pytest.raises(ActionError, match="Only members checked in"):
        decisions.cast_ballot(cast.steward, poll=link.poll, choice="no",
                              idempotency_key="s" * 10)  # fmt: skip
    actions.enter_room_counts(cast.facilitator, link=link, counts={"yes": 3, "no": 1})
    with pytest.raises(ActionError, match="Close the vote"):
        actions.publish_result(cast.facilitator, link=link)
    actions.close_floor_vote(cast.facilitator, link=link)
    link = MeetingPoll.objects.get(pk=link.pk)
    # Two members checked in and three people without an account: five could be counted.
    assert (link.entitled, link.present, link.voted) == (5, 5, 5)
    assert (link.poll.ballots_here, link.poll.room_counted) == (1, 4)
    assert link.poll.result["counts"]["yes"] == 4  # one phone ballot and three hands
    state = queries.live_state(Meeting.objects.get(pk=running.pk))
    assert state["published"] is None
    actions.publish_result(cast.facilitator, link=link)
    assert queries.live_state(Meeting.objects.get(pk=running.pk))["published"] == link


def test_vote_on_the_current_proposal(cast, meeting):
    proposal = decisions.draft_proposal(cast.member, title="Pledge", body="Adopt it.")
    decisions.open_discussion(cast.member, proposal=proposal)
    item = actions.add_item(cast.facilitator, meeting=meeting, title="", kind="proposal",
                            proposal=proposal)  # fmt: skip
    actions.start_meeting(cast.facilitator, meeting=meeting)
    actions.go_to_item(cast.facilitator, item=item)
    link = actions.open_floor_vote(cast.facilitator, meeting=meeting, question="Adopt?",
                                   method="consensus", present_only=False)  # fmt: skip
    assert link.poll.proposal == proposal and link.item == item


def test_nobody_present_means_no_present_only_vote(cast, running):
    with pytest.raises(ActionError, match="checked in"):
        actions.open_floor_vote(cast.facilitator, meeting=running, question="Q",
                                method="majority")  # fmt: skip


@pytest.mark.parametrize(("style", "answer"), [("fist", 4), ("cards", "o2")])
def test_temperature_check_in_seconds(cast, running, style, answer):
    actions.check_in(cast.member, meeting=running)
    link = actions.temperature_check(cast.facilitator, meeting=running, style=style)
    assert link.poll.proposal is None
    decisions.cast_ballot(cast.member, poll=link.poll, choice=answer, idempotency_key="t" * 10)
    poll = actions.close_floor_vote(cast.facilitator, link=link)
    assert poll.turnout == 1


def test_named_facilitator_who_is_a_member_cannot_open_votes(cast, running):
    running.facilitators.add(cast.member)
    with pytest.raises(NotAllowed):
        actions.open_floor_vote(cast.member, meeting=running, question="Q", method="majority",
                                present_only=False)  # fmt: skip


# -- minutes --------------------------------------------------------------------------


def test_notes_and_minutes(cast, meeting):
    actions.update_meeting(cast.facilitator, meeting=meeting, title=meeting.title,
                           starts_at=meeting.starts_at, note_taker_id=cast.member2.pk)  # fmt: skip
    actions.start_meeting(cast.facilitator, meeting=meeting)
    item = current(meeting)
    actions.save_notes(cast.member2, item=item, notes="We **welcomed** 3 new families.")
    with pytest.raises(NotAllowed):
        actions.save_notes(cast.member, item=item, notes="vandalism")
    actions.raise_hand(cast.member, item=item)
    actions.call_next(cast.facilitator, item=item)
    with pytest.raises(ActionError, match="ended"):
        actions.approve_minutes(cast.facilitator, meeting=meeting)
    actions.end_meeting(cast.facilitator, meeting=meeting)
    gathered = queries.minutes(meeting)
    first = gathered["items"][0]
    assert "<strong>welcomed</strong>" in first.notes_html
    assert [h.speaker_name for h in first.speaker_list] == ["Ana"]
    actions.approve_minutes(cast.facilitator, meeting=meeting, summary="Good meeting.")
    with pytest.raises(ActionError, match="approved"):
        actions.save_notes(cast.member2, item=item, notes="later change")


# -- moderation ------------------------------------------------------------------------


def test_mute_blocks_hands_and_comments(cast, running):
    item = current(running)
    actions.raise_hand(cast.member, item=item)
    actions.mute_member(cast.facilitator, meeting=running, member=cast.member, reason="Shouting")
    assert not item.hands.filter(state="waiting").exists()  # their hand is taken down
    with pytest.raises(NotAllowed, match="muted"):
        actions.raise_hand(cast.member, item=item)
    proposal = decisions.draft_proposal(cast.member2, title="P", body="B")
    decisions.open_discussion(cast.member2, proposal=proposal)
    with pytest.raises(NotAllowed, match="muted"):
        decisions.post_comment(cast.member, proposal=proposal, body="spam")
    entry = AuditEntry.objects.get(verb="meeting.muted")
    assert (entry.actor, entry.target, entry.reason) == (cast.facilitator, cast.member, "Shouting")
    with pytest.raises(ActionError, match="reason"):
        actions.mute_member(cast.facilitator, meeting=running, member=cast.member2, reason=" ")


def test_facilitators_cannot_be_muted_and_members_cannot_mute(cast, running):
    with pytest.raises(ActionError):
        actions.mute_member(cast.facilitator, meeting=running, member=cast.steward, reason="x")
    with pytest.raises(NotAllowed):
        actions.mute_member(cast.member, meeting=running, member=cast.member2, reason="x")


def test_removal_closes_the_meeting_to_them(cast, running, capture_live):
    actions.check_in(cast.member, meeting=running)
    link = actions.open_floor_vote(cast.facilitator, meeting=running, question="Q",
                                   method="majority", present_only=False)  # fmt: skip
    with capture_live() as sent:
        actions.remove_from_meeting(cast.facilitator, meeting=running, member=cast.member,
                                    reason="Filming people")  # fmt: skip
    assert (f"u.{cast.member.user_id}", {"type": "live.access",
            "assembly_id": cast.assembly.pk}) in sent  # fmt: skip
    with pytest.raises(NotAllowed):
        actions.raise_hand(cast.member, item=current(running))
    with pytest.raises(NotAllowed):
        decisions.cast_ballot(cast.member, poll=link.poll, choice="yes", idempotency_key="r" * 9)
    assert queries.attendance_counts(running)["members"] == 0


# -- proxies --------------------------------------------------------------------------


def test_proxies_off_by_default(cast, running):
    with pytest.raises(ActionError, match="does not allow"):
        actions.delegate_vote(cast.member, meeting=running, delegate=cast.member2)


def test_proxy_vote_records_both_and_blocks_the_delegator(cast, running):
    settings(cast, proxies_allowed=True, max_proxies=1)
    actions.delegate_vote(cast.member, meeting=running, delegate=cast.member2)
    actions.check_in(cast.member2, meeting=running)
    link = actions.open_floor_vote(cast.facilitator, meeting=running, question="Q",
                                   method="majority")  # fmt: skip
    assert link.poll.electorate_size == 2  # Luz, present, and Ana's vote she holds
    with pytest.raises(ActionError, match="gave your vote"):
        decisions.cast_ballot(cast.member, poll=link.poll, choice="no", idempotency_key="a" * 9)
    with pytest.raises(NotAllowed):
        decisions.cast_ballot(cast.steward, poll=link.poll, choice="no",
                              idempotency_key="b" * 9, on_behalf_of=cast.member)  # fmt: skip
    decisions.cast_ballot(cast.member2, poll=link.poll, choice="yes", idempotency_key="c" * 9)
    decisions.cast_ballot(cast.member2, poll=link.poll, choice="yes", idempotency_key="d" * 9,
                          on_behalf_of=cast.member)  # fmt: skip
    proxied = link.poll.participations.get(member=cast.member)
    assert proxied.cast_by == cast.member2
    assert link.poll.participations.count() == 2


def test_proxy_limits(cast, running):
    settings(cast, proxies_allowed=True, max_proxies=1)
    actions.delegate_vote(cast.member, meeting=running, delegate=cast.member2)
    with pytest.raises(ActionError, match="as many votes"):
        actions.delegate_vote(cast.steward, meeting=running, delegate=cast.member2)
    with pytest.raises(ActionError, match="gave their own vote"):
        actions.delegate_vote(cast.steward, meeting=running, delegate=cast.member)
    with pytest.raises(ActionError, match="hold other"):
        actions.delegate_vote(cast.member2, meeting=running, delegate=cast.steward)
    with pytest.raises(ActionError, match="yourself"):
        actions.delegate_vote(cast.steward, meeting=running, delegate=cast.steward)
    actions.revoke_delegation(cast.member, meeting=running)
    actions.delegate_vote(cast.steward, meeting=running, delegate=cast.member2)


def test_proxy_outside_a_meeting_is_refused(cast):
    poll = decisions.open_poll(cast.facilitator, question="Q", method="majority")
    with pytest.raises(NotAllowed):
        decisions.cast_ballot(cast.member2, poll=poll, choice="yes", idempotency_key="e" * 9,
                              on_behalf_of=cast.member)  # fmt: skip


def test_a_mute_or_removal_can_be_undone_and_is_logged(cast, running):
    actions.mute_member(cast.facilitator, meeting=running, member=cast.member, reason="Loud")
    actions.lift_sanction(cast.steward, meeting=running, member=cast.member, kind="mute")
    actions.raise_hand(cast.member, item=current(running))
    assert AuditEntry.objects.filter(verb="meeting.sanction_lifted", actor=cast.steward).exists()
    with pytest.raises(ActionError, match="nothing to undo"):
        actions.lift_sanction(cast.steward, meeting=running, member=cast.member, kind="mute")
    with pytest.raises(NotAllowed):
        actions.lift_sanction(cast.member2, meeting=running, member=cast.member, kind="remove")


def test_a_floor_vote_can_need_two_thirds(cast):
    """The console's vote carries the poll's options: threshold, seats, visibility, quorum."""
    from django.utils import timezone

    from meetings import actions as meeting_actions
    from meetings.models import Meeting

    meeting = Meeting.objects.create(assembly=cast.assembly, title="GA", starts_at=timezone.now())
    meeting_actions.start_meeting(cast.facilitator, meeting=meeting)
    link = meeting_actions.open_floor_vote(
        cast.facilitator, meeting=meeting, question="Amend the bylaws?", method="majority",
        present_only=False, threshold="two_thirds", results_visibility="after_close", quorum=2,
    )  # fmt: skip
    poll = link.poll
    assert (poll.threshold, poll.results_visibility, poll.quorum) == (
        "two_thirds", "after_close", 2)  # fmt: skip
