"""A training, played by several people in several browsers: it fills, its waitlist
moves up when someone cancels, people are checked in at the door by their ticket's code,
by the list and as walk-ins, and the organiser invites two of them to the assembly."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assembly.models import Invitation
from tests.browser.conftest import (  # noqa: F401  (fixtures)
    _playwright_and_django,
    browser,
    log_in,
    server,
)
from tests.conftest import PASSWORD
from tests.trainings.conftest import tomorrow
from trainings.models import Rsvp, Training

pytestmark = pytest.mark.browser


def wide(page):
    """What sticks out of a narrow screen, to say which element to fix."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll("body *"))
            .filter((e) => e.getBoundingClientRect().right > 322).slice(0, 6)
            .map((e) => e.tagName + "." + e.className)"""
    )


def watch(page, problems):
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))


def guest(chromium):
    """Someone with no account, on their phone."""
    return chromium.new_context(viewport={"width": 360, "height": 740}).new_page()


def test_a_training_fills_moves_its_waitlist_checks_in_and_invites_two(crew, server, browser):  # noqa: F811
    problems = []
    teo = log_in(browser, server, "fac@example.org", PASSWORD)
    watch(teo, problems)
    teo.goto(server.url + "/a/eastside/trainings/new/")
    teo.fill("input[name=title]", "Know your rights")
    teo.fill("input[name=place]", "Library, room B")
    teo.fill("input[name=starts_at]", timezone.localtime(tomorrow()).strftime("%Y-%m-%dT%H:%M"))
    teo.fill("input[name=ends_at]", timezone.localtime(tomorrow(2)).strftime("%Y-%m-%dT%H:%M"))
    teo.fill("input[name=capacity]", "2")
    teo.check("input[name=public]")
    teo.click("form.training-form button[type=submit]")
    expect(teo.locator(".messages")).to_contain_text("The training is on")
    public_link = teo.locator("input.copy").input_value()
    training = Training.objects.get()
    confirmed = teo.locator(f"#training-{training.pk}-confirmed")
    waitlisted = teo.locator(f"#training-{training.pk}-waitlisted")
    expect(confirmed).to_have_text("0")
    teo.evaluate("window.__notReloaded = true")

    # Two members take the two places; Teo's count rises without a reload.
    for email in ("member@example.org", "member2@example.org"):
        member = log_in(browser, server, email, PASSWORD)
        watch(member, problems)
        member.goto(f"{server.url}/a/eastside/trainings/{training.pk}/")
        member.get_by_role("button", name="Sign up").click()
        expect(member.locator(".messages")).to_contain_text("You have a place.")
        if email.startswith("member@"):
            ana = member
    expect(confirmed).to_have_text("2")

    # Two people who are not members sign up on the public page: the waitlist.
    flor = guest(browser)
    watch(flor, problems)
    flor.goto(public_link)
    expect(flor.locator("main")).not_to_contain_text("Eastside")
    expect(flor.locator(".why")).to_contain_text("deleted 30 days after the training")
    flor.fill("input[name=name]", "Flor")
    flor.fill("input[name=contact]", "flor@example.net")
    flor.get_by_role("button", name="Join the waitlist").click()
    expect(flor.locator(".ticket-status")).to_contain_text("number 1 on the waitlist")
    gus = guest(browser)
    gus.goto(public_link)
    gus.fill("input[name=name]", "Gus")
    gus.fill("input[name=contact]", "+1 555 010 2030")
    gus.get_by_role("button", name="Join the waitlist").click()
    expect(gus.locator(".ticket-status")).to_contain_text("number 2 on the waitlist")
    expect(waitlisted).to_have_text("2")

    # Ana cannot come after all: Flor moves up at once.
    ana.get_by_role("button", name="Give back my place").click()
    expect(ana.locator(".messages")).to_contain_text("Your place goes to the next person")
    flor.reload()
    expect(flor.locator(".ticket-status")).to_contain_text("You have a place.")
    expect(flor.locator(".ticket-qr svg")).to_be_visible()
    expect(waitlisted).to_have_text("1")
    expect(confirmed).to_have_text("2")
    assert teo.evaluate("window.__notReloaded") is True

    # The evening of the training, at the door.
    Training.objects.filter(pk=training.pk).update(
        starts_at=timezone.now() - timedelta(minutes=10),
        ends_at=timezone.now() + timedelta(hours=2),
    )
    door = teo.context.new_page()
    watch(door, problems)
    door.goto(f"{server.url}/a/eastside/trainings/{training.pk}/door/")
    came = door.locator(f"#training-{training.pk}-came")
    expect(came).to_have_text("0")
    # Luz is found in the list.
    door.locator(".door-row", has_text="Luz").get_by_role("button", name="Check in").click()
    expect(door.locator(".messages")).to_contain_text("Luz is checked in")
    # Flor shows her ticket's code; Teo's phone camera opens it, with a button.
    scanned = teo.context.new_page()
    watch(scanned, problems)
    scanned.goto(flor.url)
    scanned.get_by_role("button", name="Check Flor in").click()
    expect(scanned.locator(".door-check")).to_contain_text("Flor was checked in at")
    # Hana walks in without signing up.
    door.fill("input[name=name]", "Hana")
    door.fill("input[name=contact]", "hana@example.net")
    door.get_by_role("button", name="Check them in").click()
    expect(door.locator(".messages")).to_contain_text("Hana is checked in")
    expect(came).to_have_text("3")

    # Afterwards Flor leaves a way to reach her and ticks what she would join.
    flor.reload()
    expect(flor.locator(".ticket-status")).to_contain_text("You are checked in")
    flor.check("input[name=wants_membership]")
    flor.get_by_label("Mutual Aid").check()
    flor.get_by_role("button", name="Send").click()
    expect(flor.locator(".messages")).to_contain_text("The organisers will be in touch")

    # Teo turns two lines of the follow-up list into invitations, one action each.
    follow = teo.context.new_page()
    watch(follow, problems)
    follow.goto(f"{server.url}/a/eastside/trainings/{training.pk}/follow-up/")
    expect(follow.locator("table.follow-up")).to_contain_text("Mutual Aid")
    for name in ("Flor", "Hana"):
        row = follow.locator("table.follow-up tr", has_text=name)
        row.get_by_role("button", name="Invite to the assembly").click()
        expect(follow.locator(".messages")).to_contain_text(f"emailed to {name}")
        link = follow.locator(".invitation-link input.copy").input_value()
        assert "/i/" in link
        token = link.rstrip("/").rsplit("/", 1)[1]
        assert Invitation.objects.filter(token_digest=Invitation.digest(token)).exists()
    assert Invitation.objects.count() == 2
    assert not Invitation.objects.filter(token_digest__in=[link]).exists()
    funnel = follow.locator("ol.funnel")
    expect(funnel).to_contain_text("4 signed up")
    expect(funnel).to_contain_text("3 came")
    expect(funnel).to_contain_text("1 asked to join")
    assert Rsvp.objects.filter(invitation__isnull=False).count() == 2
    assert problems == []


@pytest.fixture
def busy(crew):
    from tests.trainings.conftest import people, plan, started
    from trainings import actions

    long = "Biblioteca-Pública-Municipal-Sala-de-Conferencias-" * 3
    training = plan(crew, title=long[:140], place=long[:200], capacity=2)
    for person in people(crew, 3):
        actions.sign_up(person, training)
    flor = actions.public_sign_up(training, name="F" * 60, contact="f" * 50 + "@example.net")
    started(training)
    actions.check_in(crew.facilitator, flor)
    return training, flor


def test_pages_fit_a_320px_phone(busy, server, browser):  # noqa: F811
    training, flor = busy
    page = log_in(browser, server, "fac@example.org", PASSWORD)
    page.set_viewport_size({"width": 320, "height": 640})
    base = f"/a/eastside/trainings/{training.pk}/"
    for path in ["/a/eastside/trainings/", "/a/eastside/trainings/new/", base, base + "edit/",
                 base + "people/", base + "door/", base + "follow-up/", f"/ticket/{flor.ticket}/",
                 f"/t/{training.public_token}/"]:  # fmt: skip
        page.goto(server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (path, width, wide(page))
