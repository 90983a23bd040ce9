"""A vote closes in one browser and the decision appears in the log in another without
reload; a working group's lead marks an action done and the home page reflects it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from decisions import actions, record
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_decision_appears_live_and_follow_through_shows_on_home(cast, server, browser):
    from groups.models import Group, GroupMembership

    proposal = actions.draft_proposal(
        cast.member, title="Know-your-rights cards", body="Print them."
    )
    actions.open_discussion(cast.member, proposal=proposal)
    poll = actions.open_poll(
        cast.facilitator, proposal=proposal, question="Print the cards?", method="majority",
        quorum=1,
    )  # fmt: skip
    for member in (cast.member, cast.member2):
        actions.cast_ballot(member, poll=poll, choice="yes", idempotency_key=f"k{member.pk}-abcdef")

    reader = log_in(browser, server, "member2@example.org", PASSWORD)
    reader.goto(f"{server.url}/a/eastside/decisions/")
    expect(reader.locator("body")).to_have_attribute("data-live", "open")
    reader.evaluate("window.__notReloaded = true")
    expect(reader.locator("#decision-log")).to_contain_text("No decisions match")

    facilitator = log_in(browser, server, "fac@example.org", PASSWORD)
    facilitator.goto(f"{server.url}/a/eastside/polls/{poll.pk}/")
    facilitator.click("text=Close the vote and count")
    facilitator.click("dialog.confirm-dialog .confirm-yes")  # it asks first
    expect(facilitator.locator(".outcome")).to_have_text("passed")

    expect(reader.locator("#decision-log")).to_contain_text("Know-your-rights cards")
    assert reader.evaluate("window.__notReloaded") is True

    # Follow-through: an overdue action for a working group, led by the member.
    group = Group.objects.create(assembly=cast.assembly, name="Know Your Rights", slug="kyr")
    GroupMembership.objects.create(group=group, member=cast.member, is_lead=True)
    entry = poll.decisions.get()
    item = record.add_action_item(
        cast.facilitator, decision=entry, what="Print 500 cards", group=group,
        due=timezone.localdate() - timedelta(days=1),
    )  # fmt: skip
    home = log_in(browser, server, "steward@example.org", PASSWORD)
    home.goto(f"{server.url}/a/eastside/")
    expect(home.locator("#overdue-actions")).to_contain_text("Print 500 cards")

    lead = log_in(browser, server, "member@example.org", PASSWORD)
    lead.goto(f"{server.url}/a/eastside/decisions/{entry.sequence}/")
    lead.select_option(f"#status-{item.pk}", "done")
    lead.click(f"#action-{item.pk} button[type=submit]")
    expect(lead.locator(f"#action-{item.pk}")).to_contain_text("done")
    expect(home.locator("#decisions-section")).not_to_contain_text("Print 500 cards")
