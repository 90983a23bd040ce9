"""Two people in two browsers: a lead posts a need, a member sees it appear without
reload and signs up, and the lead's count moves without reload."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import (  # noqa: F401  (fixtures)
    RECONNECT_MS,
    _playwright_and_django,
    browser,
    log_in,
    server,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

GROUP = "/a/eastside/groups/rapid-response/"


def watch_csp(page, problems):
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None,
    )


def test_a_need_appears_live_and_its_count_moves_live(crew, server, browser):  # noqa: F811
    problems = []
    member = log_in(browser, server, "member@example.org", PASSWORD)
    watch_csp(member, problems)
    member.goto(server.url + GROUP)
    expect(member.locator("body")).to_have_attribute("data-live", "open")
    member.evaluate("window.__notReloaded = true")
    home = member.context.new_page()
    watch_csp(home, problems)
    home.goto(f"{server.url}/a/eastside/")
    expect(home.locator("body")).to_have_attribute("data-live", "open")

    lead = log_in(browser, server, "lead@example.org", PASSWORD)
    watch_csp(lead, problems)
    lead.goto(server.url + GROUP)
    lead.click("summary")
    lead.select_option("select[name=kind]", "need")
    lead.fill("input[name=title]", "Drop-off watch")
    lead.fill("textarea[name=body]", "Stand by the gate in **pairs**.")
    when = timezone.localtime() + timedelta(days=2)
    lead.fill("input[name=starts_at]", when.strftime("%Y-%m-%dT07:30"))
    lead.fill("input[name=place]", "Lincoln High, main gate")
    lead.fill("input[name=wanted]", "3")
    lead.click("form.post-form button[type=submit]")
    expect(lead.locator(".messages")).to_contain_text("Posted.")
    expect(lead.locator("body")).to_have_attribute("data-live", "open")
    lead.evaluate("window.__notReloaded = true")
    expect(lead.locator("#group-stream .need-count")).to_contain_text("0 of 3 signed up")

    # The member sees it arrive, on the group page and on the home page's board.
    card = member.locator("#group-stream article.post-need")
    expect(card).to_contain_text("Drop-off watch")
    expect(card.locator("strong", has_text="pairs")).to_be_visible()
    expect(home.locator("#home-board-items")).to_contain_text("Drop-off watch")
    assert member.evaluate("window.__notReloaded") is True

    # Signing up is a plain form: it works, and the lead's count moves without reload.
    card.get_by_role("button", name="Sign up").click()
    expect(member.locator(".messages")).to_contain_text("You signed up")
    expect(member.locator("#group-stream .need")).to_contain_text("You signed up")
    expect(lead.locator("#group-stream .need-count")).to_contain_text("1 of 3 signed up")
    expect(lead.locator("#group-stream .signed-up")).to_contain_text("Ana")
    expect(home.locator("#home-board-items .need-count")).to_contain_text("1 of 3 signed up")
    assert lead.evaluate("window.__notReloaded") is True
    assert problems == []


def test_pages_fit_a_320px_phone(crew, server, browser):  # noqa: F811
    from groups import actions
    from tests.groups.conftest import post_need

    post_need(crew)
    actions.create_post(crew.lead, crew.group, kind="report", title="Report", body="x " * 200,
                        asks="A long-unbroken-" * 20)  # fmt: skip
    page = log_in(browser, server, "lead@example.org", PASSWORD)
    page.set_viewport_size({"width": 320, "height": 640})
    for path in [GROUP, GROUP + "members/", "/a/eastside/board/", "/a/eastside/groups/",
                 "/a/eastside/"]:  # fmt: skip
        page.goto(server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (path, width)


def test_a_reconnecting_page_catches_up_on_what_it_missed(crew, server, browser):  # noqa: F811
    from groups import actions
    from tests.groups.conftest import post_need

    need = post_need(crew)
    member = log_in(browser, server, "gmember@example.org", PASSWORD)
    member.goto(server.url + GROUP)
    expect(member.locator("body")).to_have_attribute("data-live", "open")
    member.evaluate("window.__notReloaded = true")

    server.stop()
    expect(member.locator("#live-status")).to_be_visible()
    # While this person is disconnected, a report-back lands and the need fills up.
    actions.create_post(crew.lead, crew.group, kind="report", title="While you were away",
                        body="We verified the call on Alder Ave.")  # fmt: skip
    for who in (crew.member, crew.member2, crew.facilitator):
        actions.sign_up(who, need)
    server.start()
    expect(member.locator("#group-stream")).to_contain_text(
        "While you were away", timeout=RECONNECT_MS
    )
    expect(member.locator("#group-stream .need")).to_contain_text("Filled")
    assert member.evaluate("window.__notReloaded") is True
