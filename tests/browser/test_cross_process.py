"""Two ASGI server processes sharing the Redis channel layer: an event caused through
one reaches a client connected to the other. Runs when REDIS_URL is set (CI's second
pass sets it); the in-memory layer cannot cross processes by design."""

import os

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.servers import Server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.redis,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL"),
]


@pytest.fixture
def two_servers(transactional_db):
    first, second = Server().start(), Server().start()
    yield first, second
    first.stop()
    second.stop()


def test_an_event_crosses_from_one_server_process_to_the_other(cast, two_servers, browser):
    first, second = two_servers
    member = log_in(browser, second, "member@example.org", PASSWORD)
    member.goto(f"{second.url}/a/eastside/")
    expect(member.locator("body")).to_have_attribute("data-live", "open")

    steward = log_in(browser, first, "steward@example.org", PASSWORD)
    steward.goto(f"{first.url}/a/eastside/")
    # Presence written through the first process reaches the member on the second.
    expect(member.locator("#online-count")).to_have_text("2")

    steward.goto(f"{first.url}/a/eastside/settings/")
    steward.fill("textarea[name=description]", "Sent through *process one*")
    steward.click("form.stack button[type=submit]")
    expect(member.locator("#assembly-description em")).to_have_text("process one")
