"""Groups' writes walked for the whole cast, each checked for its effect (the status
table in tests/permissions/table.py asks every URL and stream as every person).

Signed out: the login page first. Outside the assembly (no membership, another
assembly, suspended): 404, nothing revealed. Inside it: 200, or 403 where the role does
not allow it.
"""

import pytest

from groups import actions
from groups.models import GroupMembership, Post, Signup
from tests.conftest import client_for
from tests.groups.conftest import GROUP_ROLES, post_need, soon

ALL_MEMBERS = {w: 200 for w in ["member", "gmember", "lead", "facilitator", "steward"]}
LEADS = {"member": 403, "gmember": 403, "lead": 200, "facilitator": 403, "steward": 200}
STEWARDS = {"member": 403, "gmember": 403, "lead": 403, "facilitator": 403, "steward": 200}

G = "/a/eastside/groups/rapid-response/"


def expected(table, who):
    """Unless the table says otherwise: signed out, the login page first (issue 12);
    signed in outside the assembly, 404."""
    return table.get(who, 302 if who == "anonymous" else 404)


def test_a_group_of_another_assembly_is_not_found(crew, need):
    client = client_for(crew, "other")
    assert client.get("/a/lincoln/groups/rapid-response/").status_code == 404
    assert client.get(f"/a/lincoln/groups/rapid-response/p/{need.pk}/").status_code == 404
    assert client.get("/a/eastside/groups/no-such-group/").status_code == 404


def test_members_and_leads_are_shown_to_assembly_members_only(crew):
    """Leads are named to every member; the rest of the group only to those who may see
    the assembly's member list (facilitators and stewards by default) and to its leads."""
    page = client_for(crew, "member").get(G).content.decode()
    assert "Marta" in page and "Joaquín" not in page
    for who in ["facilitator", "steward", "lead"]:
        page = client_for(crew, who).get(G).content.decode()
        assert "Marta" in page and "Joaquín" in page
    crew.assembly.member_list_visibility = "members"
    crew.assembly.save()
    page = client_for(crew, "member").get(G).content.decode()
    assert "Marta" in page and "Joaquín" in page
    for who in ["anonymous", "nobody", "other", "suspended"]:
        body = client_for(crew, who).get(G).content.decode()
        assert "Marta" not in body and "Joaquín" not in body


def _state(crew):
    return {
        "groups": crew.assembly.working_groups.count(),
        "rows": sorted(
            GroupMembership.objects.values_list("member__display_name", "status", "is_lead",
                                                "muted")
        ),
        "posts": Post.objects.count(),
        "signups": Signup.objects.count(),
    }  # fmt: skip


def _row(crew, who):
    return GroupMembership.objects.filter(group=crew.group, member=getattr(crew, who)).first()


# name -> (url, data, table of who may, check(crew, who) that the change happened)
POSTS = {
    "create": (
        "/a/eastside/groups/new/",
        lambda c: {
            "name": "Mutual Aid",
            "kind": "mutual_aid",
            "mandate": "",
            "leads": [c.member.pk],
            "join_policy": "open",
        },
        STEWARDS,
        lambda c, who: c.assembly.working_groups.filter(name="Mutual Aid").exists(),
    ),
    "edit": (
        G + "edit/",
        lambda c: {
            "name": "Rapid Response Line",
            "kind": "rapid_response",
            "mandate": "x",
            "join_policy": "approval",
        },
        LEADS,
        lambda c, who: c.assembly.working_groups.filter(name="Rapid Response Line").exists(),
    ),
    "join": (
        G + "join/",
        lambda c: {},
        {"member": 200, "facilitator": 200, "steward": 200, "gmember": 302, "lead": 302},
        lambda c, who: _row(c, who) is not None and _row(c, who).status == "active",
    ),
    "mute": (
        G + "mute/",
        lambda c: {"muted": "1"},
        {"member": 403, "gmember": 200, "lead": 200, "facilitator": 403, "steward": 403},
        lambda c, who: _row(c, who).muted,
    ),
    "post": (
        G + "post/",
        lambda c: {"kind": "update", "title": "Line is staffed", "body": "All night."},
        {"member": 403, "gmember": 403, "lead": 200, "facilitator": 403, "steward": 403},
        lambda c, who: Post.objects.filter(title="Line is staffed").exists(),
    ),
    "sign_up": (
        G + "p/{post}/signup/",
        lambda c: {"operation": "sign_up"},
        ALL_MEMBERS,
        lambda c, who: Signup.objects.filter(member=getattr(c, who)).exists(),
    ),
    "remove": (
        G + "members/",
        lambda c: {"operation": "remove", "target": _row(c, "gmember").pk},
        LEADS,
        lambda c, who: _row(c, "gmember").status == "removed",
    ),
    "make_lead": (
        G + "members/",
        lambda c: {"operation": "make_lead", "target": _row(c, "gmember").pk},
        LEADS,
        lambda c, who: _row(c, "gmember").is_lead,
    ),
    "delete_post": (
        G + "p/{post}/delete/",
        lambda c: {"reason": "duplicate"},
        LEADS,
        lambda c, who: not Post.objects.filter(title="Drop-off watch").exists(),
    ),
    "edit_post": (
        G + "p/{post}/edit/",
        lambda c: {
            "title": "Drop-off watch (moved)",
            "body": "x",
            "starts_at": soon(50).strftime("%Y-%m-%dT%H:%M"),
            "place": "Side gate",
            "wanted": "4",
        },
        LEADS,
        lambda c, who: Post.objects.filter(title="Drop-off watch (moved)").exists(),
    ),
}


@pytest.mark.parametrize("who", GROUP_ROLES)
@pytest.mark.parametrize("name", list(POSTS))
def test_post_matrix(crew, name, who):
    need = post_need(crew)
    url, data, table, changed = POSTS[name]
    before = _state(crew)
    response = client_for(crew, who).post(url.format(post=need.pk), data(crew))
    want = expected(table, who)
    if want == 200:
        assert response.status_code == 302, response.content.decode().split("<main")[-1][:3000]
        assert changed(crew, who)
    else:
        # 302 here: an allowed request that changes nothing (e.g. joining twice).
        assert response.status_code == want
        assert _state(crew) == before


def test_a_lead_of_one_group_cannot_manage_another(crew):
    other = actions.create_group(
        crew.steward, name="Mutual Aid", kind="mutual_aid", leads=[crew.member2]
    )
    actions.join_group(crew.gmember, other)
    row = GroupMembership.objects.get(group=other, member=crew.gmember)
    response = client_for(crew, "lead").post(
        "/a/eastside/groups/mutual-aid/members/", {"operation": "remove", "target": row.pk}
    )
    assert response.status_code == 403
    # Nor through their own group's page, with the other group's row.
    response = client_for(crew, "lead").post(G + "members/", {"operation": "remove",
                                                              "target": row.pk})  # fmt: skip
    assert response.status_code == 400
    row.refresh_from_db()
    assert row.status == "active"


def test_groups_admin_is_for_superusers_only(crew, need):
    client = client_for(crew, "steward")
    assert client.get("/admin/groups/group/").status_code == 302
    crew.steward.user.is_staff = crew.steward.user.is_superuser = True
    crew.steward.user.save()
    for url in ["/admin/groups/group/", f"/admin/groups/group/{crew.group.pk}/change/",
                "/admin/groups/post/", f"/admin/groups/post/{need.pk}/change/",
                "/admin/groups/signup/"]:  # fmt: skip
        assert client.get(url).status_code == 200, url
