"""Issue 12's "done when": a whole meeting in real browsers. A facilitator on a laptop
(1280x800), five members on phones (390x844, and Luz on a 320x640 phone with Spanish
chosen on her account), the room's projector (1280x720, not logged in).

The facilitator starts the meeting; members check in and raise hands; speakers are
called; a ranked (IRV) floor vote is opened with the method-first form; members rank on
their phones so that nobody has a majority of first choices (2, 2, 1); closing the vote
asks first, and cancelling changes nothing; the result shows its rounds on the member's
phone, the vote's page and the projector; ending the meeting asks first, is undone, and
ends again. Luz's pages along the way (meeting, ballot, result) hold no English
(tests/spanish.py); axe finds no violation on her phone page and on the console at each
step (tests/browser/axe.py).
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from decisions.models import Poll
from meetings import actions
from meetings.models import Meeting
from tests.browser.axe import add_axe, axe_problems
from tests.browser.conftest import (  # noqa: F401  (fixtures)
    _playwright_and_django,
    browser,
    log_in,
    new_person,
    server,
)
from tests.conftest import PASSWORD, join, make_user
from tests.spanish import WRITTEN, english_in

pytestmark = pytest.mark.browser

TITLE = "Tenants' assembly"
ITEM = "Phone tree"
QUESTION = "Which evening for the phone tree?"
OPTIONS = ["Monday", "Wednesday", "Friday"]  # o1, o2, o3
# Written by people, in English here: not what the check looks for.
PEOPLE_WROTE = [*WRITTEN, TITLE, ITEM, QUESTION, *OPTIONS]

# email: (name, screen, ranks). Round 1: Monday 2, Wednesday 2, Friday 1, no majority of
# 5; Friday is excluded, Paz's next choice goes to Wednesday: 3 of 5 in round 2.
MEMBERS = {
    "member@example.org": ("Ana", (390, 844), {"o1": "1", "o2": "2"}),
    "member2@example.org": ("Luz", (320, 640), {"o2": "1", "o1": "2"}),
    "member3@example.org": ("Mar", (390, 844), {"o1": "1"}),
    "member4@example.org": ("Sol", (390, 844), {"o2": "1"}),
    "member5@example.org": ("Paz", (390, 844), {"o3": "1", "o2": "2"}),
}
SPANISH = "member2@example.org"


def no_english(page, where):
    english, _text = english_in(page.content(), PEOPLE_WROTE)
    assert not english, f"English on Luz's {where}: {english}"


def rounds_shown(page, scope):
    """How many rounds the visible rounds table in `scope` has (its columns)."""
    table = page.locator(f"{scope} .rounds-table")
    expect(table).to_be_visible()
    return table.locator("thead th").count() - 1  # the first column names the options


@pytest.fixture
def meeting(cast):
    """Set up before the browser starts (its event loop would turn away live messages)."""
    for email in list(MEMBERS)[2:]:
        join(make_user(email), cast.assembly, MEMBERS[email][0])
    luz = cast.member2.user
    luz.language = "es"
    luz.save(update_fields=["language"])
    meeting = actions.schedule_meeting(
        cast.facilitator, title=TITLE, starts_at=timezone.now() + timedelta(minutes=5),
    )  # fmt: skip
    actions.add_item(cast.facilitator, meeting=meeting, title=ITEM, speaker_seconds=120)
    return meeting


def test_a_full_meeting_on_a_laptop_and_phones(meeting, server, browser):  # noqa: F811
    base = f"{server.url}/a/eastside/meetings/{meeting.pk}/"
    problems = []

    facilitator = log_in(browser, server, "fac@example.org", PASSWORD)
    add_axe(facilitator.context)
    facilitator.set_viewport_size({"width": 1280, "height": 800})
    facilitator.goto(base + "console/")
    expect(facilitator.locator("body")).to_have_attribute("data-live", "open")
    facilitator.click("text=Start the meeting")
    expect(facilitator.locator("#m-item")).to_contain_text(ITEM)

    projector = new_person(browser, 1280, 720)
    projector.goto(f"{server.url}/projector/{meeting.pk}/{meeting.projector_token}/")
    expect(projector.locator("body")).to_have_attribute("data-live", "open")

    # Members check in on their phones; Ana and Luz raise their hands.
    phones = {}
    for email, (name, (width, height), _ranks) in MEMBERS.items():
        page = log_in(browser, server, email, PASSWORD)
        add_axe(page.context)
        page.set_viewport_size({"width": width, "height": height})
        page.goto(base)
        expect(page.locator("body")).to_have_attribute("data-live", "open")
        page.click(".me-panel form.js-async button[type=submit]")  # check in
        expect(page.locator(".me-panel .ok")).to_be_visible()
        if name in ("Ana", "Luz"):
            page.click("form.hands button[name=kind][value=regular]")
            expect(page.locator(".my-place")).not_to_be_empty()
        phones[email] = page
    expect(projector.locator("#m-attendance strong")).to_have_text("5")
    phone = phones[SPANISH]
    no_english(phone, "meeting page, hand raised")
    problems += axe_problems(phone, "Luz's meeting page, hand raised (320x640)")

    # The facilitator calls the speakers; every screen follows.
    expect(facilitator.locator(".console-queue li strong")).to_have_text(["Ana", "Luz"])
    for name in ("Ana", "Luz"):
        facilitator.click("button.call-next")
        for page in (facilitator, projector, *phones.values()):
            expect(page.locator("#m-speaker")).to_contain_text(name)
    problems += axe_problems(facilitator, "console, Luz speaking (1280x800)")

    # A ranked vote, method first: choosing IRV brings its options field, not the
    # majority's threshold.
    facilitator.select_option("#id_method", "irv")
    expect(facilitator.locator("#id_options")).to_be_visible()
    expect(facilitator.locator("#id_threshold")).to_be_hidden()
    facilitator.fill("#id_question", QUESTION)
    facilitator.fill("#id_options", "\n".join(OPTIONS))
    facilitator.click("#vote-form button[type=submit]")
    expect(facilitator.locator(".now-vote .m-turnout")).to_have_text("0")
    expect(projector.locator(".m-vote")).to_contain_text(QUESTION)
    poll = Poll.objects.get(question=QUESTION)
    assert poll.method == "irv" and poll.state == "open"

    for n, (email, (_name, _size, ranks)) in enumerate(MEMBERS.items(), start=1):
        page = phones[email]
        page.click("#m-votes a.button")  # "Vote now", in the member's language
        expect(page.locator("#rank-o1")).to_be_visible()
        if email == SPANISH:
            no_english(page, "ballot")
            problems += axe_problems(page, "Luz's ballot (320x640)")
        for key, rank in ranks.items():
            page.select_option(f"#rank-{key}", rank)
        page.click("form.ballot button[type=submit]")
        expect(page.locator(".messages")).to_be_visible()
        expect(facilitator.locator(".now-vote .m-turnout")).to_have_text(str(n))
    no_english(phone, "vote page, voted")

    # Closing asks first; cancelling changes nothing.
    dialog = facilitator.locator("dialog.confirm-dialog")
    facilitator.click("button.close-vote")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Close the vote and count?")
    dialog.locator(".confirm-no").click()
    expect(dialog).to_have_count(0)
    expect(facilitator.locator("button.close-vote")).to_be_visible()
    assert Poll.objects.get(pk=poll.pk).state == "open"
    facilitator.click("button.close-vote")
    dialog.locator(".confirm-yes").click()
    expect(facilitator.locator("button.publish")).to_be_visible()
    poll.refresh_from_db()
    assert poll.state == "closed" and poll.result["winners"] == ["o2"], poll.result
    facilitator.click("button.publish")

    # The result, round by round: on the projector, on Luz's phone (the meeting page and
    # the vote's page), in Spanish.
    expect(projector.locator(".m-result .outcome")).to_be_visible()
    assert rounds_shown(projector, ".m-result") >= 2
    expect(projector.locator(".m-result .rounds-table")).to_contain_text("Wednesday")
    phone.goto(base)
    expect(phone.locator("body")).to_have_attribute("data-live", "open")
    assert rounds_shown(phone, "#m-votes .m-result") >= 2
    no_english(phone, "meeting page, result")
    problems += axe_problems(phone, "Luz's meeting page, result (320x640)")
    phone.goto(f"{server.url}/a/eastside/polls/{poll.pk}/")
    assert rounds_shown(phone, "main") >= 2
    expect(phone.locator(".rounds-story")).to_be_visible()
    no_english(phone, "vote page, result")
    problems += axe_problems(phone, "Luz's vote page, result (320x640)")
    problems += axe_problems(facilitator, "console, result shown (1280x800)")

    # Ending asks first, can be undone, and ends again.
    facilitator.click("button.end-meeting")
    expect(dialog).to_contain_text("End the meeting?")
    dialog.locator(".confirm-yes").click()
    expect(facilitator.locator("button.reopen")).to_be_visible()
    assert Meeting.objects.get(pk=meeting.pk).state == "ended"
    phone.goto(base)
    expect(phone.locator(".m-state")).to_contain_text("terminada")
    facilitator.click("button.reopen")
    expect(facilitator.locator("button.end-meeting")).to_be_visible()
    assert Meeting.objects.get(pk=meeting.pk).state == "running"
    facilitator.click("button.end-meeting")
    dialog.locator(".confirm-yes").click()
    expect(facilitator.locator("button.reopen")).to_be_visible()
    assert Meeting.objects.get(pk=meeting.pk).state == "ended"
    problems += axe_problems(facilitator, "console, meeting ended (1280x800)")
    phone.goto(base)
    no_english(phone, "meeting page, ended")
    problems += axe_problems(phone, "Luz's meeting page, ended (320x640)")

    assert not problems, "\n".join(problems)
