"""The privacy page (/privacy/) and the README's privacy defaults, line by line, where no
other test already holds them (tests/PROMISES.md says which test holds which line).

Checked: a session age of three weeks, presence rows kept after the socket leaves,
allauth's user sessions app installed, and a phone field on Membership each fail here.
"""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from assembly import streams
from assembly.models import Presence
from tests.conftest import PASSWORD
from tests.live.conftest import connect, receive_until, subscribe


def test_the_page_is_there_for_everyone(db):
    page = Client().get("/privacy/")
    assert page.status_code == 200
    assert "What this server stores about you" in page.content.decode()


def test_a_login_session_lasts_at_most_two_weeks_and_ends_at_logout(cast):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert settings.SESSION_COOKIE_AGE <= 14 * 24 * 3600
    browser = Client()
    browser.post("/accounts/login/", {"login": "member@example.org", "password": PASSWORD})
    session = Session.objects.get()
    assert session.expire_date <= timezone.now() + timedelta(days=14)
    assert browser.post("/accounts/logout/").status_code == 302
    assert not Session.objects.filter(session_key=session.session_key).exists()


@pytest.mark.django_db(transaction=True)
async def test_being_online_is_noted_while_the_page_is_open_and_forgotten_after(cast):
    """ "While you have an assembly page open, a note that you are online there, deleted
    when you leave and never kept more than a couple of minutes."""
    stream = f"assembly:{cast.assembly.pk}"
    ws = await connect(cast.member.user)
    await subscribe(ws, stream)
    await receive_until(ws, lambda e: e["type"] == "presence.changed")
    count = database_sync_to_async(Presence.objects.filter(membership=cast.member).count)
    assert await count() == 1
    await ws.disconnect()
    assert await count() == 0
    # A note left behind by a socket that vanished without saying goodbye (a crashed
    # server, a phone out of signal) is swept once older than the presence window.
    assert settings.LIVE_PRESENCE_TTL <= 120
    stale = timezone.now() - timedelta(seconds=settings.LIVE_PRESENCE_TTL + 1)
    await database_sync_to_async(Presence.objects.create)(
        channel_name="gone", assembly=cast.assembly, membership=cast.member, seen_at=stale
    )
    await database_sync_to_async(streams._sweep_and_events)(cast.assembly.pk)
    assert await count() == 0


def test_no_app_that_would_keep_addresses_or_third_party_logins_is_installed():
    """README: "no allauth user sessions, no social login"."""
    installed = set(settings.INSTALLED_APPS)
    assert not {a for a in installed if a.startswith(("allauth.usersessions",
                                                      "allauth.socialaccount"))}  # fmt: skip


# Words that would name a column of personal data (an email address is kept, and said so).
PERSONAL = {"phone", "mobile", "address", "surname", "birth", "ip", "agent", "location",
            "street", "city", "zip", "postcode"}  # fmt: skip
NAMES = {"first_name", "last_name", "real_name", "full_name", "legal_name"}


def personal(name):
    words = set(name.lower().replace("email_address", "email").split("_"))
    return name.lower() in NAMES or bool(words & PERSONAL)


def test_nothing_asks_for_a_real_name_phone_or_address():
    """Privacy page: "Your real name, phone number or address: Asamblea never asks for
    them." No table has a column for one (nor for a network address or a browser)."""
    found = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if hasattr(field, "column") and personal(field.name)
    ]
    assert found == []
