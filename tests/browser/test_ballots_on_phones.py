"""Ballots on a phone, with JavaScript (issue 12): a secret vote's choices are on the first
screen of a 320 x 640 phone; the browser says which ranks clash before sending, counts the
dots left as they are placed, and asks "vote for none?" before an empty approval ballot.
(Without JavaScript the server does the same: tests/decisions/test_ballot_forms.py.)

How checked: with the old poll page, the first choice of the secret vote below started
709 px down on a 320 x 640 screen, under the seed's 64-character digest; clashing ranks
and too many dots went to the server and came back with every field blank; an empty
approval ballot was cast without a word.
"""

import pytest
from playwright.sync_api import expect

from decisions import actions
from decisions.models import Participation
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _member_on(browser, server, poll, width=390, height=844):
    page = log_in(browser, server, "member@example.org", PASSWORD)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{server.url}/a/eastside/polls/{poll.pk}/")
    expect(page.locator("body")).to_have_attribute("data-live", "open")
    return page


def test_a_secret_votes_first_choice_is_on_the_first_screen_of_a_small_phone(cast, server, browser):
    proposal = actions.draft_proposal(
        cast.member, title="Sanctuary pledge for Lincoln High",
        body="We ask the school board to **adopt** the pledge.",
    )  # fmt: skip
    actions.open_discussion(cast.member, proposal=proposal)
    poll = actions.open_poll(
        cast.facilitator, proposal=proposal, method="majority", secret=True, receipts=True,
        question="Adopt “Sanctuary pledge for Lincoln High”?",
    )  # fmt: skip
    page = _member_on(browser, server, poll, 320, 640)
    first = page.locator("input[name=choice]").first
    box = first.bounding_box()
    assert page.evaluate("window.scrollY") == 0
    assert box is not None and box["y"] + box["height"] <= 640, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # The fairness details are there, folded.
    digest = page.locator("details.fairness code.digest")
    expect(digest).to_be_hidden()
    page.click("details.fairness summary")
    expect(digest).to_have_text(poll.seed_digest)


def test_the_browser_names_clashing_ranks_before_sending(cast, server, browser):
    poll = actions.open_poll(cast.facilitator, question="Which day?", method="irv",
                             options=["Monday", "Wednesday", "Friday"])  # fmt: skip
    page = _member_on(browser, server, poll)
    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    page.on("websocket", lambda ws: ws.on("framesent", lambda f: sent.append(f)
                                          if "ballot.cast" in str(f) else None))  # fmt: skip
    page.select_option("#rank-o1", "1")
    page.select_option("#rank-o3", "1")
    warning = page.locator(".ballot-choices .ballot-error")
    expect(warning).to_have_text(
        "“Monday” and “Friday” share rank 1. Give each option a different rank."
    )
    expect(page.locator("#rank-o3")).to_have_attribute("aria-invalid", "true")
    page.click("form.ballot button[type=submit]")
    expect(page.locator("#rank-o1")).to_be_focused()
    assert sent == []
    assert not Participation.objects.filter(poll=poll).exists()
    page.select_option("#rank-o3", "2")
    expect(warning).to_be_hidden()
    page.click("form.ballot button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Your vote was recorded")
    assert poll.ballots.get().choice == ["o1", "o3"]


def test_dots_left_are_counted_as_they_are_placed(cast, server, browser):
    poll = actions.open_poll(cast.facilitator, question="Where does the money go?",
                             method="dots", dots=4, options=["Food", "Rent", "Bail"])  # fmt: skip
    page = _member_on(browser, server, poll)
    left = page.locator(".dots-left")
    expect(left).to_have_text("Dots left: 4 of 4")
    page.fill("#dots-o1", "3")
    expect(left).to_have_text("Dots left: 1 of 4")
    page.fill("#dots-o3", "2")
    expect(left).to_have_text("Too many dots: 5 placed, 4 allowed. Take some off.")
    page.click("form.ballot button[type=submit]")
    expect(page.locator("#dots-o1")).to_be_focused()
    assert not Participation.objects.filter(poll=poll).exists()
    page.fill("#dots-o3", "1")
    expect(left).to_have_text("Dots left: 0 of 4")
    page.click("form.ballot button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Your vote was recorded")
    assert poll.ballots.get().choice == {"o1": 3, "o3": 1}


def test_an_empty_approval_ballot_asks_vote_for_none(cast, server, browser):
    poll = actions.open_poll(cast.facilitator, question="Who joins the delegation?",
                             method="approval", options=["Ana", "Beto"])  # fmt: skip
    page = _member_on(browser, server, poll)
    asked = []

    def answer(dialog, accept):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, False))
    page.click("form.ballot button[type=submit]")
    expect(page.locator("form.ballot button[type=submit]")).to_be_enabled()
    assert asked == ["You chose no option. Vote for none?"]
    assert not Participation.objects.filter(poll=poll).exists()

    page.once("dialog", lambda d: answer(d, True))
    page.click("form.ballot button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Your vote was recorded")
    assert len(asked) == 2
    assert poll.ballots.get().choice == []
