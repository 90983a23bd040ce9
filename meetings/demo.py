"""Demo meetings for `manage.py seed_demo`: last week's emergency assembly, run, with
attendance, a speaking queue, a floor vote and approved minutes; and the next general
assembly, scheduled, with its agenda."""

import secrets
from datetime import timedelta

from django.utils import timezone

from assembly.models import Membership

from . import actions
from .models import AgendaItem, Hand, Meeting


def seed(*, eastside, lincoln):
    from decisions import actions as decisions
    from decisions.models import Proposal
    from groups.models import Group

    members = list(Membership.objects.filter(assembly=eastside, status="active").order_by("pk"))
    steward = next(m for m in members if m.role == "steward")
    facilitator = next(m for m in members if m.role == "facilitator")
    plain = [m for m in members if m.role == "member"]
    actions.update_settings(
        steward, progressive="item", count_unregistered=True, proxies_allowed=True,
        max_proxies=1,
    )  # fmt: skip

    # Last week: an emergency assembly after a raid, run and minuted.
    past = actions.schedule_meeting(
        facilitator, title="Emergency assembly after the Alder Ave raid",
        starts_at=timezone.now(), place="Eastside Branch Library, community room",
        note_taker_id=plain[2].pk,
    )  # fmt: skip
    for title, minutes in (
        ("Welcome, agreements and interpretation", 5),
        ("What happened on Alder Ave: verified facts only", 20),
        ("How we accompany the families this week", 25),
    ):
        actions.add_item(facilitator, meeting=past, title=title, planned_minutes=minutes)
    actions.start_meeting(facilitator, meeting=past)
    for person in [facilitator, steward, *plain[:18]]:
        actions.check_in(person, meeting=past)
    actions.set_unregistered(facilitator, meeting=past, count=12)
    actions.next_item(facilitator, meeting=past)
    item = Meeting.objects.get(pk=past.pk).current_item
    for person, kind in ((plain[0], "regular"), (plain[3], "clarify"), (plain[5], "regular")):
        actions.raise_hand(person, item=item, kind=kind)
    spoken = None
    for _ in range(3):
        spoken = actions.call_next(
            facilitator, item=item, expected_hand=spoken.pk if spoken else None
        )
    actions.save_notes(
        plain[2], item=item,
        notes="- Three people detained, two released the same night.\n"
        "- Rapid Response verified the report in **14 minutes**.\n"
        "- Nobody films faces; film badges and vehicles.",
    )  # fmt: skip
    actions.next_item(facilitator, meeting=past)
    link = actions.temperature_check(facilitator, meeting=past, style="fist")
    for person in plain[:14]:
        decisions.cast_ballot(
            person, poll=link.poll, choice=3 + (person.pk % 3),
            idempotency_key=secrets.token_urlsafe(12),
        )  # fmt: skip
    actions.close_floor_vote(facilitator, link=link)
    actions.publish_result(facilitator, link=link)
    item = Meeting.objects.get(pk=past.pk).current_item
    actions.save_notes(
        plain[2],
        item=item,
        notes="Rides to court on Thursday: 4 drivers. Childcare: Tía Rosi and Bea.",
    )
    actions.end_meeting(facilitator, meeting=past)
    actions.approve_minutes(
        facilitator, meeting=past, summary="The assembly met within 24 hours of the raid."
    )
    # Put it back in last week, keeping every duration.
    shift = timedelta(days=7)
    Meeting.objects.filter(pk=past.pk).update(
        starts_at=past.starts_at - shift,
        started_at=Meeting.objects.get(pk=past.pk).started_at - shift,
        ended_at=Meeting.objects.get(pk=past.pk).ended_at - shift,
    )
    for agenda_item in AgendaItem.objects.filter(meeting=past).exclude(started_at=None):
        agenda_item.started_at -= shift
        if agenda_item.ended_at:
            agenda_item.ended_at -= shift
        agenda_item.save(update_fields=["started_at", "ended_at"])
    for hand in Hand.objects.filter(item__meeting=past):
        hand.raised_at -= shift
        if hand.called_at:
            hand.called_at -= shift
        hand.save(update_fields=["raised_at", "called_at"])

    # Next: the general assembly, with its agenda.
    upcoming = actions.schedule_meeting(
        facilitator, title="General assembly",
        starts_at=(timezone.now() + timedelta(days=3)).replace(
            hour=19, minute=0, second=0, microsecond=0
        ),
        place="Eastside Branch Library, community room",
        facilitator_ids=[facilitator.pk], note_taker_id=plain[2].pk,
    )  # fmt: skip
    actions.add_item(facilitator, meeting=upcoming, title="Welcome and agreements",
                     planned_minutes=5, speaker_seconds=0)  # fmt: skip
    group = Group.objects.filter(assembly=eastside, name="Rapid Response").first()
    if group is not None:
        actions.add_item(facilitator, meeting=upcoming, title="", kind="report", group=group,
                         planned_minutes=10)  # fmt: skip
    proposal = Proposal.objects.filter(assembly=eastside, state="discussion").first()
    if proposal is not None:
        actions.add_item(facilitator, meeting=upcoming, title="", kind="proposal",
                         proposal=proposal, planned_minutes=25, speaker_seconds=90)  # fmt: skip
    actions.add_item(facilitator, meeting=upcoming, title="Next steps and announcements",
                     planned_minutes=10, speaker_seconds=60)  # fmt: skip
