"""Voting and raising a hand with the keyboard alone: Tab to the control, Space or the
arrow keys to choose, Enter to send; no click, no mouse. Each control the keyboard lands
on shows where the focus is (an outline), on a phone and on a laptop.

How checked: with `outline: none` on buttons in asamblea.css, the focus check fails;
with the hand buttons made `<span>`s (not focusable), raising a hand fails to reach them.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from decisions import actions as decision_actions
from decisions.models import Participation
from meetings import actions as meeting_actions
from meetings.models import Hand
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

MAX_TABS = 80  # past every link of the header and the page, a control must come


def tab_to(page, selector):
    """Press Tab until the focus is on `selector`; fails if it never gets there."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement?.matches(s)", selector):
            return
    focused = page.evaluate("document.activeElement?.outerHTML.slice(0, 200)")
    raise AssertionError(f"{MAX_TABS} presses of Tab never reached {selector} (at {focused})")


def assert_focus_is_shown(page):
    """The focused element draws an outline (keyboard focus is visible)."""
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth]; }"
    )
    assert style[0] != "none" and style[1] != "0px", style


# The world is made before the browser starts: its event loop on this thread would turn
# away what the actions publish live.
@pytest.fixture
def polls(cast):
    majority = decision_actions.open_poll(cast.facilitator, question="Strike?", method="majority")
    ranked = decision_actions.open_poll(
        cast.facilitator, question="Which day?", method="irv",
        options=["Monday", "Wednesday", "Friday"],
    )  # fmt: skip
    return majority, ranked


@pytest.fixture
def meeting(cast):
    meeting = meeting_actions.schedule_meeting(
        cast.facilitator, title="General assembly", starts_at=timezone.now(), place="Library"
    )
    meeting_actions.add_item(cast.facilitator, meeting=meeting, title="Welcome")
    meeting_actions.start_meeting(cast.facilitator, meeting=meeting)
    return meeting


@pytest.mark.parametrize("size", [(320, 640), (1280, 800)], ids=["phone", "laptop"])
def test_a_member_votes_with_the_keyboard(cast, polls, server, browser, size):
    majority, ranked = polls
    page = log_in(browser, server, "member@example.org", PASSWORD)
    page.set_viewport_size({"width": size[0], "height": size[1]})

    # A yes/no vote: Tab reaches the first answer; the arrow key moves to the next one.
    page.goto(f"{server.url}/a/eastside/polls/{majority.pk}/")
    tab_to(page, "form.ballot input[name=choice]")
    assert_focus_is_shown(page)
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    expect(page.locator("form.ballot input[name=choice][value=no]")).to_be_checked()
    tab_to(page, "form.ballot button[type=submit]")
    assert_focus_is_shown(page)
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Your vote was recorded")
    assert Participation.objects.filter(poll=majority, member=cast.member).count() == 1

    # A ranked vote: each rank is a select the keyboard opens and sets.
    page.goto(f"{server.url}/a/eastside/polls/{ranked.pk}/")
    for key, rank in (("o2", "1"), ("o3", "2")):
        tab_to(page, f"form.ballot select[name=rank-{key}]")
        assert_focus_is_shown(page)
        page.keyboard.type(rank)  # a closed select takes the typed value
        expect(page.locator(f"form.ballot select[name=rank-{key}]")).to_have_value(rank)
    tab_to(page, "form.ballot button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Your vote was recorded")
    assert Participation.objects.filter(poll=ranked, member=cast.member).count() == 1


@pytest.mark.parametrize("size", [(320, 640), (1280, 800)], ids=["phone", "laptop"])
def test_a_member_raises_and_lowers_a_hand_with_the_keyboard(cast, meeting, server, browser, size):
    page = log_in(browser, server, "member@example.org", PASSWORD)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{server.url}/a/eastside/meetings/{meeting.pk}/")

    tab_to(page, ".me-panel form[action$='/check-in/'] button[type=submit]")
    assert_focus_is_shown(page)
    page.keyboard.press("Enter")
    expect(page.locator(".me-panel .ok")).to_be_visible()

    tab_to(page, "form.hands button[value=clarify]")
    assert_focus_is_shown(page)
    page.keyboard.press("Enter")
    expect(page.locator("#queue")).to_contain_text("Your hand is raised")
    hand = Hand.objects.get(member=cast.member)
    assert (hand.kind, hand.state) == ("clarify", "waiting")

    tab_to(page, "#queue input[name=lower] ~ button[type=submit]")
    assert_focus_is_shown(page)
    page.keyboard.press("Enter")
    expect(page.locator("form.hands")).to_be_visible()
    hand.refresh_from_db()
    assert hand.state == "lowered"
