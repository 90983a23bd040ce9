"""Stewards manage members; each change is audited and told to the person's sockets."""

import pytest

from assembly import actions, live
from assembly.errors import ActionError, NotAllowed
from assembly.models import AuditEntry, JoinRequest, Membership
from tests.conftest import client_for


def test_suspension_is_audited_and_tells_the_persons_sockets(cast, capture_live):
    with capture_live() as sent:
        actions.suspend_member(cast.steward, member=cast.member, reason="disrupted the meeting")
    assert sent == [
        (
            live.user_group(cast.member.user_id),
            {"type": "live.access", "assembly_id": cast.assembly.pk},
        )
    ]
    entry = AuditEntry.objects.get(verb="member.suspended")
    assert (entry.actor, entry.target, entry.reason) == (
        cast.steward,
        cast.member,
        "disrupted the meeting",
    )


def test_a_suspended_members_next_request_is_refused(cast):
    client = client_for(cast, "member")
    assert client.get("/a/eastside/").status_code == 200
    actions.suspend_member(cast.steward, member=cast.member)
    assert client.get("/a/eastside/").status_code == 404


def test_reinstate_and_remove(cast):
    actions.reinstate_member(cast.steward, member=cast.suspended)
    assert Membership.objects.get(pk=cast.suspended.pk).status == "active"
    actions.remove_member(cast.steward, member=cast.suspended, reason="left town")
    assert Membership.objects.get(pk=cast.suspended.pk).status == "removed"


def test_role_change(cast, capture_live):
    with capture_live() as sent:
        actions.change_role(cast.steward, member=cast.member, role="facilitator")
    assert Membership.objects.get(pk=cast.member.pk).role == "facilitator"
    assert [group for group, _ in sent] == [live.user_group(cast.member.user_id)]


def test_the_last_steward_cannot_be_demoted_or_leave(cast):
    with pytest.raises(ActionError, match="at least one active steward"):
        actions.change_role(cast.steward, member=cast.steward, role="member")
    with pytest.raises(ActionError, match="last steward"):
        actions.leave_assembly(cast.steward)
    assert Membership.objects.get(pk=cast.steward.pk).role == "steward"


def test_a_steward_cannot_suspend_themself(cast):
    with pytest.raises(ActionError):
        actions.suspend_member(cast.steward, member=cast.steward)


@pytest.mark.parametrize("who", ["member", "facilitator", "suspended"])
def test_only_active_stewards_manage_members(cast, who):
    with pytest.raises(NotAllowed):
        actions.suspend_member(getattr(cast, who), member=cast.member2)
    assert Membership.objects.get(pk=cast.member2.pk).status == "active"


def test_unknown_role_is_refused_with_a_message(cast):
    response = client_for(cast, "steward").post(
        f"/a/eastside/members/{cast.member.pk}/", {"operation": "role", "role": "king"}
    )
    assert response.status_code == 400
    assert "Choose a role" in response.content.decode()


def test_rename_and_leave(cast):
    actions.rename_self(cast.member, display_name="Ana B.")
    assert Membership.objects.get(pk=cast.member.pk).display_name == "Ana B."
    with pytest.raises(ActionError):
        actions.rename_self(cast.member, display_name="teo")
    actions.leave_assembly(cast.member)
    assert Membership.objects.get(pk=cast.member.pk).status == "removed"


def test_join_requests_for_a_listed_assembly(cast):
    cast.assembly.visibility = "listed"
    cast.assembly.save()
    client = client_for(cast, "nobody")
    assert client.get("/a/eastside/join/").status_code == 200
    response = client.post("/a/eastside/join/", {"display_name": "Vecina", "message": "hi"})
    assert response.status_code == 302
    request = JoinRequest.objects.get(user=cast.nobody)
    # Asking twice does not pile up.
    again = client.post("/a/eastside/join/", {"display_name": "Vecina"})
    assert again.status_code == 400
    membership = actions.decide_join_request(cast.steward, join_request=request, approve=True)
    assert membership.display_name == "Vecina"
    with pytest.raises(ActionError, match="already been decided"):
        actions.decide_join_request(cast.steward, join_request=request, approve=False)


def test_join_request_refused_for_a_private_assembly(cast):
    with pytest.raises(ActionError):
        actions.request_to_join(cast.nobody, assembly=cast.assembly, display_name="X")


def test_steward_declines_through_the_page(cast):
    cast.assembly.visibility = "listed"
    cast.assembly.save()
    request = actions.request_to_join(cast.nobody, assembly=cast.assembly, display_name="Y")
    client = client_for(cast, "steward")
    assert "Y" in client.get("/a/eastside/join-requests/").content.decode()
    client.post("/a/eastside/join-requests/", {"request": request.pk, "decision": "decline"})
    assert JoinRequest.objects.get(pk=request.pk).status == "declined"
    # Garbage ids answer 404, not 500.
    assert client.post("/a/eastside/join-requests/", {"request": "abc"}).status_code == 404
