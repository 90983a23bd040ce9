"""The cast, plus a working group: Rapid Response (open to all; only leads post), led by
Marta, with Joaquín as a plain group member. Ana ("member") is in the assembly but not
in the group; the steward and the facilitator are not in it either."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groups import actions
from tests.conftest import join, make_user

# Everyone, for the groups' permission matrices.
GROUP_ROLES = [
    "anonymous", "nobody", "other", "suspended",
    "member", "gmember", "lead", "facilitator", "steward",
]  # fmt: skip


@pytest.fixture
def crew(cast):
    cast.lead = join(make_user("lead@example.org"), cast.assembly, "Marta")
    cast.gmember = join(make_user("gmember@example.org"), cast.assembly, "Joaquín")
    cast.group = actions.create_group(
        cast.steward,
        name="Rapid Response",
        kind="rapid_response",
        mandate="Verify reports of raids **before** anyone spreads them.",
        leads=[cast.lead],
    )
    actions.join_group(cast.gmember, cast.group)
    cast.group.refresh_from_db()
    return cast


def soon(hours=30):
    return timezone.now() + timedelta(hours=hours)


def post_need(cast, wanted=3, title="Drop-off watch", **extra):
    return actions.create_post(
        cast.lead,
        cast.group,
        kind="need",
        title=title,
        body="Stand by the gate in pairs.",
        starts_at=extra.pop("starts_at", soon()),
        place=extra.pop("place", "Lincoln High, main gate"),
        wanted=wanted,
        **extra,
    )


@pytest.fixture
def need(crew):
    return post_need(crew)
