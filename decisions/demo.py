"""Demo proposals, votes and decisions for `manage.py seed_demo`."""

import random
import secrets
from datetime import timedelta

from django.utils import timezone

from assembly.models import Membership

from . import actions, record


def seed(*, eastside, lincoln):
    rng = random.Random(11)
    members = list(Membership.objects.filter(assembly=eastside, status="active").order_by("pk"))
    by_role = {role: [m for m in members if m.role == role] for role in ("steward", "facilitator")}
    facilitator = by_role["facilitator"][0]
    plain = [m for m in members if m.role == "member"]

    def ballots(poll, choose, share=0.8):
        for voter in members:
            if rng.random() < share:
                actions.cast_ballot(
                    voter, poll=poll, choice=choose(voter),
                    idempotency_key=secrets.token_urlsafe(12),
                )  # fmt: skip

    # A passed proposal that became a decision, with follow-through.
    pledge = actions.draft_proposal(
        plain[0],
        title="Ask the school board to adopt a sanctuary pledge",
        body=(
            "The Eastside People's Assembly asks the school board to adopt a **sanctuary "
            "pledge** for every school in the district:\n\n"
            "1. No immigration enforcement on school grounds without a judicial warrant.\n"
            "2. Staff trained on what to do if agents come to a school.\n"
            "3. Families told, in their language, what the district will and will not share."
        ),
    )
    for m in plain[1:4]:
        actions.second_proposal(m, proposal=pledge)
    actions.open_discussion(plain[0], proposal=pledge)
    actions.post_comment(plain[2], proposal=pledge, body="Point 3 matters most to parents I know.")
    poll = actions.open_poll(facilitator, proposal=pledge, question="Adopt the pledge request?",
                             method="majority", threshold="two_thirds")  # fmt: skip
    ballots(poll, lambda m: rng.choice(["yes"] * 8 + ["no", "abstain"]))
    actions.close_poll(facilitator, poll=poll)
    entry = pledge.decisions.first()
    if entry is not None:
        from groups.models import Group

        group = Group.objects.filter(assembly=eastside).order_by("pk").first()
        record.add_action_item(
            facilitator, decision=entry, what="Deliver the request at the next board meeting",
            group=group, due=timezone.localdate() + timedelta(days=10),
        )  # fmt: skip
        record.add_action_item(
            facilitator, decision=entry, what="Translate the pledge into Spanish and Mam",
            assignee=plain[5], due=timezone.localdate() - timedelta(days=3),
        )  # fmt: skip

    # A decision reached by consensus in the room.
    record.record_room_decision(
        facilitator,
        title="Rapid-response reports are verified before anyone shares them",
        text="Nobody posts a sighting until a verifier has confirmed it on the scene.",
        how_reached="consensus, no blocks, two stand-asides",
        entered_counts={"agree": 38, "stand aside": 2},
        meeting="General assembly, Eastside Branch Library",
    )

    # An open ranked-choice vote and a proposal in discussion.
    strategies = actions.open_poll(
        facilitator,
        question="Which three campaigns do we focus on this spring?",
        method="stv",
        seats=3,
        options=["Sanctuary schools", "Hospital access without fear", "Tenant defence",
                 "Court accompaniment", "Know-your-rights trainings"],
        closes_at=timezone.now() + timedelta(days=3),
    )  # fmt: skip
    keys = [o.key for o in strategies.options.all()]
    for voter in members[: len(members) // 2]:
        actions.cast_ballot(
            voter, poll=strategies, choice=rng.sample(keys, rng.randint(2, 5)),
            idempotency_key=secrets.token_urlsafe(12),
        )  # fmt: skip
    tree = actions.draft_proposal(
        plain[6], title="Start a neighbourhood phone tree",
        body="Each block gets two callers who can reach every household within an hour.",
    )  # fmt: skip
    actions.open_discussion(plain[6], proposal=tree)
    actions.propose_amendment(
        plain[7], proposal=tree,
        body="Each block gets two callers, one of them Spanish-speaking, who can reach every "
             "household within an hour.",
        rationale="Half the block speaks Spanish first.",
    )  # fmt: skip
