"""Playwright driving the system Chromium against the app served by daphne."""

import os

import pytest
from playwright.sync_api import expect

from tests.servers import Server

CHROMIUM = "/usr/bin/chromium"
# Waits sized for a loaded two-core CI machine, where a page load or a live update that
# takes milliseconds on a quiet laptop can take seconds; finite, so a broken page fails.
EXPECT_MS = 30_000  # an expected text or state to appear (Playwright's default is 5 s)
ACTION_MS = 30_000  # a click, a fill
NAVIGATION_MS = 60_000  # a page load
RECONNECT_MS = 90_000  # a dropped socket's retries back off up to 30 s each
expect.set_options(timeout=EXPECT_MS)

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def _playwright_and_django(monkeypatch):
    # Playwright's sync API keeps an event loop on this thread; the test's own database
    # calls between browser steps are plain synchronous ones.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def server(transactional_db):
    running = Server().start()
    yield running
    running.stop()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        if os.environ.get("ASAMBLEA_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing; `make test` as root or .ci/run installs it")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield chromium
        chromium.close()


def new_person(browser, width=390, height=844):
    """A page in a new browser context (a separate person), phone-sized by default."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(ACTION_MS)
    context.set_default_navigation_timeout(NAVIGATION_MS)
    return context.new_page()


def log_in(browser, server, email, password):
    """A new browser context (a separate person) logged in through the real login form."""
    page = new_person(browser)
    page.goto(f"{server.url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit] >> nth=-1")
    page.wait_for_url(f"{server.url}/")
    return page
