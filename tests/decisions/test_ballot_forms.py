"""Ballots on phones, without JavaScript (issue 12): a refused ballot comes back as it was
filled in with what to change (ranks that clash, named; too many dots); an empty approval
ballot asks "vote for none?" before it counts; fist-to-five and cards say what each value
means; a secret vote's choices come before its fairness details.

How checked: before, two options ranked 1 gave a page with every rank blank and "Give each
option a different rank."; an empty approval ballot was cast at once; fist-to-five offered
bare numbers 0 to 5; the seed digest came before the ballot.
"""

import re

from django.utils import timezone

from assembly.live import Act
from decisions.live_state import cast_over_socket
from decisions.models import Participation
from meetings import actions as meetings
from tests.conftest import client_for
from tests.decisions.conftest import open_vote


def _post(cast, poll, data, who="member"):
    return client_for(cast, who).post(
        f"/a/eastside/polls/{poll.pk}/", {"idempotency_key": "ballot-key-123", **data}
    )


def _selected(page, name):
    """The value selected in the <select name=...>, or ""."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, name
    chosen = re.findall(r'<option value="([^"]*)" selected>', select.group(1))
    return chosen[0] if chosen else ""


def test_ranks_that_clash_come_back_as_entered_naming_the_options(cast):
    poll = open_vote(cast, method="irv", question="Which day?",
                     options=["Monday", "Wednesday", "Friday", "Sunday"])  # fmt: skip
    response = _post(cast, poll, {"rank-o1": "1", "rank-o2": "2", "rank-o3": "1",
                                  "rank-o4": "2", "reason": "Weekdays are hard"})  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "“Monday” and “Friday” share rank 1. “Wednesday” and “Sunday” share rank 2. "
        "Give each option a different rank."
    ) in page
    assert [_selected(page, f"rank-o{n}") for n in range(1, 5)] == ["1", "2", "1", "2"]
    assert page.count('aria-invalid="true"') == 4
    assert ">Weekdays are hard</textarea>" in page
    assert not poll.ballots.exists()
    # The same key goes out again: one ballot however often the form is sent.
    assert 'name="idempotency_key" value="ballot-key-123"' in page
    fixed = _post(cast, poll, {"rank-o1": "1", "rank-o2": "2", "rank-o3": "3"})
    assert fixed.status_code == 302
    assert poll.ballots.get().choice == ["o1", "o2", "o3"]


def test_a_stored_ranking_shows_when_changing_the_vote(cast):
    poll = open_vote(cast, method="irv", options=["A", "B", "C"], allow_change=True)
    assert _post(cast, poll, {"rank-o3": "1", "rank-o1": "2"}).status_code == 302
    page = client_for(cast, "member").get(f"/a/eastside/polls/{poll.pk}/").content.decode()
    assert [_selected(page, f"rank-o{n}") for n in range(1, 4)] == ["2", "", "1"]


def test_dots_state_the_limit_and_too_many_come_back(cast):
    poll = open_vote(cast, method="dots", dots=4, options=["Food", "Rent", "Bail"])
    page = client_for(cast, "member").get(f"/a/eastside/polls/{poll.pk}/").content.decode()
    assert "You have 4 dots. Spread them over the options you like" in page
    assert 'data-left="Dots left: {left} of {total}"' in page
    response = _post(cast, poll, {"dots-o1": "3", "dots-o2": "2"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "You placed 5 dots, but you have only 4. Take some off." in page
    assert 'id="dots-o1" name="dots-o1"' in page and 'value="3"' in page
    assert re.search(r'name="dots-o2"[^>]*value="2"', page)
    assert not poll.ballots.exists()


def test_an_empty_approval_ballot_asks_before_it_counts(cast):
    poll = open_vote(cast, method="approval", options=["Ana", "Beto"])
    asked = _post(cast, poll, {"reason": "None of them"})
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "You chose no option. Vote for none?" in page
    assert '<button type="submit" name="confirm_empty" value="1"' in page
    assert ">None of them</textarea>" in page
    assert not Participation.objects.filter(poll=poll).exists()
    confirmed = _post(cast, poll, {"confirm_empty": "1", "reason": "None of them"})
    assert confirmed.status_code == 302
    assert poll.ballots.get().choice == []


def test_an_approval_ballot_with_choices_is_not_asked_about(cast):
    poll = open_vote(cast, method="approval", options=["Ana", "Beto"])
    assert _post(cast, poll, {"choice": ["o2"]}).status_code == 302


def test_an_empty_ballot_where_a_choice_is_required_is_refused_not_asked(cast):
    poll = open_vote(cast, method="approval", options=["Ana", "Beto"], min_choices=1)
    response = _post(cast, poll, {"confirm_empty": "1"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Vote for none?" not in page and 'name="confirm_empty"' not in page
    assert "Choose at least 1 option (you chose 0)." in page
    assert not poll.ballots.exists()


def test_an_empty_approval_ballot_over_the_socket_needs_the_same_confirmation(cast):
    poll = open_vote(cast, method="approval", options=["Ana", "Beto"])
    data = {"poll": str(poll.pk), "fields": [["idempotency_key", "socket-key-123"]]}
    act = Act(user=cast.member.user, data=data, language="en", arrived=timezone.now())
    [(kind, answer)] = cast_over_socket([act])
    assert kind == "act.refused"
    assert answer["message"] == (
        "You chose no option. Vote for none? Send the ballot again to confirm."
    )
    assert not poll.ballots.exists()
    data["fields"].append(["confirm_empty", "1"])
    [(kind, _answer)] = cast_over_socket([act])
    assert kind == "ballot.recorded"
    assert poll.ballots.get().choice == []


def test_fist_to_five_says_what_each_level_means(cast):
    poll = open_vote(cast, method="temperature", question="How do we feel?")
    page = client_for(cast, "member").get(f"/a/eastside/polls/{poll.pk}/").content.decode()
    levels = re.findall(
        r'<span class="scale-value">(\d)</span> <span class="scale-meaning">([^<]+)</span>', page
    )
    assert [n for n, _meaning in levels] == ["0", "1", "2", "3", "4", "5"]
    assert levels[0][1] == "Fist: I oppose it"
    assert levels[5][1] == "Great; I will help make it happen"


def test_cards_say_what_each_card_means(cast):
    from datetime import timedelta

    from django.utils import timezone

    meeting = meetings.schedule_meeting(
        cast.facilitator, title="GA", place="Hall", starts_at=timezone.now() + timedelta(hours=1)
    )
    meetings.add_item(cast.facilitator, meeting=meeting, title="Rent strike")
    meetings.start_meeting(cast.facilitator, meeting=meeting)
    link = meetings.temperature_check(
        cast.facilitator, meeting=meeting, style="cards", present_only=False
    )
    page = client_for(cast, "member").get(f"/a/eastside/polls/{link.poll.pk}/").content.decode()
    for text in ("Agree: I support it", "Unsure: I have questions", "Disagree: I have concerns"):
        assert text in page


def test_a_secret_votes_choices_come_before_its_fairness_details(cast):
    poll = open_vote(cast, question="Strike?", secret=True, receipts=True)
    page = client_for(cast, "member").get(f"/a/eastside/polls/{poll.pk}/").content.decode()
    choices = page.index('name="choice" value="yes"')
    details = page.index('<details class="fairness">')
    assert choices < details < page.index(poll.seed_digest) < page.index("</details>", details)
    assert "When you vote you get a receipt" in page[details:]
    assert "Nobody can see how anyone voted." in page[details:]


def test_a_proxy_ballot_with_clashing_ranks_comes_back_as_entered(cast):
    from datetime import timedelta

    from django.utils import timezone

    meeting = meetings.schedule_meeting(
        cast.facilitator, title="GA", place="Hall", starts_at=timezone.now() + timedelta(hours=1)
    )
    meetings.add_item(cast.facilitator, meeting=meeting, title="Delegates")
    meetings.start_meeting(cast.facilitator, meeting=meeting)
    meetings.update_settings(cast.steward, progressive="off", count_unregistered=False,
                             proxies_allowed=True, max_proxies=1)  # fmt: skip
    meetings.delegate_vote(cast.member2, meeting=meeting, delegate=cast.member)
    meetings.check_in(cast.member, meeting=meeting)
    link = meetings.open_floor_vote(
        cast.facilitator, meeting=meeting, question="Who?", method="irv",
        options=["Ana", "Beto"], use_proposal=False,
    )  # fmt: skip
    url = f"/a/eastside/meetings/{meeting.pk}/proxy/{link.pk}/{cast.member2.pk}/"
    response = client_for(cast, "member").post(
        url, {"rank-o1": "1", "rank-o2": "1", "idempotency_key": "proxy-key-123"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "“Ana” and “Beto” share rank 1." in page
    assert [_selected(page, "rank-o1"), _selected(page, "rank-o2")] == ["1", "1"]
