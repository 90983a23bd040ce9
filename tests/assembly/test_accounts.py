"""Accounts: sign-up only through an invitation, verified email, login by code."""

import re

from django.core import mail

from assembly import actions
from assembly.models import Membership, User
from tests.conftest import PASSWORD


def test_sign_up_is_closed_without_an_invitation(client, db):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    assert "closed" in response.content.decode().lower()
    client.post(
        "/accounts/signup/",
        {"email": "x@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert not User.objects.filter(email="x@example.org").exists()


def test_invited_person_signs_up_verifies_email_and_joins(client, cast):
    _inv, token = actions.create_invitation(cast.steward)
    assert client.get(f"/i/{token}/").status_code == 200
    response = client.post(
        f"/accounts/signup/?next=/i/{token}/",
        {
            "email": "Nueva@Example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": f"/i/{token}/",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email__iexact="nueva@example.org")
    # Not logged in until the email address is verified: the login page first.
    assert client.get("/a/eastside/").status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    path = link.group(0).split("testserver", 1)[1]
    confirmed = client.post(path)
    assert confirmed.status_code == 302
    assert confirmed["Location"] == f"/i/{token}/"
    joined = client.post(f"/i/{token}/", {"display_name": "Nueva"})
    assert joined.status_code == 302
    assert Membership.objects.get(user=user).display_name == "Nueva"


def test_log_in_with_a_password(client, cast):
    response = client.post(
        "/accounts/login/", {"login": "member@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/a/eastside/").status_code == 200


def test_log_in_with_a_code_sent_by_email(client, cast):
    response = client.post("/accounts/login/code/", {"email": "member@example.org"})
    assert response.status_code == 302
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.M).group(1)
    confirm = client.post(response["Location"], {"code": code})
    assert confirm.status_code == 302
    assert client.get("/a/eastside/").status_code == 200


def test_language_choice_sticks_to_the_person(client, cast):
    client.force_login(cast.member.user)
    client.post("/language/", {"language": "es", "next": "/a/eastside/"})
    cast.member.user.refresh_from_db()
    assert cast.member.user.language == "es"
    other_browser = client.__class__()
    other_browser.force_login(cast.member.user)
    page = other_browser.get("/a/eastside/").content.decode()
    assert 'lang="es"' in page


def test_language_form_refuses_nonsense_and_foreign_redirects(client, db):
    response = client.post("/language/", {"language": "klingon", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
