"""The console's "open a vote on this item" question follows the item under discussion
live (issue 9, point 8), until the facilitator writes their own.

How checked: before, after "Next agenda item" the form still asked about the previous
item until the page was reloaded; this test failed on the first expectation.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings import actions
from tests.browser.conftest import (  # noqa: F401  (fixtures)
    _playwright_and_django,
    browser,
    log_in,
    server,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_the_vote_question_follows_the_current_item(cast, server, browser):  # noqa: F811
    meeting = actions.schedule_meeting(cast.facilitator, title="General",
                                       starts_at=timezone.now() + timedelta(minutes=5))  # fmt: skip
    for title in ("Welcome", "Budget for the rapid response line", "Next steps"):
        actions.add_item(cast.facilitator, meeting=meeting, title=title)
    actions.start_meeting(cast.facilitator, meeting=meeting)
    page = log_in(browser, server, "fac@example.org", PASSWORD)
    page.goto(f"{server.url}/a/eastside/meetings/{meeting.pk}/console/")
    expect(page.locator("body")).to_have_attribute("data-live", "open")
    question = page.locator("input[data-follows-item]")
    expect(question).to_have_value("Welcome")
    page.click("button:has-text('Next agenda item')")
    expect(question).to_have_value("Budget for the rapid response line", timeout=15000)
    question.fill("Spend 200 on the hotline?")
    page.click("button:has-text('Next agenda item')")
    expect(page.locator("#m-item")).to_contain_text("Next steps", timeout=15000)
    expect(question).to_have_value("Spend 200 on the hotline?")
