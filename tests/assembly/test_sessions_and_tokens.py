"""Finding 7: sessions and tokens. No replayable invitation token in any session row;
expired sessions purged by the timer; projector links end with their meeting; calendar
links end with the membership; authenticated pages and exports are never cached."""

import re
from datetime import timedelta

from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from assembly import actions
from assembly.models import Membership, User
from decisions.log_views import _digest
from decisions.models import CalendarFeed
from meetings import actions as meeting_actions
from tests.conftest import PASSWORD, client_for


def _every_session_text():
    rows = Session.objects.all()
    return " ".join(f"{row.session_data} {row.get_decoded()}" for row in rows)


def test_no_session_row_holds_the_invitation_token(cast):
    _invitation, token = actions.create_invitation(cast.steward)
    client = Client()
    page = client.get(f"/i/{token}/")
    assert page.status_code == 200
    assert token not in _every_session_text()
    links = re.findall(r'href="(/accounts/[^"]+)"', page.content.decode())
    assert links and not [link for link in links if token in link]  # sign-up, log-in
    response = client.post(
        "/accounts/signup/?next=/i/continue/",
        {"email": "no-token-kept@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert token not in _every_session_text()
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+", mail.outbox[0].body)
    confirmed = client.post(link.group(0).split("testserver", 1)[1])
    assert confirmed["Location"] == "/i/continue/"
    assert token not in _every_session_text()
    # The person chooses a name on a page whose address carries no token.
    assert client.get("/").url == "/i/continue/"
    joined = client.post("/i/continue/", {"display_name": "Nueva"})
    assert joined.status_code == 302
    user = User.objects.get(email="no-token-kept@example.org")
    assert Membership.objects.get(user=user).display_name == "Nueva"
    assert token not in _every_session_text()


def test_the_timer_purges_expired_sessions(cast):
    old = client_for(cast, "member")
    current = client_for(cast, "member2")
    Session.objects.filter(session_key=old.session.session_key).update(
        expire_date=timezone.now() - timedelta(minutes=1)
    )
    call_command("send_notifications")
    keys = set(Session.objects.values_list("session_key", flat=True))
    assert old.session.session_key not in keys
    assert current.session.session_key in keys


def test_a_projector_link_ends_with_its_meeting(cast):
    meeting = meeting_actions.schedule_meeting(
        cast.facilitator, title="General", starts_at=timezone.now() + timedelta(hours=1)
    )
    meeting_actions.add_item(cast.facilitator, meeting=meeting, title="Welcome")
    url = f"/projector/{meeting.pk}/{meeting.projector_token}/"
    assert Client().get(url).status_code == 200
    meeting_actions.start_meeting(cast.facilitator, meeting=meeting)
    assert Client().get(url).status_code == 200
    meeting_actions.end_meeting(cast.facilitator, meeting=meeting)
    assert Client().get(url).status_code == 404
    from meetings import streams

    assert streams.authorize(None, meeting.pk, "projector", token=meeting.projector_token) is None


def test_calendar_links_end_with_suspension_or_removal(cast):
    for operation in (actions.suspend_member, actions.remove_member):
        token = f"feed-{operation.__name__}-" + "z" * 20
        member = cast.member
        CalendarFeed.objects.update_or_create(
            member=member, defaults={"token_digest": _digest(token)}
        )
        assert Client().get(f"/calendar/{token}.ics").status_code == 200
        operation(cast.steward, member=member)
        assert not CalendarFeed.objects.filter(member=member).exists()
        actions.reinstate_member(cast.steward, member=member)
        assert Client().get(f"/calendar/{token}.ics").status_code == 404


def test_leaving_ends_calendar_links_too(cast):
    CalendarFeed.objects.create(member=cast.member2, token_digest=_digest("leave-" + "y" * 20))
    actions.leave_assembly(cast.member2)
    assert not CalendarFeed.objects.filter(member=cast.member2).exists()


def test_authenticated_pages_and_exports_are_never_cached(cast):
    CalendarFeed.objects.create(member=cast.member, token_digest=_digest("cache-" + "x" * 20))
    client = client_for(cast, "member")
    for path in ("/", "/a/eastside/", "/a/eastside/decisions/export.csv",
                 "/a/eastside/decisions/export.json", "/notifications/"):  # fmt: skip
        directives = client.get(path)["Cache-Control"].replace(" ", "").split(",")
        assert "no-store" in directives and "private" in directives, path
    feed = Client().get("/calendar/cache-xxxxxxxxxxxxxxxxxxxx.ics")
    assert "no-store" in feed["Cache-Control"] and "private" in feed["Cache-Control"]
