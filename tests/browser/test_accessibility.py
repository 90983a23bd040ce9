"""axe-core finds no WCAG 2.1 A/AA violation on any page, for anyone who can see it, on a
laptop (1280x800) and on a small phone (320x640).

Every HTML page of tests/permissions/table.py, asked as each role the table lets see it
(status 200), plus what the table has only one row for: a vote of every method, open
and closed, secret and named, with ballots and results; the account pages (allauth);
rapid response and trainings come from the table (its world has reports, call-outs, a
training with a public page and a ticket). One world, one server, one browser; one
context per person, pages visited in a loop, each loaded at 1280x800, checked, narrowed to
320x640 and checked again; axe (tests/browser/vendor, axe-core 4.14.1) added to each
document by the driver, with the page's own Content-Security-Policy on (no bypass: what is
checked is what people get).

A failure lists every violation: the rule, its impact, the elements (CSS selectors), the
page, the screen size and who looked. Checked: removing the language select's label
in base.html, and lowering --muted in asamblea.css to #8a8590, each fail here.
"""

import hashlib
import re

import pytest

from decisions import actions as decision_actions
from tests.browser.axe import AXE, SETTLE, VENDOR, axe_violations
from tests.browser.conftest import ACTION_MS, NAVIGATION_MS
from tests.conftest import PASSWORD
from tests.permissions import world as world_module
from tests.permissions.table import CASES

pytestmark = pytest.mark.browser

SIZES = [(1280, 800), (320, 640)]
ROLES = ["anonymous", "member", "lead", "facilitator", "steward"]
SIGNED_IN = ROLES[1:]
EMAILS = {
    "member": "member@example.org",
    "lead": "lead@example.org",
    "facilitator": "fac@example.org",
    "steward": "steward@example.org",
}

# Rows of the table that are not pages: parts a page fetches, exports and feeds. Every
# other row answering 200 is checked, and must be HTML (a new export fails until it is
# listed here).
NOT_PAGES = {
    "group_fragment",
    "board_fragment",
    "board_fragment[compact]",
    "post[a fragment]",
    "proposal[its main part]",
    "proposal[one comment]",
    "meeting_console_panel",
    "meeting_minutes_md",
    "decisions_json",
    "decisions_csv",
    "decisions_markdown",
    "poll_ballots[closed]",
    "poll_ballots[open]",
    "calendar_feed[a member's link]",
    "calendar_feed[a suspended member's link]",
    "my_data_json",
    "report_queue_fragment",
    "report_photo",
}

OPTIONS = ["Monday", "Wednesday", "Friday"]
# A ballot of each method (options are o1, o2, o3 in the order above).
BALLOTS = {
    "majority": ["yes", "no", "yes", "abstain", "yes"],
    "consensus": ["agree", "stand_aside", "agree", "agree", "agree"],
    "single": ["o1", "o2", "o2", "o3", "o2"],
    "approval": [["o1", "o2"], ["o2"], ["o2", "o3"], ["o1"], ["o3"]],
    "irv": [["o1", "o2"], ["o2", "o3"], ["o3", "o2"], ["o2"], ["o1", "o3"]],
    "stv": [["o1", "o2"], ["o2", "o3"], ["o3", "o2"], ["o2"], ["o1", "o3"]],
    "score": [{"o1": 5, "o2": 3}, {"o2": 4}, {"o1": 1, "o3": 5}, {"o2": 2}, {"o3": 3}],
    "dots": [{"o1": 3, "o2": 2}, {"o2": 5}, {"o3": 4}, {"o1": 1, "o3": 1}, {"o2": 2}],
    "temperature": [4, 2, 5, 3, 1],
}
EXTRA = {"stv": {"seats": 2}, "dots": {"dots": 5}, "approval": {"max_choices": 2}}


def build(cast):
    """The permission tables' world, and then what it has only one of."""
    w = world_module.build(cast)
    voters = [w.lead, w.member3, cast.member2, cast.facilitator, cast.steward]
    w.polls = {}
    for n, (method, ballots) in enumerate(BALLOTS.items()):
        options = OPTIONS if method in tally_methods_with_options() else ()
        for state in ("open", "closed"):
            # Closed: alternately secret and named. Open: named with live results, and one
            # secret vote (turnout only); Ana has not voted in any, so she sees the ballot.
            secret = (state == "closed" and n % 2 == 0) or (state == "open" and n == 1)
            poll = decision_actions.open_poll(
                cast.facilitator, question=f"{method.title()} ({state})?", method=method,
                options=options, secret=secret, receipts=secret, **EXTRA.get(method, {}),
            )  # fmt: skip
            cast_by = voters if state == "closed" else voters[:2]
            for i, (voter, ballot) in enumerate(zip(cast_by, ballots, strict=False)):
                decision_actions.cast_ballot(
                    voter, poll=poll, choice=ballot, idempotency_key=f"a11y-{poll.pk}-{i}-key"
                )
            if state == "closed":
                decision_actions.close_poll(cast.facilitator, poll=poll)
            w.polls[f"{method}, {state}{', secret' if secret else ''}"] = poll

    return w


