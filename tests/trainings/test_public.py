"""The pages people reach without an account: the public sign-up page (only the
training, nothing of the assembly, nothing from elsewhere, rate-limited without keeping
any address) and the ticket, whose code an organiser scans at the door."""

import logging
import re

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import models

from tests.conftest import client_for
from tests.trainings.conftest import started
from trainings import actions, views
from trainings.models import Rsvp

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.77"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def public_url(training):
    return f"/t/{training.public_token}/"


def test_the_public_page_shows_only_the_training(crew, training):
    actions.sign_up(crew.member, training)
    response = client_for(crew, "anonymous").get(public_url(training))
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Know your rights" in html
        and "Library, room B" in html
        and "<strong>knock</strong>" in html
    )
    for secret in ("Eastside", "eastside", "Mutual Aid", "Teo", "Ana", "Rosa", "/a/"):
        assert secret not in html, secret
    # Nothing from another host, no inline script.
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<script>" not in html and "vendor/htmx" not in html
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert "default-src 'self'" in response["Content-Security-Policy"]
    # Why it asks, and for how long it keeps what it asks.
    assert "Why we ask, and what we keep" in html and "deleted 30 days after the training" in html


def test_signing_up_gives_a_ticket_and_nothing_of_the_assembly(crew, training):
    client = client_for(crew, "anonymous")
    response = client.post(public_url(training), {"name": "Flor", "contact": "flor@example.net"})
    rsvp = Rsvp.objects.get(name="Flor")
    assert response.status_code == 302 and response["Location"] == f"/ticket/{rsvp.ticket}/"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "You have a place." in html and "<svg" in html and "Flor" in html
    assert "Eastside" not in html and "/a/" not in html
    assert rsvp.contact == "flor@example.net" and rsvp.member is None
    assert page["Referrer-Policy"] == "no-referrer"


def test_a_closed_or_replaced_link_is_not_found(crew, training):
    client = client_for(crew, "anonymous")
    old = public_url(training)
    actions.set_public_page(crew.facilitator, training, enabled=True)
    training.refresh_from_db()
    assert client.get(old).status_code == 404
    assert client.get(public_url(training)).status_code == 200
    actions.set_public_page(crew.facilitator, training, enabled=False)
    assert client.get(public_url(training)).status_code == 404
    assert client.post(old, {"name": "x", "contact": "x@example.net"}).status_code == 404
    assert not Rsvp.objects.exists()


@pytest.mark.parametrize("ticket", ["1-" + "0" * 32, "abc", "1", "99999999999999-" + "a" * 32,
                                    "x" * 59, "1-" + "a" * 31 + "-"])  # fmt: skip
def test_a_forged_ticket_is_not_found(crew, training, ticket):
    actions.public_sign_up(training, name="Flor", contact="flor@example.net")
    assert client_for(crew, "anonymous").get(f"/ticket/{ticket}/").status_code == 404


def test_the_ticket_cancels_and_the_waitlist_moves(crew):
    from tests.trainings.conftest import plan

    training = plan(crew, capacity=1)
    flor = actions.public_sign_up(training, name="Flor", contact="flor@example.net")
    gus = actions.public_sign_up(training, name="Gus", contact="gus@example.net")
    client = client_for(crew, "anonymous")
    assert "number 1 on the waitlist" in client.get(f"/ticket/{gus.ticket}/").content.decode()
    client.post(f"/ticket/{flor.ticket}/", {"operation": "cancel"})
    gus.refresh_from_db()
    assert gus.status == "confirmed"
    assert "You have a place." in client.get(f"/ticket/{gus.ticket}/").content.decode()


def test_an_organiser_scanning_the_code_checks_the_person_in(crew, training):
    flor = actions.public_sign_up(training, name="Flor", contact="flor@example.net")
    started(training)
    url = f"/ticket/{flor.ticket}/"
    # Anyone else holding the link cannot check in.
    for who in ["anonymous", "member2", "other"]:
        client = client_for(crew, who)
        assert "Check Flor in" not in client.get(url).content.decode()
        client.post(url, {"operation": "check_in"})
    flor.refresh_from_db()
    assert flor.checked_in_at is None
    organiser = client_for(crew, "facilitator")
    assert "Check Flor in" in organiser.get(url).content.decode()
    organiser.post(url, {"operation": "check_in"})
    flor.refresh_from_db()
    assert flor.checked_in_by == crew.facilitator
    assert "was checked in at" in organiser.get(url).content.decode()
    # Now she can leave a way to be reached and tick what she would join.
    page = client_for(crew, "anonymous").get(url).content.decode()
    assert "Stay in touch" in page and "Mutual Aid" in page
    client_for(crew, "anonymous").post(url, {"operation": "follow_up", "reach": "+15550102030",
                                             "wants_membership": "on",
                                             "groups": [crew.group.pk]})  # fmt: skip
    flor.refresh_from_db()
    assert flor.reach == "+15550102030" and flor.wants_membership
    assert list(flor.wants_groups.all()) == [crew.group]


def test_sign_ups_are_limited_per_address_and_per_page(crew, training):
    url = public_url(training)
    for i in range(5):
        response = client_for(crew, "anonymous").post(
            url, {"name": f"P{i}", "contact": f"p{i}@example.net"}, REMOTE_ADDR=ADDRESS
        )
        assert response.status_code == 302
    response = client_for(crew, "anonymous").post(
        url, {"name": "P6", "contact": "p6@example.net"}, REMOTE_ADDR=ADDRESS
    )
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    other = client_for(crew, "anonymous").post(
        url, {"name": "Q", "contact": "q@example.net"}, REMOTE_ADDR="198.51.100.9"
    )
    assert other.status_code == 302
    assert Rsvp.objects.count() == 6


def test_the_page_has_a_limit_for_everyone_together(crew, training, monkeypatch):
    monkeypatch.setitem(views.SIGNUP_LIMITS, "per_page", 3)
    codes = [
        client_for(crew, "anonymous").post(
            public_url(training), {"name": f"P{i}", "contact": f"p{i}@example.net"},
            REMOTE_ADDR=f"198.51.100.{i}",
        ).status_code
        for i in range(5)
    ]  # fmt: skip
    assert codes == [302, 302, 302, 429, 429]


def test_no_address_is_kept_anywhere(crew, training, caplog):
    caplog.set_level(logging.DEBUG)
    client = client_for(crew, "anonymous")
    for _ in range(7):
        client.get(public_url(training), REMOTE_ADDR=ADDRESS)
        client.post(public_url(training), {"name": "Flor", "contact": "flor@example.net"},
                    REMOTE_ADDR=ADDRESS)  # fmt: skip
    client.get("/ticket/1-" + "0" * 32 + "/", REMOTE_ADDR=ADDRESS)
    assert Rsvp.objects.exists()
    # Not in any row of any table...
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields
                  if isinstance(f, (models.CharField, models.TextField, models.JSONField,
                                    models.GenericIPAddressField))]  # fmt: skip
        for row in model.objects.values_list(*fields) if fields else []:
            assert ADDRESS not in str(row), model
    # ...nor in a cache key or value, nor in the log.
    for key in cache_keys():
        assert ADDRESS not in key
    assert ADDRESS not in caplog.text


def cache_keys():
    backend = cache._cache if hasattr(cache, "_cache") else None
    if isinstance(backend, dict):  # the local-memory cache
        return list(backend)
    client = cache._cache.get_client(None)
    return [k.decode() for k in client.keys("*")]
