"""One assembly with something behind every URL, for the permission tables.

The fixed cast (tests/conftest.py) plus Mar, a member, and Marta ("lead"), a plain
member of the assembly who leads the working group Rapid Response (Luz is in it too);
a need she posted; Ana's ("member") draft and her proposal in discussion, with Marta's
comment and amendment; an open vote and a closed secret one with receipts; a running
meeting where Ana checked in, raised her hand and holds Luz's vote, with a floor vote
open; a decision with a follow-up action for the group; Ana's calendar link and a
notification; an invitation link; a join request; and a listed assembly (Westside)
that signed-in people may ask to join.

Rapid response: the stewards name Rapid Response both the group that verifies reports
and the rapid-response network, so Marta ("lead") and Luz verify and Marta sends
call-outs; stewards and facilitators hold no verifying power by their role. Ana's report
waits for verifiers; Mar filed one with a photo that waits too, one that Marta and Luz
verified, and one Marta marked false; Marta called Rapid Response out to a corner.

Trainings: "Know your rights" starts in two hours (the door is open), a training of
Rapid Response that Marta started, with a public sign-up page. Ana has a place and was
checked in; Sam signed up on the public page (with a phone number); Jo walked in.
"""

import hashlib
import io
import secrets
from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone
from PIL import Image

from assembly import actions as assembly_actions
from assembly.models import Assembly, JoinRequest, Notification
from decisions import actions as decision_actions
from decisions import record
from decisions.models import CalendarFeed
from groups import actions as group_actions
from meetings import actions as meeting_actions
from response import actions as response_actions
from tests.conftest import join, make_assembly, make_user
from trainings import actions as training_actions

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

    build_response(w)
    build_trainings(w)
    return w


def _photo():
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


def _report(who, place, **extra):
    return response_actions.file_report(
        who, seen_at=timezone.now() - timedelta(minutes=20), place=place, agents=4, **extra
    )


def build_response(w):
    response_actions.update_settings(
        w.steward, verifier_group=w.group, network_group=w.group, answer_days=14
    )
    w.report = _report(w.member, "Elm St laundromat")
    w.photo_report = _report(w.member3, "Pine Ave bus stop", photo=_photo())
    w.verified = _report(w.member3, "5th & Main")
    response_actions.confirm_report(w.lead, w.verified)
    w.verified = response_actions.confirm_report(w.member2, w.verified)
    assert w.verified.status == "verified"
    w.false_report = _report(w.member3, "Oak St depot")
    response_actions.mark_report(w.lead, w.false_report, status="false", note="Nobody was there.")
    w.callout = response_actions.send_callout(
        w.lead, place="Cedar & 3rd", needs=["witnesses"], wanted=5, groups=[w.group]
    )


def build_trainings(w):
    now = timezone.now().replace(microsecond=0)
    w.training = training_actions.create_training(
        w.lead, title="Know your rights", place="Library, room B",
        starts_at=now + timedelta(hours=2), ends_at=now + timedelta(hours=4), capacity=20,
        group=w.group, public=True, offered_groups=[w.group],
    )  # fmt: skip
    w.rsvp = training_actions.sign_up(w.member, w.training)
    training_actions.check_in(w.lead, w.rsvp)
    w.guest = training_actions.public_sign_up(w.training, name="Sam", contact="+1 555 0100")
    w.walk_in = training_actions.add_walk_in(w.lead, w.training, name="Jo")
    w.training.refresh_from_db()
