"""The room's projector (issue 12): at 1920 x 1080 and at 1280 x 720 the whole screen fits
without scrolling, the check-in code is on it, the type is large enough to read from the
back of a hall (no text under 1/45 of the screen's height), and every text meets WCAG AA
contrast against what is behind it. Shown: a running item, a speaker with twelve people
waiting, an open vote and a published round-by-round result.

How checked: with the projector's old styles, the page below was 2,691 px high at
1920 x 1080 and 2,785 px at 1280 x 720, the check-in code began about 2,300 px down, the
item's kind line failed contrast (2.4:1, grey on the dark panel), and at 1920 x 1080 most
texts were under 1/45 of the screen's height.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from decisions import actions as decisions
from meetings import actions
from tests.browser.conftest import (  # noqa: F401  (fixtures)
    _playwright_and_django,
    browser,
    new_person,
    server,
)
from tests.conftest import join, make_user

pytestmark = pytest.mark.browser

# Every visible text: its contrast with the first opaque background behind it, and its size.
MEASURE = """() => {
  function rgba(text) {
    const parts = (text.match(/rgba?\\(([^)]+)\\)/) || [null, ""])[1]
      .split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return parts.length < 3 ? null : {r: parts[0], g: parts[1], b: parts[2],
                                       a: parts.length > 3 ? parts[3] : 1};
  }
  function luminance(c) {
    const f = v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  }
  function behind(el) {
    for (; el; el = el.parentElement) {
      const c = rgba(getComputedStyle(el).backgroundColor);
      if (c && c.a > 0) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  }
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || el.closest("[hidden], .visually-hidden, title, script, style")) continue;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (style.visibility === "hidden" || box.width === 0 || box.height === 0) continue;
    const fg = rgba(style.color), bg = behind(el);
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (parseInt(style.fontWeight, 10) >= 700 && size >= 18.66);
    found.push({text: text.slice(0, 40), ratio: (hi + 0.05) / (lo + 0.05),
                needed: large ? 3 : 4.5, size: size});
  }
  return found;
}"""


def _room(cast):
    """A running meeting with a speaker, twelve waiting, an open vote, a published result."""
    people = [join(make_user(f"p{i}@example.org"), cast.assembly, f"Compañera {i}")
              for i in range(14)]  # fmt: skip
    meeting = actions.schedule_meeting(
        cast.facilitator, title="General assembly of the Eastside tenants",
        starts_at=timezone.now() + timedelta(minutes=5), place="Library",
    )  # fmt: skip
    actions.add_item(cast.facilitator, meeting=meeting, speaker_seconds=90,
                     title="Rent strike: do we join the citywide call?")  # fmt: skip
    actions.start_meeting(cast.facilitator, meeting=meeting)
    meeting.refresh_from_db()
    for person in people:
        actions.check_in(person, meeting=meeting)
        actions.raise_hand(person, item=meeting.current_item)
    actions.call_next(cast.facilitator, item=meeting.current_item)
    done = actions.open_floor_vote(
        cast.facilitator, meeting=meeting, question="Which day for the action?", method="irv",
        options=["Monday", "Wednesday", "Friday", "Saturday"], use_proposal=False, quorum=0,
    )  # fmt: skip
    ballots = [["o3", "o1"]] * 5 + [["o1"]] * 4 + [["o2", "o3"]] * 3 + [["o4", "o2"]] * 2
    for person, ballot in zip(people, ballots, strict=True):
        decisions.cast_ballot(person, poll=done.poll, choice=ballot,
                              idempotency_key=f"irv-{person.pk}-key")  # fmt: skip
    decisions.close_poll(cast.facilitator, poll=done.poll)
    actions.publish_result(cast.facilitator, link=done)
    actions.open_floor_vote(cast.facilitator, meeting=meeting, use_proposal=False,
                            question="Do we join the citywide rent strike?",
                            method="majority", threshold="two_thirds")  # fmt: skip
    meeting.refresh_from_db()
    return meeting


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_the_projector_fits_the_screen_and_reads_from_the_back(cast, server, browser, size):  # noqa: F811
    width, height = size
    meeting = _room(cast)
    page = new_person(browser, width, height)
    page.goto(f"{server.url}/projector/{meeting.pk}/{meeting.projector_token}/")
    expect(page.locator("body")).to_have_attribute("data-live", "open")
    expect(page.locator(".m-result caption")).to_have_text("The count, round by round")
    expect(page.locator("#m-queue li")).to_have_count(12)

    assert page.evaluate("document.documentElement.scrollHeight") <= height
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    def inside(selector):
        box = page.locator(selector).bounding_box()
        assert box is not None, selector
        assert box["x"] >= 0 and box["y"] >= 0, (selector, box)
        assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height, (
            selector, box)  # fmt: skip
        return box

    inside(".projector-qr")
    code = inside(".projector-qr svg")
    assert code["height"] >= height / 4  # large enough to scan from the room
    for key in (
        ".projector-qr svg",
        ".check-in-url",
        "#m-speaker .m-speaker-name",
        "#m-speaker .timer",
        ".m-now .m-title",
        ".m-vote .m-turnout",
        ".m-result .outcome",
        "#m-attendance .quorum",
    ):
        box = inside(key)
        # ... and not cut off by its panel (panels clip what does not fit).
        panel = page.locator(key).locator("xpath=ancestor::*[contains(@class, 'panel')][1]")
        outer = panel.bounding_box()
        assert outer["y"] <= box["y"] and box["y"] + box["height"] <= outer["y"] + outer["height"]

    texts = page.evaluate(MEASURE)
    assert len(texts) > 30
    faint = [t for t in texts if t["ratio"] < t["needed"]]
    assert faint == []
    small = [t for t in texts if t["size"] < height / 45]
    assert small == []
