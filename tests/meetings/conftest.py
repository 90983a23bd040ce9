"""A meeting of the Eastside assembly, for the fixed cast in tests/conftest.py."""

from datetime import timedelta

import pytest
from django.utils import timezone

from meetings import actions


@pytest.fixture
def meeting(cast):
    """Scheduled, with three agenda items, facilitated by Teo."""
    found = actions.schedule_meeting(
        cast.facilitator,
        title="General assembly",
        starts_at=timezone.now() + timedelta(hours=1),
        place="Library room",
    )
    for title, minutes in (("Welcome", 5), ("Rapid response", 20), ("Next steps", 10)):
        actions.add_item(cast.facilitator, meeting=found, title=title, planned_minutes=minutes)
    return found


@pytest.fixture
def running(cast, meeting):
    """The same meeting, started: "Welcome" is the current item."""
    actions.start_meeting(cast.facilitator, meeting=meeting)
    meeting.refresh_from_db()
    return meeting


def current(meeting):
    meeting.refresh_from_db()
    return meeting.current_item
