"""Results people understand (issue 12): a ranked count shows every round (first
preferences, transfers, who was excluded or elected when) on the poll page, the decision
entry and the meeting's screens, as a real table; a majority vote shows its threshold, its
base and the percentages, and the decision entry names the threshold.

How checked: before, the closed IRV poll below showed only its final counts, "Wednesday 0"
for an option two members ranked first, the decision entry "o2: 0", and a two-thirds vote
"Yes: 5 · No: 1 · Abstain: 2" with nothing saying what was needed.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from decisions import actions
from meetings import actions as meetings
from tests.conftest import client_for, join, make_user
from tests.decisions.conftest import open_vote, vote
from tests.decisions.tables import table

ROUNDS = "The count, round by round"


def _voters(cast, n):
    return [join(make_user(f"voter{i}@example.org"), cast.assembly, f"Voter {i}") for i in range(n)]


def _irv(cast, proposal=None):
    """Monday 3, Wednesday 2, Friday 3 first choices; Wednesday's two go to Friday."""
    voters = _voters(cast, 8)
    poll = open_vote(cast, proposal=proposal, method="irv", question="Which day?", quorum=0,
                     options=["Monday", "Wednesday", "Friday"])  # fmt: skip
    ballots = [["o3", "o1"]] * 3 + [["o1"]] * 3 + [["o2", "o3"]] * 2
    for voter, ballot in zip(voters, ballots, strict=True):
        vote(voter, poll, ballot)
    return actions.close_poll(cast.facilitator, poll=poll)


IRV_TABLE = {
    None: ["Option", "Round 1", "Round 2"],
    "Monday": ["3", "3"],
    "Wednesday": ["2 excluded", "—"],
    "Friday": ["3", "5 +2 elected"],
    "Needed to win (more than half)": ["5", "5"],
    "Ballots with no further choice": ["0", "0"],
}
IRV_STORY = [
    "Round 1: nobody has more than half of the 8 votes still in the count (5 needed). "
    "Wednesday has fewest and is excluded. Its ballots go to their next choice: Friday +2.",
    "Round 2: Friday has more than half of the 8 votes still in the count (5 needed) and wins.",
]


def _page(cast, url, who="member"):
    response = client_for(cast, who).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_poll_page_shows_every_round_of_an_instant_runoff(cast):
    poll = _irv(cast)
    page = _page(cast, f"/a/eastside/polls/{poll.pk}/")
    assert table(page, ROUNDS) == IRV_TABLE
    for line in IRV_STORY:
        assert f"<li>{line}</li>" in page
    assert 'role="region" tabindex="0" aria-label="The count, round by round"' in page


def test_the_decision_entry_shows_the_same_rounds(cast, proposal):
    from decisions.models import Decision

    poll = _irv(cast, proposal=proposal)
    actions.record_decision(cast.facilitator, poll=poll, proposal=poll.proposal)
    entry = Decision.objects.get(poll=poll)
    page = _page(cast, f"/a/eastside/decisions/{entry.sequence}/")
    assert table(page, ROUNDS) == IRV_TABLE
    assert IRV_STORY[0] in page


def test_stv_shows_surpluses_exclusions_and_who_was_elected_when(cast):
    voters = _voters(cast, 8)
    poll = open_vote(cast, method="stv", seats=2, question="Who goes?", quorum=0,
                     options=["Ana", "Beto", "Caro", "Dani"])  # fmt: skip
    ballots = [["o1", "o2"]] * 5 + [["o3"]] * 2 + [["o4", "o3"]]
    for voter, ballot in zip(voters, ballots, strict=True):
        vote(voter, poll, ballot)
    poll = actions.close_poll(cast.facilitator, poll=poll)
    assert poll.result["winners"] == ["o1", "o3"]
    page = _page(cast, f"/a/eastside/polls/{poll.pk}/")
    assert table(page, ROUNDS) == {
        None: ["Option", "Round 1", "Round 2", "Round 3"],
        "Ana": ["5 elected", "3 −2", "3"],
        "Beto": ["0", "2 +2", "2"],
        "Caro": ["2", "2", "3 +1 elected"],
        "Dani": ["1", "1", "— excluded"],
        "Quota": ["3", "3", "3"],
        "Ballots with no further choice": ["0", "0", "0"],
    }
    assert "<li>Round 1: first preferences. Elected with the quota: Ana.</li>" in page
    assert (
        "<li>Round 2: the surplus of Ana (2 votes) passes to the next choices at 0.4 of a "
        "vote each. Transfers: Beto +2.</li>"
    ) in page
    assert (
        "<li>Round 3: Dani has fewest votes and is excluded. Transfers: Caro +1. "
        "Elected with the quota: Caro.</li>"
    ) in page
    assert "2 seats; quota to be elected: 3 votes." in page


