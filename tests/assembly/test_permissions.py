"""The foundation's permissions beyond the status table (tests/permissions/table.py,
which asks every URL as every kind of person): the member list under each visibility
setting, names shown only to those allowed, and no managing across assemblies.

A private assembly answers 404 to anyone signed in who is not an active member (it does
not reveal that it exists), and the login page to someone signed out (the same for an
assembly that does not exist); a member whose role lacks the permission gets 403.
"""

import pytest

from tests.conftest import ROLES, client_for

MEMBERS_UP = {"member": 200, "facilitator": 200, "steward": 200}
STEWARDS = {"member": 403, "facilitator": 403, "steward": 200}


def expected(table, who):
    return table.get(who, 302 if who == "anonymous" else 404)


@pytest.mark.parametrize("who", ROLES)
def test_member_list_for_all_members(cast, who):
    cast.assembly.member_list_visibility = "members"
    cast.assembly.save()
    response = client_for(cast, who).get("/a/eastside/members/")
    assert response.status_code == expected(MEMBERS_UP, who)


@pytest.mark.parametrize("who", ROLES)
def test_member_list_for_stewards_only(cast, who):
    cast.assembly.member_list_visibility = "stewards"
    cast.assembly.save()
    response = client_for(cast, who).get("/a/eastside/members/")
    assert response.status_code == expected(STEWARDS, who)


def test_hidden_member_list_shows_only_counts(cast):
    response = client_for(cast, "member").get("/a/eastside/members/")
    body = response.content.decode()
    assert "It has 4 members." in body
    assert "Teo" not in body and "Luz" not in body


def test_assembly_home_shows_names_only_to_those_allowed(cast):
    member_page = client_for(cast, "member").get("/a/eastside/").content.decode()
    steward_page = client_for(cast, "steward").get("/a/eastside/").content.decode()
    assert 'id="online-names"' not in member_page
    assert 'id="online-names"' in steward_page
    assert f"assembly:{cast.assembly.pk}:roster" in steward_page
    assert f"assembly:{cast.assembly.pk}:roster" not in member_page


def test_join_page_of_a_private_assembly_is_hidden(cast):
    # Signed out: the login page first, as for any address (nothing is looked up).
    signed_out = client_for(cast, "anonymous").get("/a/eastside/join/")
    assert signed_out.status_code == 302
    assert signed_out["Location"] == "/accounts/login/?next=/a/eastside/join/"
    for who in ["nobody", "member", "steward"]:
        assert client_for(cast, who).get("/a/eastside/join/").status_code == 404


def test_member_of_another_assembly_cannot_manage_across(cast):
    # Lincoln's steward tries to suspend an Eastside member through Lincoln's URL.
    cast.other.role = "steward"
    cast.other.save()
    client = client_for(cast, "other")
    response = client.post(f"/a/lincoln/members/{cast.member.pk}/", {"operation": "suspend"})
    assert response.status_code == 404
    cast.member.refresh_from_db()
    assert cast.member.status == "active"


def test_admin_is_for_superusers_only(cast):
    assert client_for(cast, "steward").get("/admin/").status_code == 302
    cast.steward.user.is_staff = cast.steward.user.is_superuser = True
    cast.steward.user.save()
    assert client_for(cast, "steward").get("/admin/").status_code == 200
    assert client_for(cast, "steward").get("/admin/assembly/assembly/").status_code == 200
