"""Issue 12, "Language, time, and getting in" and "Finding one's way".

- Language: the person's own choice (account, then the cookie), then their browser's
  (Accept-Language), then the assembly's default, on every page of the assembly.
- Each assembly has a time zone: times are entered and shown in it, and its calendar
  feed carries it (TZID with a VTIMEZONE); no event in the feed ends before it starts.
- Signed out, a page of an assembly leads to the login page and back, the same whether
  or not the assembly exists; signed in without access, still "not found".
- The login page does not offer a sign-up that is closed; emails name SITE_NAME.
- The account page and the assembly's menu; lists with open things first.
"""

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from assembly import actions as assembly_actions
from assembly.adapters import INVITATION_SESSION_KEY
from assembly.models import Invitation
from decisions import actions as decision_actions
from decisions.models import CalendarFeed
from meetings.models import Meeting
from tests.conftest import PASSWORD, client_for

LANG = re.compile(r'<html lang="([a-z-]+)"')


def lang_of(response):
    return LANG.search(response.content.decode()).group(1)


def member_client(cast, *, language="", accept=None, cookie=None):
    user = cast.member.user
    user.language = language
    user.save(update_fields=["language"])
    client = Client(headers={"accept-language": accept} if accept else {})
    if cookie:
        client.cookies["django_language"] = cookie
    client.force_login(user)
    return client


# -- language --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "assembly_default, language, cookie, accept, expected",
    [
        ("en", "", None, "es-MX,es;q=0.9", "es"),  # the browser over the default
        ("es", "", None, "en-US,en;q=0.9", "en"),
        ("es", "", None, None, "es"),  # nothing said: the assembly's default
        ("en", "", None, None, "en"),
        ("es", "", None, "de-DE,de;q=0.9", "es"),  # a language the site does not have
        ("es", "en", None, "es", "en"),  # the person's own choice over everything
        ("en", "es", "en", "en", "es"),
        ("es", "", "en", "es", "en"),  # chosen while signed out (cookie) over the browser
    ],
)
def test_who_decides_the_language_of_an_assembly_page(
    cast, assembly_default, language, cookie, accept, expected
):
    cast.assembly.language = assembly_default
    cast.assembly.save(update_fields=["language"])
    client = member_client(cast, language=language, accept=accept, cookie=cookie)
    for path in ("/a/eastside/", "/a/eastside/proposals/", "/a/eastside/meetings/"):
        response = client.get(path)
        assert response.status_code == 200
        assert lang_of(response) == expected, path


def test_an_outsiders_not_found_page_does_not_speak_the_assemblys_language(cast):
    """The default language would tell an outsider that the assembly exists."""
    cast.assembly.language = "es"
    cast.assembly.save(update_fields=["language"])
    outsider = client_for(cast, "other")
    response = outsider.get("/a/eastside/proposals/")
    assert response.status_code == 404
    assert lang_of(response) == "en"


def test_the_invitation_page_speaks_the_browsers_language_over_the_assemblys(cast):
    _invitation, token = assembly_actions.create_invitation(cast.steward, max_uses=2)
    # The assembly speaks Spanish by default: a browser that asks nothing gets Spanish...
    cast.assembly.language = "es"
    cast.assembly.save(update_fields=["language"])
    assert lang_of(Client().get(f"/i/{token}/")) == "es"
    # ...and one that asks for English gets English (before issue 12: Spanish).
    english = Client(headers={"accept-language": "en-GB,en;q=0.8"})
    assert lang_of(english.get(f"/i/{token}/")) == "en"


# -- time zones ------------------------------------------------------------------------


def feed_for(member):
    token = secrets.token_urlsafe(24)
    CalendarFeed.objects.create(
        member=member, token_digest=hashlib.sha256(token.encode()).hexdigest()
    )
    return f"/calendar/{token}.ics"