def _running_meeting(cast):
    meeting = meetings.schedule_meeting(
        cast.facilitator, title="General assembly", place="Library",
        starts_at=timezone.now() + timedelta(minutes=5),
    )  # fmt: skip
    meetings.add_item(cast.facilitator, meeting=meeting, title="Next action day")
    meetings.start_meeting(cast.facilitator, meeting=meeting)
    return meeting


def test_the_projector_and_the_meeting_page_show_the_rounds(cast):
    voters = _voters(cast, 8)
    meeting = _running_meeting(cast)
    link = meetings.open_floor_vote(
        cast.facilitator, meeting=meeting, question="Which day?", method="irv",
        options=["Monday", "Wednesday", "Friday"], present_only=False, use_proposal=False,
        quorum=0,
    )  # fmt: skip
    ballots = [["o3", "o1"]] * 3 + [["o1"]] * 3 + [["o2", "o3"]] * 2
    for voter, ballot in zip(voters, ballots, strict=True):
        vote(voter, link.poll, ballot)
    actions.close_poll(cast.facilitator, poll=link.poll)
    meetings.publish_result(cast.facilitator, link=link)
    meeting.refresh_from_db()
    projector = client_for(cast, "anonymous").get(
        f"/projector/{meeting.pk}/{meeting.projector_token}/"
    )
    assert projector.status_code == 200
    assert table(projector.content.decode(), ROUNDS) == IRV_TABLE
    # The members' page of the meeting: the same table, and each round told in words.
    page = _page(cast, f"/a/eastside/meetings/{meeting.pk}/")
    assert table(page, ROUNDS) == IRV_TABLE
    assert IRV_STORY[1] in page


def _two_thirds(cast, proposal=None):
    voters = _voters(cast, 8)
    poll = open_vote(cast, proposal=proposal, threshold="two_thirds", quorum=0)
    for voter, answer in zip(voters, ["yes"] * 5 + ["no"] + ["abstain"] * 2, strict=True):
        vote(voter, poll, answer)
    return actions.close_poll(cast.facilitator, poll=poll)


def test_a_majority_vote_shows_its_threshold_base_and_percentages(cast):
    poll = _two_thirds(cast)
    page = _page(cast, f"/a/eastside/polls/{poll.pk}/")
    assert "Two thirds (⅔) of the votes cast, not counting abstentions: 5 of 6 = 83.3%" in page
    assert "Needed to pass: 4 of 6" in page
    assert table(page, "Votes per answer") == {
        None: ["Answer", "Votes", "Share"],
        "Yes": ["5", "83.3%"],
        "No": ["1", "16.7%"],
        "Abstain": ["2", "not counted"],
    }


def test_a_simple_majority_counting_abstentions_says_so(cast):
    voters = _voters(cast, 4)
    poll = open_vote(cast, abstentions_in_base=True, quorum=0)
    for voter, answer in zip(voters, ["yes", "yes", "no", "abstain"], strict=True):
        vote(voter, poll, answer)
    poll = actions.close_poll(cast.facilitator, poll=poll)
    page = _page(cast, f"/a/eastside/polls/{poll.pk}/")
    assert "More than half of the votes cast, abstentions included: 2 of 4 = 50%" in page
    assert table(page, "Votes per answer")["Abstain"] == ["1", "25%"]
    assert poll.outcome == "failed"


def test_the_decision_entry_names_the_threshold(cast, proposal):
    from decisions.models import Decision

    poll = _two_thirds(cast, proposal=proposal)
    assert poll.outcome == "passed"
    entry = Decision.objects.get(poll=poll)
    page = _page(cast, f"/a/eastside/decisions/{entry.sequence}/")
    assert (
        "<dt>Threshold</dt><dd>Two thirds (⅔) of the votes cast, not counting abstentions</dd>"
        in page
    )
    assert "5 of 6 = 83.3%" in page


def test_results_read_in_spanish(cast):
    poll = _two_thirds(cast)
    cast.member.user.language = "es"
    cast.member.user.save(update_fields=["language"])
    page = _page(cast, f"/a/eastside/polls/{poll.pk}/")
    assert "Dos tercios (⅔) de los votos emitidos, sin contar abstenciones: 5 de 6 = 83,3" in page
    assert table(page, "Votos por respuesta")["Sí"] == ["5", "83,3 %"]


@pytest.mark.parametrize("secret_voters", [3])
def test_a_small_secret_vote_still_shows_only_its_outcome(cast, secret_voters):
    voters = _voters(cast, secret_voters)
    poll = open_vote(cast, method="irv", secret=True, quorum=0, options=["A", "B"])
    for voter in voters:
        vote(voter, poll, ["o1", "o2"])
    poll = actions.close_poll(cast.facilitator, poll=poll)
    page = _page(cast, f"/a/eastside/polls/{poll.pk}/")
    assert "only its outcome is published" in page
    assert ROUNDS not in page
