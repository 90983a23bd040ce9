"""A member, on two devices, downloads their data, logs out everywhere (the other
device's open page loses its live connection at once) and deletes their account."""

import json

import pytest
from playwright.sync_api import expect

from assembly.models import Membership, User
from decisions import actions
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_download_log_out_everywhere_and_delete(cast, server, browser, tmp_path):
    proposal = actions.draft_proposal(cast.member2, title="Sanctuary pledge", body="Adopt it.")
    actions.open_discussion(cast.member2, proposal=proposal)
    actions.post_comment(cast.member, proposal=proposal, body="I second this warmly.")

    phone = log_in(browser, server, "member@example.org", PASSWORD)
    laptop = log_in(browser, server, "member@example.org", PASSWORD)
    laptop.goto(f"{server.url}/a/eastside/")
    expect(laptop.locator("body")).to_have_attribute("data-live", "open")

    # Download my data.
    phone.goto(f"{server.url}/")
    phone.click("text=Account")
    phone.click("nav.subnav >> text=Your data")
    with phone.expect_download() as download:
        phone.click("text=Download my data")
    path = tmp_path / "my-data.json"
    download.value.save_as(path)
    data = json.loads(path.read_text())
    assert data["account"]["email"] == "member@example.org"
    assert "I second this warmly." in json.dumps(data, ensure_ascii=False)
    assert "password" not in data["account"]

    # Two sessions, then log out everywhere.
    phone.click("nav.subnav >> text=Your sessions")
    expect(phone.locator("ul.sessions > li")).to_have_count(2)
    phone.fill("ul.sessions li:has(.badge) input[name=label]", "phone")
    phone.click("ul.sessions li:has(.badge) >> text=Rename")
    expect(phone.locator("ul.sessions")).to_contain_text("phone")
    phone.click("button:text-is('Log out everywhere')")
    expect(phone).to_have_url(f"{server.url}/accounts/login/")
    # The other device's open page was cut off at once, and its next load asks it to log in.
    expect(laptop.locator("#live-status")).to_contain_text("no longer have access")
    laptop.goto(f"{server.url}/a/eastside/")
    expect(laptop).to_have_url(f"{server.url}/accounts/login/?next=/a/eastside/")
    expect(laptop.locator("h1")).to_have_text("Log in")

    # Log in again and delete the account.
    page = log_in(browser, server, "member@example.org", PASSWORD)
    page.goto(f"{server.url}/me/data/")
    page.fill("input[name=confirm]", "member@example.org")
    page.click("text=Delete my account")
    expect(page.locator(".messages")).to_contain_text("Your account is deleted")
    assert not User.objects.filter(email="member@example.org").exists()
    former = Membership.objects.get(pk=cast.member.pk)
    assert former.user_id is None

    # What they wrote is still there, signed "former member".
    other = log_in(browser, server, "member2@example.org", PASSWORD)
    other.goto(f"{server.url}/a/eastside/proposals/{proposal.pk}/")
    comment = other.locator("li.comment", has_text="I second this warmly.")
    expect(comment).to_contain_text("former member")

    # And the account cannot log in any more.
    gone = browser.new_context().new_page()
    gone.goto(f"{server.url}/accounts/login/")
    gone.fill("input[name=login]", "member@example.org")
    gone.fill("input[name=password]", PASSWORD)
    gone.click("form button[type=submit] >> nth=-1")
    expect(gone).to_have_url(f"{server.url}/accounts/login/")
