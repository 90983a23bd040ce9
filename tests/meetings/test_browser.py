"""A facilitator and three members in four browsers, and the room's projector in a fifth
(not logged in): check in, hands of different kinds, the facilitator calls speakers,
everyone sees the same speaker and timer, a floor vote, its turnout and published result."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings import actions
from tests.browser.conftest import (  # noqa: F401  (fixtures)
    _playwright_and_django,
    browser,
    log_in,
    new_person,
    server,
)
from tests.conftest import PASSWORD, join, make_user

pytestmark = pytest.mark.browser


def test_a_meeting_in_five_browsers(cast, server, browser):  # noqa: F811
    join(make_user("member3@example.org"), cast.assembly, "Mar")
    meeting = actions.schedule_meeting(
        cast.facilitator, title="General assembly",
        starts_at=timezone.now() + timedelta(minutes=5), place="Library",
    )  # fmt: skip
    actions.add_item(cast.facilitator, meeting=meeting, title="Rapid response network",
                     speaker_seconds=90)  # fmt: skip
    base = f"{server.url}/a/eastside/meetings/{meeting.pk}/"

    facilitator = log_in(browser, server, "fac@example.org", PASSWORD)
    facilitator.goto(base + "console/")
    expect(facilitator.locator("body")).to_have_attribute("data-live", "open")
    facilitator.click("text=Start the meeting")
    expect(facilitator.locator("#m-item")).to_contain_text("Rapid response network")

    projector = new_person(browser, 1280, 720)
    projector.goto(f"{server.url}/projector/{meeting.pk}/{meeting.projector_token}/")
    expect(projector.locator("body")).to_have_attribute("data-live", "open")
    assert projector.locator("form").count() == 0

    members = {}
    kinds = {"member@example.org": "contribution", "member2@example.org": "clarifying question",
             "member3@example.org": "point of process"}  # fmt: skip
    for email, kind in kinds.items():
        page = log_in(browser, server, email, PASSWORD)
        page.goto(base)
        expect(page.locator("body")).to_have_attribute("data-live", "open")
        page.click("button:has-text('Check in')")
        expect(page.locator(".me-panel .ok")).to_be_visible()
        page.click(f"form.hands button:has-text('{kind}')")
        expect(page.locator("#queue")).to_contain_text("Your hand is raised")
        members[email] = page
    expect(projector.locator("#m-attendance strong")).to_have_text("3")

    # Points of process, then clarifying questions, then contributions.
    queue = facilitator.locator(".console-queue li strong")
    expect(queue).to_have_text(["Mar", "Luz", "Ana"])
    expect(projector.locator("#m-queue li")).to_have_count(3)
    expect(projector.locator("#m-queue li").first).to_contain_text("Mar")

    facilitator.click("text=Call the next speaker")
    screens = [facilitator, projector, *members.values()]
    for page in screens:
        expect(page.locator("#m-speaker")).to_contain_text("Mar")
    ends = {page.locator("#m-speaker .timer").get_attribute("data-ends") for page in screens}
    assert len(ends) == 1 and ends != {None}  # the same server deadline on every screen
    # Each screen counts down from the speaker's 90 seconds (m:ss, time still left).
    for page in screens:
        minutes, seconds = page.locator("#m-speaker .timer").inner_text().split(":")
        assert 0 < int(minutes) * 60 + int(seconds) <= 90

    expect(facilitator.locator(".console-queue li strong")).to_have_text(["Luz", "Ana"])
    facilitator.click("text=Call the next speaker")
    for page in screens:
        expect(page.locator("#m-speaker")).to_contain_text("Luz")

    # A floor vote on the item, for the members present.
    facilitator.fill("#id_question", "Start the phone tree this week?")
    facilitator.select_option("#id_method", "majority")
    facilitator.click("text=Open the vote")
    expect(projector.locator(".m-vote")).to_contain_text("Start the phone tree this week?")
    for n, page in enumerate(members.values(), start=1):
        page.click("#m-votes a:has-text('Vote now')")
        page.check("input[name=choice][value=yes]")
        page.click("form.ballot button[type=submit]")
        expect(page.locator(".messages")).to_contain_text("Your vote was recorded")
        expect(projector.locator(".m-turnout")).to_have_text(str(n))

    facilitator.goto(base + "console/")
    facilitator.click("text=Close the vote and count")
    facilitator.click("dialog.confirm-dialog .confirm-yes")  # it asks first
    facilitator.click("text=Show the result on the screens")
    expect(projector.locator(".m-result .outcome")).to_have_text("passed")
    expect(projector.locator(".m-result")).to_contain_text("Yes 3")

    # The console and the member's page fit a 320 px phone.
    member = members["member@example.org"]
    member.goto(base)
    for page in (facilitator, member):
        page.set_viewport_size({"width": 320, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
