"""The role table: who may do what (pure, no database)."""

import pytest

from assembly.roles import ListVisibility, Perm, Role, allows

EXPECTED = {
    Perm.VIEW: {"member", "facilitator", "steward"},
    Perm.EDIT_ASSEMBLY: {"steward"},
    Perm.INVITE: {"steward"},
    Perm.MANAGE_MEMBERS: {"steward"},
    Perm.DECIDE_JOIN_REQUESTS: {"steward"},
    Perm.VIEW_AUDIT: {"facilitator", "steward"},
    Perm.FACILITATE: {"facilitator", "steward"},
    Perm.PROPOSE: {"member", "facilitator", "steward"},
    Perm.MODERATE: {"facilitator", "steward"},
}


@pytest.mark.parametrize("perm", list(EXPECTED))
@pytest.mark.parametrize("role", Role.values)
def test_role_table(perm, role):
    assert allows(role, perm) == (role in EXPECTED[perm])


@pytest.mark.parametrize(
    "visibility,allowed",
    [
        (ListVisibility.STEWARDS, {"steward"}),
        (ListVisibility.FACILITATORS, {"facilitator", "steward"}),
        (ListVisibility.MEMBERS, {"member", "facilitator", "steward"}),
    ],
)
@pytest.mark.parametrize("role", Role.values)
def test_member_list_follows_the_assemblys_choice(visibility, allowed, role):
    assert allows(role, Perm.VIEW_MEMBERS, list_visibility=visibility) == (role in allowed)


def test_unknown_role_holds_nothing():
    assert not any(allows("mayor", perm) for perm in Perm.values)