def test_meeting_times_are_entered_and_shown_in_the_assemblys_time_zone(cast):
    cast.assembly.time_zone = "America/Mexico_City"  # UTC-6 all year since 2022
    cast.assembly.save(update_fields=["time_zone"])
    facilitator = client_for(cast, "facilitator")
    response = facilitator.post(
        "/a/eastside/meetings/new/",
        {"title": "December assembly", "starts_at": "2026-12-08T18:00", "place": "Library"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get(title="December assembly")
    assert meeting.starts_at == datetime(2026, 12, 9, 0, 0, tzinfo=ZoneInfo("UTC"))

    client = member_client(cast, language="es")
    page = client.get(f"/a/eastside/meetings/{meeting.pk}/").content.decode()
    assert "08/12/2026 18:00" in page
    # The same meeting in another assembly's zone reads differently: it is the zone.
    cast.assembly.time_zone = "Europe/Madrid"
    cast.assembly.save(update_fields=["time_zone"])
    page = client.get(f"/a/eastside/meetings/{meeting.pk}/").content.decode()
    assert "09/12/2026 01:00" in page


def test_the_calendar_feed_carries_the_time_zone_and_no_event_ends_before_it_starts(cast):
    from meetings import actions as meeting_actions

    cast.assembly.time_zone = "America/Mexico_City"
    cast.assembly.save(update_fields=["time_zone"])
    planned = meeting_actions.schedule_meeting(
        cast.facilitator, title="December assembly",
        starts_at=datetime(2026, 12, 9, 0, 0, tzinfo=ZoneInfo("UTC")), place="Library",
    )  # fmt: skip
    # A meeting held early: started and ended before its planned start.
    early = meeting_actions.schedule_meeting(
        cast.facilitator, title="Held early", starts_at=timezone.now() + timedelta(hours=5),
        place="Hall",
    )  # fmt: skip
    Meeting.objects.filter(pk=early.pk).update(
        state=Meeting.State.ENDED,
        started_at=timezone.now() - timedelta(hours=1),
        ended_at=timezone.now() - timedelta(minutes=10),
    )
    decision_actions.open_poll(
        cast.facilitator, question="Strike?", method="majority",
        closes_at=timezone.now() + timedelta(days=2),
    )  # fmt: skip

    response = Client().get(feed_for(cast.member))
    assert response.status_code == 200
    body = response.content.decode()
    assert "DTSTART;TZID=America/Mexico_City:20261208T180000" in body
    assert "BEGIN:VTIMEZONE" in body and "TZID:America/Mexico_City" in body
    assert not re.search(r"DT(START|END):\d{8}T\d{6}Z", body), "a time left in UTC"
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 3
    for event in events:
        start = event.decoded("dtstart")
        if "dtend" in event:
            assert event.decoded("dtend") > start, event.get("summary")
    held = next(e for e in events if str(e.get("summary")) == "Held early")
    assert held.decoded("dtstart") < held.decoded("dtend") < timezone.now()
    assert planned.pk  # scheduled above; its start is the TZID line checked


def test_stewards_choose_the_time_zone_from_the_list(cast):
    steward = client_for(cast, "steward")
    data = {
        "name": "Eastside People's Assembly", "description": "", "language": "en",
        "quorum_kind": "percent", "quorum_value": "40", "member_list_visibility": "facilitators",
        "visibility": "private", "seconds_required": "0",
    }  # fmt: skip
    page = steward.get("/a/eastside/settings/").content.decode()
    assert '<option value="America/Mexico_City"' in page
    refused = steward.post("/a/eastside/settings/", {**data, "time_zone": "Mars/Olympus_Mons"})
    assert refused.status_code == 400
    cast.assembly.refresh_from_db()
    assert cast.assembly.time_zone == "UTC"
    saved = steward.post("/a/eastside/settings/", {**data, "time_zone": "Europe/Madrid"})
    assert saved.status_code == 302
    cast.assembly.refresh_from_db()
    assert cast.assembly.time_zone == "Europe/Madrid"
    # Left empty, the zone stays as it was (older forms and scripts do not send it).
    steward.post("/a/eastside/settings/", data)
    cast.assembly.refresh_from_db()
    assert cast.assembly.time_zone == "Europe/Madrid"


# -- getting in ------------------------------------------------------------------------


def test_a_signed_out_visitor_logs_in_and_lands_on_the_page_asked_for(cast):
    visitor = Client()
    asked = "/a/eastside/polls/?x=1"
    response = visitor.get(asked)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/a/eastside/polls/%3Fx%3D1"
    # The same answer for an assembly that does not exist: nothing is revealed.
    missing = visitor.get("/a/no-such-assembly/polls/?x=1")
    assert missing.status_code == 302
    assert missing["Location"] == "/accounts/login/?next=/a/no-such-assembly/polls/%3Fx%3D1"
    logged_in = visitor.post(
        "/accounts/login/",
        {"login": "member@example.org", "password": PASSWORD, "next": asked},
    )
    assert logged_in.status_code == 302
    assert logged_in["Location"] == asked
    assert visitor.get(asked).status_code == 200


def test_signed_in_without_access_is_still_not_found(cast):
    for who in ("nobody", "other", "suspended"):
        assert client_for(cast, who).get("/a/eastside/polls/").status_code == 404, who


def test_the_login_page_offers_sign_up_only_with_an_invitation(cast):
    page = Client().get("/accounts/login/").content.decode()
    assert "/accounts/signup/" not in page
    assert "invitation link" in page
    _invitation, token = assembly_actions.create_invitation(cast.steward, max_uses=2)
    invited = Client()
    invited.get(f"/i/{token}/")
    assert INVITATION_SESSION_KEY in invited.session
    assert Invitation.objects.count() == 1
    assert "/accounts/signup/" in invited.get("/accounts/login/").content.decode()


@override_settings(SITE_NAME="Eastside Assembly", SITE_URL="https://asamblea.example.org")
def test_account_emails_name_the_site(cast):
    Client().post("/accounts/password/reset/", {"email": "member@example.org"})
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Eastside Assembly" in body
    assert "testserver" not in body.split("http")[0], body  # the greeting, not the link


# -- finding one's way -----------------------------------------------------------------


def test_the_account_page_gathers_what_is_ones_own(cast):
    client = client_for(cast, "member")
    home = client.get("/").content.decode()
    assert 'href="/me/"' in home
    page = client.get("/me/").content.decode()
    for link in ("/me/data/", "/me/sessions/", "/notifications/settings/",
                 "/a/eastside/me/", "/accounts/email/"):  # fmt: skip
        assert f'href="{link}"' in page, link
    assert "Ana" in page  # the display name in each assembly
    assert Client().get("/me/").status_code == 302


def test_every_page_of_an_assembly_reaches_its_sections(cast):
    from meetings import actions as meeting_actions

    meeting = meeting_actions.schedule_meeting(
        cast.facilitator, title="General", starts_at=timezone.now(), place="Hall"
    )
    client = client_for(cast, "member")
    sections = ["proposals", "polls", "groups", "meetings", "decisions"]
    for path in ("/a/eastside/", f"/a/eastside/meetings/{meeting.pk}/", "/a/eastside/me/",
                 "/a/eastside/calendar/", "/a/eastside/trainings/"):  # fmt: skip
        page = client.get(path).content.decode()
        menu = page.split('class="assembly-menu"', 1)[1].split("</nav>", 1)[0]
        for section in sections:
            assert f'href="/a/eastside/{section}/"' in menu, (path, section)


def test_vote_and_proposal_lists_put_open_things_first_and_mark_ones_vote(cast):
    old = decision_actions.open_poll(cast.facilitator, question="Old vote", method="majority")
    decision_actions.close_poll(cast.facilitator, poll=old)
    voted = decision_actions.open_poll(cast.facilitator, question="Voted vote", method="majority")
    decision_actions.cast_ballot(
        cast.member, poll=voted, choice="yes", idempotency_key="list-key-1234"
    )
    decision_actions.open_poll(cast.facilitator, question="Pending vote", method="majority")
    # The closed one is the newest: by date alone it would come first.
    type(old).objects.filter(pk=old.pk).update(opened_at=timezone.now() + timedelta(minutes=5))
    page = client_for(cast, "member").get("/a/eastside/polls/").content.decode()
    cards = re.findall(r'<li class="card">(.*?)</li>', page, re.S)
    questions = [re.search(r"<strong>(.*?)</strong>", c).group(1) for c in cards]
    assert questions.index("Old vote") == 2, questions
    marked = {q: "you voted" in c for q, c in zip(questions, cards, strict=True)}
    assert marked == {"Old vote": False, "Voted vote": True, "Pending vote": False}


def test_a_training_that_ends_before_it_starts_is_refused_at_the_field(cast):
    from trainings.models import Training

    starts = timezone.localtime() + timedelta(days=3)
    data = {
        "title": "KYR", "place": "Library", "capacity": "10", "group": "",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    }  # fmt: skip
    response = client_for(cast, "steward").post("/a/eastside/trainings/new/", data)
    assert response.status_code == 400
    form = response.context["form"]
    assert "ends_at" in form.errors, form.errors
    assert not Training.objects.exists()
