"""Three members vote in a live poll from three browsers; each sees turnout rise without
reload; after the facilitator closes it, all see the same final result."""

import pytest
from playwright.sync_api import expect

from decisions import actions
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_three_members_vote_live(cast, server, browser):
    proposal = actions.draft_proposal(
        cast.member, title="Sanctuary pledge", body="Adopt the **pledge**."
    )
    actions.open_discussion(cast.member, proposal=proposal)
    poll = actions.open_poll(
        cast.facilitator, proposal=proposal, question="Adopt the pledge?", method="majority",
        quorum=3,
    )  # fmt: skip
    url = f"{server.url}/a/eastside/polls/{poll.pk}/"
    turnout = f"#poll-{poll.pk}-turnout"

    people = []
    for email in ("member@example.org", "member2@example.org", "steward@example.org"):
        page = log_in(browser, server, email, PASSWORD)
        page.goto(url)
        expect(page.locator("body")).to_have_attribute("data-live", "open")
        page.evaluate("window.__notReloaded = true")
        people.append(page)

    choices = ["yes", "yes", "no"]
    for n, (page, choice) in enumerate(zip(people, choices, strict=True), start=1):
        # Vote in this browser; the others see the turnout rise without reloading.
        page.check(f"input[name=choice][value={choice}]")
        page.click("form.ballot button[type=submit]")
        expect(page.locator(".messages")).to_contain_text("Your vote was recorded")
        for other in people:
            expect(other.locator(turnout)).to_have_text(str(n))
        # Those who have not voted yet saw it without reloading their page.
        for waiting in people[n:]:
            assert waiting.evaluate("window.__notReloaded") is True
    # Live counts (results are live for this poll) reached an open page too.
    expect(people[2].locator(f"#poll-{poll.pk}-count-yes")).to_have_text("2")

    facilitator = log_in(browser, server, "fac@example.org", PASSWORD)
    facilitator.goto(url)
    facilitator.click("text=Close the vote and count")
    facilitator.click("dialog.confirm-dialog .confirm-yes")  # it asks first
    for page in [*people, facilitator]:
        expect(page.locator(".outcome")).to_have_text("passed")
        expect(page.locator("#poll-results table")).to_contain_text("Yes")
    results = {p.locator("#poll-results table").inner_text() for p in [*people, facilitator]}
    assert len(results) == 1


def test_a_ballot_goes_over_the_open_socket_and_falls_back_to_the_form(cast, server, browser):
    """With the page's socket open, voting sends no request: the ballot goes over the
    socket and the vote's part of the page is swapped in. When the socket swallows it (no
    answer), the plain form goes out with the same key, and the ballot counts once.

    How checked: with the socket path removed from decisions.js, the first page posted
    the form (a POST was seen)."""
    from decisions.models import Participation

    poll = actions.open_poll(cast.facilitator, question="Occupy the lobby?", method="majority")
    url = f"{server.url}/a/eastside/polls/{poll.pk}/"
    page = log_in(browser, server, "member@example.org", PASSWORD)
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto(url)
    expect(page.locator("body")).to_have_attribute("data-live", "open")
    page.check("input[name=choice][value=yes]")
    page.click("form.ballot button[type=submit]")
    expect(page.locator(".messages")).to_have_text("Your vote was recorded.")
    expect(page.locator(f"#poll-{poll.pk}-turnout")).to_have_text("1")
    assert posts == []
    assert Participation.objects.filter(poll=poll, member=cast.member).count() == 1

    # A socket that takes the ballot and never answers: the form goes after six seconds.
    other = log_in(browser, server, "member2@example.org", PASSWORD)
    other.route_web_socket("**/ws/live/**", lambda ws: None)  # open, silent
    other.goto(url)
    expect(other.locator("body")).to_have_attribute("data-live", "open")
    other.check("input[name=choice][value=no]")
    other.click("form.ballot button[type=submit]")
    expect(other.locator(".messages")).to_contain_text("Your vote was recorded", timeout=30000)
    assert Participation.objects.filter(poll=poll, member=cast.member2).count() == 1
