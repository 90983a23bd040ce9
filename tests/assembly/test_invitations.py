"""Invitation links: creating, accepting, and every way a link can be bad."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assembly import actions
from assembly.errors import ActionError, NotAllowed
from assembly.models import Invitation, Membership
from tests.conftest import client_for, make_user


def test_a_steward_invites_and_a_person_joins_with_a_pseudonym(cast):
    invitation, token = actions.create_invitation(cast.steward, max_uses=2, label="training")
    newcomer = make_user("new@example.org")
    membership = actions.accept_invitation(newcomer, token=token, display_name="  La   Flaca ")
    assert membership.display_name == "La Flaca"
    assert membership.role == "member"
    invitation.refresh_from_db()
    assert invitation.uses == 1


def test_only_a_digest_of_the_token_is_stored(cast):
    invitation, token = actions.create_invitation(cast.steward)
    assert token not in str(Invitation.objects.filter(pk=invitation.pk).values().get())


def test_an_invitation_can_carry_a_role(cast):
    _inv, token = actions.create_invitation(cast.steward, role="facilitator")
    membership = actions.accept_invitation(
        make_user("f@example.org"), token=token, display_name="F"
    )
    assert membership.role == "facilitator"


@pytest.mark.parametrize("who", ["facilitator", "member"])
def test_only_stewards_invite(cast, who):
    with pytest.raises(NotAllowed):
        actions.create_invitation(getattr(cast, who))


def _refused(token, email="late@example.org"):
    user = make_user(email)
    with pytest.raises(ActionError) as info:
        actions.accept_invitation(user, token=token, display_name="Late")
    assert not Membership.objects.filter(user=user).exists()
    return info.value.message


def test_used_up_link_is_refused(cast):
    invitation, token = actions.create_invitation(cast.steward, max_uses=1)
    actions.accept_invitation(make_user("first@example.org"), token=token, display_name="First")
    assert "not valid" in _refused(token)
    invitation.refresh_from_db()
    assert invitation.uses == 1


def test_expired_link_is_refused(cast):
    invitation, token = actions.create_invitation(cast.steward)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(1))
    assert "not valid" in _refused(token)


def test_revoked_link_is_refused(cast):
    invitation, token = actions.create_invitation(cast.steward)
    actions.revoke_invitation(cast.steward, invitation=invitation)
    assert "not valid" in _refused(token)


@pytest.mark.parametrize(
    "token", ["forged-token-that-never-existed", "", "x", "a" * 500, "../../etc/passwd", "🙂" * 20]
)
def test_forged_or_malformed_tokens_are_refused(cast, token):
    assert "not valid" in _refused(token)


@pytest.mark.parametrize("token", ["forged-token-that-never-existed", "a" * 500, "%00%ff"])
def test_bad_invitation_links_answer_a_clear_404(cast, token):
    response = client_for(cast, "nobody").get(f"/i/{token}/")
    assert response.status_code == 404
    assert "does not work" in response.content.decode()


def test_a_duplicate_display_name_is_refused_and_the_use_not_spent(cast):
    invitation, token = actions.create_invitation(cast.steward)
    with pytest.raises(ActionError, match="already uses that display name"):
        actions.accept_invitation(make_user("dup@example.org"), token=token, display_name="ana")
    invitation.refresh_from_db()
    assert invitation.uses == 0


def test_a_suspended_person_cannot_rejoin_through_a_new_link(cast):
    _inv, token = actions.create_invitation(cast.steward)
    with pytest.raises(ActionError, match="ended by its stewards"):
        actions.accept_invitation(cast.suspended.user, token=token, display_name="Back again")
    cast.suspended.refresh_from_db()
    assert cast.suspended.status == "suspended"


def test_accepting_through_the_page(cast):
    _inv, token = actions.create_invitation(cast.steward)
    client = client_for(cast, "nobody")
    page = client.get(f"/i/{token}/")
    assert page.status_code == 200
    response = client.post(f"/i/{token}/", {"display_name": "Nuevo"})
    assert response.status_code == 302
    assert response["Location"] == "/a/eastside/"
    assert client.get("/a/eastside/").status_code == 200


def test_the_page_keeps_what_was_typed_on_error(cast):
    _inv, token = actions.create_invitation(cast.steward)
    response = client_for(cast, "nobody").post(f"/i/{token}/", {"display_name": "Ana"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "already uses that display name" in body
    assert 'value="Ana"' in body


def test_create_assembly_command_prints_a_working_steward_link(db, capsys):
    from django.core.management import call_command

    call_command("create_assembly", "Hospital Workers' Committee", "--slug", "st-marys")
    out = capsys.readouterr().out
    link = [line for line in out.splitlines() if "/i/" in line][0]
    token = link.rsplit("/i/", 1)[1].strip("/")
    membership = actions.accept_invitation(
        make_user("s@example.org"), token=token, display_name="S"
    )
    assert membership.role == "steward"
    assert membership.assembly.slug == "st-marys"
    with pytest.raises(ActionError):  # one-time
        actions.accept_invitation(make_user("t@example.org"), token=token, display_name="T")


def test_an_invitation_opens_in_the_assemblys_language(cast):
    """...unless the browser asks for a language the site has (issue 12: the browser's
    language wins over the assembly's default), or the person chose one."""
    cast.assembly.language = "es"
    cast.assembly.save()
    _inv, token = actions.create_invitation(cast.steward)
    from django.test import Client

    page = Client().get(f"/i/{token}/")
    assert 'lang="es"' in page.content.decode()
    page = Client().get(f"/i/{token}/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="en"' in page.content.decode()
    chosen = Client()
    chosen.cookies["django_language"] = "en"
    assert 'lang="en"' in chosen.get(f"/i/{token}/").content.decode()
