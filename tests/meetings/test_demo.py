"""The demo data gains a minuted past meeting and a scheduled one."""

from django.core.management import call_command

from meetings.models import Meeting, MeetingPoll


def test_seed_demo_adds_meetings(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    past = Meeting.objects.get(state="ended")
    assert past.minutes_state == "approved" and past.attendance.count() == 20
    assert MeetingPoll.objects.get(meeting=past).published
    upcoming = Meeting.objects.get(state="scheduled")
    assert upcoming.items.count() >= 2
