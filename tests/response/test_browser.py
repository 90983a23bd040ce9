"""Rapid response with several people in several browsers: a report verified by two
verifiers reaches a member reading in Spanish on a phone, live; a call-out is answered
by three and the sender sees the count rise and ends it."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from groups import actions as group_actions
from tests.browser.conftest import (  # noqa: F401  (fixtures)
    _playwright_and_django,
    browser,
    log_in,
    server,
)
from tests.conftest import PASSWORD, join, make_user
from tests.response.test_photos import telltale_jpeg

pytestmark = pytest.mark.browser

PLACE = "5th & Main, outside the laundromat"


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


def test_a_report_verified_by_two_reaches_a_member_live_in_spanish(crew, server, browser):  # noqa: F811
    problems = []
    crew.member2.user.language = "es"
    crew.member2.user.save()
    luz = log_in(browser, server, "member2@example.org", PASSWORD)  # a phone-sized screen
    watch(luz, problems)
    luz.goto(server.url + "/a/eastside/groups/")  # any page of the assembly
    expect(luz.locator("body")).to_have_attribute("data-live", "open")
    luz.evaluate("window.__notReloaded = true")

    # Ana reports what she saw, with a photo straight from her phone.
    ana = log_in(browser, server, "member@example.org", PASSWORD)
    watch(ana, problems)
    ana.goto(server.url + "/a/eastside/reports/new/")
    when = timezone.localtime() - timezone.timedelta(minutes=20)
    ana.fill("input[name=seen_at]", when.strftime("%Y-%m-%dT%H:%M"))
    ana.fill("input[name=place]", PLACE)
    ana.fill("input[name=agents]", "6")
    ana.fill("input[name=uniforms]", "vests marked POLICE ICE")
    ana.fill("input[name=vehicles]", "two unmarked grey SUVs")
    ana.set_input_files("input[name=photo]", files=[
        {"name": "IMG_2231.jpg", "mimeType": "image/jpeg", "buffer": telltale_jpeg()}])  # fmt: skip
    ana.click("form.report-form button[type=submit]")
    expect(ana.locator(".messages")).to_contain_text("The verifiers have your report")
    expect(ana.locator("h2#status-h")).to_contain_text("waiting for verification")

    # The first verifier confirms from the queue: nothing reaches members yet.
    vera = log_in(browser, server, "verifier@example.org", PASSWORD)
    watch(vera, problems)
    vera.goto(server.url + "/a/eastside/reports/queue/")
    vera.get_by_role("link", name=PLACE).click()
    expect(vera.locator(".report-photo img")).to_be_visible()
    vera.get_by_role("button", name="Confirm: I checked it").click()
    expect(vera.locator(".messages")).to_contain_text("You confirmed the report")
    expect(vera.locator("#status-h")).to_contain_text("waiting for verification")
    assert luz.locator("#alerts .alert").count() == 0

    # The second, different verifier confirms and sets how long it is shown.
    victor = log_in(browser, server, "verifier2@example.org", PASSWORD)
    watch(victor, problems)
    victor.goto(vera.url)
    victor.select_option("select[name=expires_in_hours]", "6")
    victor.get_by_role("button", name="Confirm: I checked it").click()
    expect(victor.locator(".report-kind")).to_have_text("Verified report")

    # Luz sees it at once, in Spanish, without reloading.
    banner = luz.locator("#alerts .alert-verified")
    expect(banner).to_contain_text("Reporte verificado")
    expect(banner).to_contain_text(PLACE)
    expect(banner).to_contain_text("6 agentes")
    assert luz.evaluate("window.__notReloaded") is True
    assert luz.evaluate("document.documentElement.scrollWidth") <= 390
    expect(luz.locator("#notification-count")).to_have_text("1")
    banner.get_by_role("link", name=PLACE).click()
    expect(luz.locator(".report-kind")).to_have_text("Reporte verificado")
    expect(luz.locator("h1")).to_have_text(PLACE)
    expect(luz.locator("dl.facts")).to_contain_text("vests marked POLICE ICE")
    photo = luz.locator(".report-photo img")
    expect(photo).to_be_visible()
    # The photo loads, through the permission-checked view (80 pixels wide, as sent).
    # (A property read, not wait_for_function: its string predicate is run with eval when
    # the first check fails, and the page's CSP rightly refuses eval.)
    expect(photo).to_have_js_property("naturalWidth", 80)
    assert "Ana" not in luz.locator("main").inner_text()  # who reported it stays private
    # The banner is shown until dismissed, also on the next page.
    luz.goto(server.url + "/a/eastside/")
    expect(luz.locator("#alerts .alert-verified")).to_contain_text(PLACE)
    luz.get_by_role("button", name="Cerrar", exact=True).click()
    luz.reload()
    expect(luz.locator("body")).to_have_attribute("data-live", "open")
    assert luz.locator("#alerts .alert").count() == 0
    assert problems == []


@pytest.fixture
def network(crew):
    """Two more people in the rapid-response network (set up before the browser starts)."""
    for i, name in enumerate(["Rafa", "Rocío"]):
        person = join(make_user(f"net{i}@example.org"), crew.assembly, name)
        group_actions.join_group(person, crew.network)
    return crew


def test_a_call_out_answered_by_three(network, server, browser):  # noqa: F811
    problems = []
    emails = ["responder@example.org", "net0@example.org", "net1@example.org"]
    responders = []
    for email in emails:
        page = log_in(browser, server, email, PASSWORD)
        watch(page, problems)
        page.goto(server.url + "/a/eastside/")
        expect(page.locator("body")).to_have_attribute("data-live", "open")
        responders.append(page)
    bystander = log_in(browser, server, "member@example.org", PASSWORD)
    bystander.goto(server.url + "/a/eastside/")
    expect(bystander.locator("body")).to_have_attribute("data-live", "open")

    vera = log_in(browser, server, "verifier@example.org", PASSWORD)
    watch(vera, problems)
    vera.goto(server.url + "/a/eastside/callouts/new/")
    vera.fill("input[name=place]", "Laundromat on 5th & Main")
    vera.check("input[name=needs][value=legal_observers]")
    vera.fill("input[name=wanted]", "3")
    expect(vera.get_by_role("checkbox", name="Rapid Response")).to_be_checked()
    vera.click("form.callout-form button[type=submit]")
    expect(vera.locator(".messages")).to_contain_text("The call-out is out")
    count = vera.locator("[id$=-on-way]")
    expect(count).to_have_text("0")
    vera.evaluate("window.__notReloaded = true")

    for n, page in enumerate(responders, start=1):
        banner = page.locator("#alerts .alert-callout")
        expect(banner).to_contain_text("Laundromat on 5th & Main")
        banner.get_by_role("link", name="Answer now").click()
        page.get_by_role("button", name="On my way").click()
        expect(page.locator(".messages")).to_contain_text("They know you are on your way")
        expect(count).to_have_text(str(n))  # the sender's count rises, live
    expect(vera.locator("[id$=-people] li")).to_have_count(3)
    expect(vera.locator("[id$=-people]")).to_contain_text("Rocío")
    assert vera.evaluate("window.__notReloaded") is True
    assert bystander.locator("#alerts .alert").count() == 0  # not in the group: not called

    # One changes her mind; then the sender ends it, and every open page says so.
    responders[0].get_by_role("button", name="Can't").click()
    expect(count).to_have_text("2")
    vera.get_by_role("button", name="End the call-out").click()
    for page in responders[1:]:
        expect(page.locator("[data-callout-closed]")).to_be_visible()
        expect(page.get_by_role("button", name="On my way")).to_be_hidden()
    assert problems == []


@pytest.fixture
def long_texts(crew):
    from response import actions
    from tests.response.conftest import file, verified

    long = "Avenida-de-los-Insurgentes-Sur-esquina-con-Eje-Central-" * 3
    verified(crew, place=long[:200], description="word " * 300)
    file(crew, place="Pending " + long[:150])
    callout = actions.send_callout(crew.verifier, place=long[:200], needs=["witnesses", "drivers"],
                                   wanted=25, groups=[crew.network], details="d" * 900)  # fmt: skip
    return callout


def test_pages_fit_a_320px_phone(long_texts, server, browser):  # noqa: F811
    from response.models import Report

    page = log_in(browser, server, "verifier@example.org", PASSWORD)
    page.set_viewport_size({"width": 320, "height": 640})
    paths = ["/a/eastside/reports/", "/a/eastside/reports/new/", "/a/eastside/reports/queue/",
             "/a/eastside/callouts/", "/a/eastside/callouts/new/",
             f"/a/eastside/callouts/{long_texts.pk}/", "/a/eastside/",
             *[f"/a/eastside/reports/{r.pk}/" for r in Report.objects.all()]]  # fmt: skip
    for path in paths:
        page.goto(server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (path, width, wide(page))