def tally_methods_with_options():
    return {"single", "approval", "irv", "stv", "score", "dots"}


def pages(w):
    """(what, path, roles that see it) for every page checked."""
    found = []
    for case in CASES:
        if case.id in NOT_PAGES:
            continue
        roles = [r for r in ROLES if case.get.get(r) == 200]
        if roles:
            found.append((case.id, case.path(w), roles))
    members = SIGNED_IN
    for label, poll in w.polls.items():
        found.append((f"poll ({label})", f"/a/eastside/polls/{poll.pk}/", members))
    found += [
        ("login", "/accounts/login/", ["anonymous"]),
        ("sign-up", "/accounts/signup/", ["anonymous"]),
        ("password reset", "/accounts/password/reset/", ["anonymous"]),
        ("email addresses", "/accounts/email/", members),
        ("password", "/accounts/password/change/", members),
        ("two-factor", "/accounts/2fa/", members),
        ("a page that is not there", "/a/eastside/no-such-page/", members),
    ]
    return found


def context_for(browser, server, role):
    context = browser.new_context(viewport={"width": SIZES[0][0], "height": SIZES[0][1]})
    context.set_default_timeout(ACTION_MS)
    context.set_default_navigation_timeout(NAVIGATION_MS)
    # axe is added to every document this context opens, before the page's scripts and
    # outside its Content-Security-Policy (which stays on: what is checked is what people
    # get); it only defines window.axe. Added once here, not sent into each page.
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    if role != "anonymous":
        page.goto(f"{server.url}/accounts/login/")
        page.fill("input[name=login]", EMAILS[role])
        page.fill("input[name=password]", PASSWORD)
        page.click("form button[type=submit] >> nth=-1")
        page.wait_for_url(f"{server.url}/")
    return page


@pytest.fixture
def world(cast):
    """Built before the browser starts (its event loop would turn away live messages)."""
    return build(cast)


def test_no_page_has_an_accessibility_violation(world, server, browser):
    w = world
    checked, with_alerts, problems = 0, 0, []
    by_role = {role: [] for role in ROLES}
    for what, path, roles in pages(w):
        for role in roles:
            by_role[role].append((what, path))
    for role, visits in by_role.items():
        page = context_for(browser, server, role)
        for what, path in visits:
            # Loaded on the laptop, then narrowed to the phone: no script here reads the
            # width, so the narrowed page is the page a phone loads (the stylesheet's
            # media queries apply as the window changes).
            page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})
            response = page.goto(server.url + path)
            status = response.status if response else None
            wanted = 404 if what == "a page that is not there" else 200
            kind = response.headers.get("content-type", "") if response else ""
            if status != wanted or not kind.startswith("text/html"):
                problems.append(f"{what} {path} as {role}: {status} {kind}, not an HTML {wanted}")
                continue
            settled = page.evaluate(SETTLE)
            if settled != "settled":
                problems.append(f"{what} {path} as {role}: {settled}")
            with_alerts += page.locator("#alerts .alert").count() > 0
            for width, height in SIZES:
                page.set_viewport_size({"width": width, "height": height})
                where = f"{what} {path} at {width}x{height} as {role}"
                for v in axe_violations(page):
                    targets = ", ".join(v["targets"][:8])
                    more = len(v["targets"]) - 8
                    targets += f" (+{more} more)" if more > 0 else ""
                    problems.append(
                        f"{where}: {v['id']} ({v['impact']}): {v['help']} [{targets}] {v['why']}"
                    )
                checked += 1
        page.context.close()
    assert not problems, f"{len(problems)} problems in {checked} page runs:\n" + "\n".join(problems)
    assert checked > 600, checked  # every page type, at both sizes, for everyone who sees it
    assert with_alerts > 100, (
        with_alerts
    )  # what arrives live (the verified report's banner) was checked


def test_the_vendored_axe_is_the_version_its_readme_names():
    readme = (VENDOR / "README.md").read_text()
    version = re.search(r"axe-core (\d+\.\d+\.\d+)", readme).group(1)
    digest = re.search(r"sha256 ([0-9a-f]{64})", readme).group(1)
    data = AXE.read_bytes()
    assert data.startswith(f"/*! axe v{version}".encode())
    assert hashlib.sha256(data).hexdigest() == digest
