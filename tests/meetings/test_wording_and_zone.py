"""Issue 12's leftovers on meeting pages: the live turnout says "Voted: 1 of 2 entitled"
and counts people in the right number in Spanish (never "1 votaron", "1 presentes"), on
the member's page, the stream's fragments and the console; the projector (no login)
shows times in the assembly's time zone, not UTC.

Checked: with the turnout lines as they were ("{{ n }} voted of ... · {{ p }} present",
"1 votaron de 2 ..."), the first test fails; without the projector's time zone, the
second shows 19:30 (UTC).
"""

from datetime import UTC, datetime

import pytest

from decisions import actions as decisions
from meetings import actions, streams
from meetings.models import Attendance, MeetingPoll
from tests.conftest import client_for
from tests.meetings.conftest import current
from tests.spanish import english_in

WRONG_NUMBER = ["1 votaron", "votaron 1", "1 presentes", "1 voted"]


@pytest.fixture
def one_ballot(cast, running):
    """Two present, a floor vote for those present, one ballot in it."""
    for person in (cast.member, cast.member2):
        Attendance.objects.create(meeting=running, member=person)
    actions.open_floor_vote(
        cast.facilitator, meeting=running, question="Adopt?", method="majority",
    )  # fmt: skip
    poll = MeetingPoll.objects.get(meeting=running).poll
    decisions.cast_ballot(cast.member, poll=poll, choice="yes", idempotency_key="one-ballot")
    return running


def spanish(cast, who):
    user = getattr(cast, who).user
    user.language = "es"
    user.save(update_fields=["language"])
    return client_for(cast, who)


def test_one_vote_reads_right_in_spanish(cast, one_ballot):
    meeting = one_ballot
    assert current(meeting) is not None
    page = spanish(cast, "member2").get(f"/a/eastside/meetings/{meeting.pk}/").content.decode()
    fragments = streams.meeting_events(meeting.pk, only=f"{meeting.stream}:es")[0][2]["swap"]
    console = spanish(cast, "facilitator").get(f"/a/eastside/meetings/{meeting.pk}/console/")
    console = console.content.decode()
    written = ["Adopt?", "General assembly", "Welcome", "Eastside People's Assembly"]
    for where, html in (("meeting page", page), ("live fragment", fragments["m-votes"])):
        english, text = english_in(html, written)
        assert not english, (where, english)
        assert "Votaron: 1 de 2 con derecho a voto · 2 presentes" in text, (where, text)
        for wrong in WRONG_NUMBER:
            assert wrong not in text, (where, wrong)
    _english, text = english_in(console, written)  # the facilitator's: only these lines
    assert "1 votó de 2 con derecho a voto Cerrar" in text  # the number first: it fits
    for wrong in WRONG_NUMBER:
        assert wrong not in text, ("console", wrong)
    # The console's close confirmation and its list of the meeting's votes.
    assert "Votó 1 de 2 con derecho a voto. Después de esto" in console
    assert "1 votó de 2 con derecho a voto · 2 presentes" in text


def test_one_present_is_singular_in_spanish(cast, running):
    Attendance.objects.create(meeting=running, member=cast.member)
    page = spanish(cast, "member2").get(f"/a/eastside/meetings/{running.pk}/").content.decode()
    _english, text = english_in(page)
    assert "1 presente " in text and "1 presentes" not in text


def test_the_projector_shows_the_assemblys_time(cast, meeting):
    cast.assembly.time_zone = "America/Mexico_City"  # UTC-6, no summer time
    cast.assembly.save(update_fields=["time_zone"])
    meeting.starts_at = datetime(2030, 3, 5, 19, 30, tzinfo=UTC)
    meeting.save(update_fields=["starts_at"])
    page = client_for(cast, "anonymous").get(f"/projector/{meeting.pk}/{meeting.projector_token}/")
    assert page.status_code == 200
    _english, text = english_in(page.content.decode())
    assert "Planned for 03/05/2030 1:30 p.m." in text, text
    # And the live fragments the projector is sent afterwards say the same.
    swap = streams.meeting_events(meeting.pk, only=f"{meeting.stream}:projector")[0][2]["swap"]
    assert "Planned for 03/05/2030 1:30 p.m." in swap["m-item"]
