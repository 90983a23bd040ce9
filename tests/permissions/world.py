"""One assembly with something behind every URL, for the permission tables.

The fixed cast (tests/conftest.py) plus Mar, a member, and Marta ("lead"), a plain
member of the assembly who leads the working group Rapid Response (Luz is in it too);
a need she posted; Ana's ("member") draft and her proposal in discussion, with Marta's
comment and amendment; an open vote and a closed secret one with receipts; a running
meeting where Ana checked in, raised her hand and holds Luz's vote, with a floor vote
open; a decision with a follow-up action for the group; Ana's calendar link and a
notification; an invitation link; a join request; and a listed assembly (Westside)
that signed-in people may ask to join.
"""

import hashlib
import secrets
from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from assembly import actions as assembly_actions
from assembly.models import Assembly, JoinRequest, Notification
from decisions import actions as decision_actions
from decisions import record
from decisions.models import CalendarFeed
from groups import actions as group_actions
from meetings import actions as meeting_actions
from tests.conftest import join, make_assembly, make_user

PEOPLE = ["anonymous", "nobody", "other", "suspended", "member", "lead", "facilitator", "steward"]
PROJECTOR = "projector"  # not a person: whoever holds the meeting's projector address


def build(cast):
    w = SimpleNamespace(**vars(cast))
    w.lead = join(make_user("lead@example.org"), cast.assembly, "Marta")
    w.member3 = join(make_user("member3@example.org"), cast.assembly, "Mar")
    w.westside = make_assembly("Westside Neighbours", "westside", visibility="listed")

    w.group = group_actions.create_group(
        cast.steward, name="Rapid Response", kind="rapid_response", mandate="Verify reports.",
        leads=[w.lead],
    )  # fmt: skip
    group_actions.join_group(cast.member2, w.group)
    w.group.refresh_from_db()
    w.need = group_actions.create_post(
        w.lead, w.group, kind="need", title="Drop-off watch", body="Stand by the gate.",
        starts_at=timezone.now() + timedelta(days=1), place="Main gate", wanted=4,
    )  # fmt: skip
    w.member2_row = w.group.memberships.get(member=cast.member2)

    w.draft = decision_actions.draft_proposal(cast.member, title="A draft", body="Not yet.")
    proposal = decision_actions.draft_proposal(cast.member, title="Phone tree", body="Start one.")
    w.proposal = decision_actions.open_discussion(cast.member, proposal=proposal)
    w.comment = decision_actions.post_comment(w.lead, proposal=w.proposal, body="Yes, and soon.")
    w.amendment = decision_actions.propose_amendment(
        w.lead, proposal=w.proposal, body="Start one this week."
    )
    w.poll = decision_actions.open_poll(cast.facilitator, question="Rent strike?",
                                        method="majority")  # fmt: skip
    w.closed_poll = decision_actions.open_poll(
        cast.facilitator, question="Elect a treasurer?", method="majority", secret=True,
        receipts=True,
    )  # fmt: skip
    w.receipt = decision_actions.cast_ballot(
        cast.member, poll=w.closed_poll, choice="yes", idempotency_key="world-receipt-key"
    ).receipt
    # Five ballots: the fewest for which a secret vote publishes its ballots (issue 9).
    for i, voter in enumerate([w.lead, w.member3, cast.member2, cast.facilitator]):
        decision_actions.cast_ballot(voter, poll=w.closed_poll, choice="no" if i else "yes",
                                     idempotency_key=f"world-ballot-{i}")  # fmt: skip
    decision_actions.close_poll(cast.facilitator, poll=w.closed_poll)

    rules = meeting_actions.settings_for(cast.assembly)
    rules.proxies_allowed = True
    rules.save()
    w.meeting = meeting_actions.schedule_meeting(
        cast.facilitator, title="General assembly", starts_at=timezone.now(), place="Library"
    )
    for title in ("Welcome", "Rapid response"):
        meeting_actions.add_item(cast.facilitator, meeting=w.meeting, title=title,
                                 planned_minutes=10)  # fmt: skip
    meeting_actions.start_meeting(cast.facilitator, meeting=w.meeting)
    w.meeting.refresh_from_db()
    w.item = w.meeting.current_item
    meeting_actions.check_in(cast.member, meeting=w.meeting)
    w.hand = meeting_actions.raise_hand(cast.member, item=w.item)
    meeting_actions.delegate_vote(cast.member2, meeting=w.meeting, delegate=cast.member)
    w.link = meeting_actions.open_floor_vote(
        cast.facilitator, meeting=w.meeting, question="Adopt the agenda?", method="majority"
    )

    w.decision = record.record_room_decision(
        cast.facilitator, title="Phone tree", text="We start a phone tree.",
        how_reached="consensus",
    )  # fmt: skip
    w.action_item = record.add_action_item(
        cast.facilitator, decision=w.decision, what="Call the school", group=w.group,
        assignee=cast.member2,
    )  # fmt: skip

    w.feed_token = secrets.token_urlsafe(24)
    CalendarFeed.objects.create(
        member=cast.member, token_digest=hashlib.sha256(w.feed_token.encode()).hexdigest()
    )
    w.suspended_feed_token = secrets.token_urlsafe(24)
    CalendarFeed.objects.create(
        member=cast.suspended,
        token_digest=hashlib.sha256(w.suspended_feed_token.encode()).hexdigest(),
    )
    w.notification = Notification.objects.filter(recipient=cast.member).order_by("pk").first()
    assert w.notification is not None, "opening a vote notifies every elector"

    w.invitation, w.invitation_token = assembly_actions.create_invitation(
        cast.steward, max_uses=5, label="Spring outreach"
    )
    w.join_request = JoinRequest.objects.create(
        assembly=cast.assembly, user=cast.nobody, display_name="Newcomer"
    )
    assert Assembly.objects.filter(visibility="listed").count() == 1
    return w
