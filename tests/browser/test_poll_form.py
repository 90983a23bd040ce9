"""The form that opens a vote asks for the method first, in a real browser (issue 12):
without JavaScript, "Choose" brings the chosen method's fields and keeps the question and
options already typed; with it, the select switches the fields in place and Enter in the
question still sends the vote form (not "Choose").

Checked: with "Choose" as a GET form of its own (before), the question typed first came
back empty and the first test failed.
"""

import pytest
from playwright.sync_api import expect

from decisions.models import Poll
from tests.browser.conftest import (  # noqa: F401  (fixtures)
    ACTION_MS,
    NAVIGATION_MS,
    _playwright_and_django,
    browser,
    server,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def facilitator(browser, server, javascript):  # noqa: F811
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=javascript
    )
    context.set_default_timeout(ACTION_MS)
    context.set_default_navigation_timeout(NAVIGATION_MS)
    page = context.new_page()
    page.goto(f"{server.url}/accounts/login/")
    page.fill("input[name=login]", "fac@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit] >> nth=-1")
    page.wait_for_url(f"{server.url}/")
    page.goto(f"{server.url}/a/eastside/polls/new/")
    return page


def test_choose_without_javascript_keeps_what_was_typed(cast, server, browser):  # noqa: F811
    page = facilitator(browser, server, javascript=False)
    page.fill("#id_question", "Which evening for the phone tree?")
    page.check("#id_secret")
    page.select_option("#poll-method", "irv")
    page.click(".method-choose")
    expect(page.locator("#id_options")).to_be_visible()
    expect(page.locator("#id_threshold")).to_be_hidden()
    expect(page.locator("#id_question")).to_have_value("Which evening for the phone tree?")
    expect(page.locator("#id_secret")).to_be_checked()
    assert not Poll.objects.exists()
    page.fill("#id_options", "Monday\nWednesday\nFriday")
    page.click("#poll-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Which evening for the phone tree?")
    poll = Poll.objects.get()
    assert poll.method == "irv" and poll.secret and poll.options.count() == 3


def test_with_javascript_the_select_switches_and_enter_sends(cast, server, browser):  # noqa: F811
    page = facilitator(browser, server, javascript=True)
    expect(page.locator(".method-choose")).to_be_hidden()
    page.select_option("#poll-method", "consensus")
    expect(page.locator("#id_max_blocks")).to_be_visible()
    expect(page.locator("#id_options")).to_be_hidden()
    page.fill("#id_question", "Paint the office?")
    page.press("#id_question", "Enter")
    expect(page.locator("h1")).to_contain_text("Paint the office?")
    assert Poll.objects.get().method == "consensus"
