"""The cast, plus trainings: "Know your rights" tomorrow evening, organised by the
facilitator for the whole assembly, 3 places, with a public sign-up page; a working group
(Mutual Aid, open) that attendees can ask to join, led by Marta ("lead")."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groups import actions as group_actions
from tests.conftest import ROLES, join, make_user
from trainings import actions

TRAINING_ROLES = [*ROLES, "lead"]


def tomorrow(hours=0):
    """Tomorrow evening: more than a day away, so no reminder is due and the door is shut."""
    return timezone.now().replace(microsecond=0) + timedelta(hours=30 + hours)


def plan(crew, who="facilitator", capacity=3, public=True, **extra):
    fields = {
        "title": "Know your rights",
        "description": "What to do if agents **knock**.",
        "place": "Library, room B",
        "starts_at": tomorrow(),
        "ends_at": tomorrow(2),
        "capacity": capacity,
        "public": public,
        "offered_groups": [crew.group],
    }
    fields.update(extra)
    return actions.create_training(getattr(crew, who), **fields)


@pytest.fixture
def crew(cast):
    cast.lead = join(make_user("lead@example.org"), cast.assembly, "Marta")
    cast.group = group_actions.create_group(
        cast.steward, name="Mutual Aid", kind="mutual_aid", leads=[cast.lead]
    )
    return cast


@pytest.fixture
def training(crew):
    return plan(crew)


def people(crew, n, prefix="p"):
    return [
        join(make_user(f"{prefix}{i}@example.org"), crew.assembly, f"{prefix.upper()} {i}")
        for i in range(n)
    ]


def started(training, hours=1):
    """Move a training into the past by `hours` (check-in and follow-up need it begun)."""
    from trainings.models import Training

    Training.objects.filter(pk=training.pk).update(
        starts_at=timezone.now() - timedelta(hours=hours),
        ends_at=timezone.now() + timedelta(hours=1),
    )
    training.refresh_from_db()
    return training
