"""Finding 3: a name cannot pose as another. Names are NFKC-normalised; control, format
and bidi characters are refused; uniqueness is on what a name looks like (a skeleton in
the database, under a constraint); pages isolate names with <bdi>."""

import pytest
from django.db import IntegrityError, transaction

from assembly import actions
from assembly.errors import ActionError
from assembly.models import Invitation, JoinRequest, Membership
from groups import actions as group_actions
from groups.models import Group
from tests.conftest import client_for, join, make_user

# Each of these was accepted beside the steward "Rosa M." (issue 11, finding 3).
IMPOSTORS = [
    "Rosa M.\u200b",  # a zero-width space after it
    "\u202e.M asoR",  # a right-to-left override: displays as "Rosa M."
    "R\u043esa M.",  # a Cyrillic о
    "R0sa M.",  # a zero
    "ROSA M.",  # only case differs
    "\uff32\uff4f\uff53\uff41 M.",  # fullwidth letters (NFKC: "Rosa M.")
    "Rosa\u00a0 M.",  # a no-break space
    "Ro\u00adsa M.",  # a soft hyphen
    "Rosa M\u2024",  # a one-dot leader for the full stop
]


@pytest.fixture
def rosa(cast):
    actions.rename_self(cast.steward, display_name="Rosa M.")
    return cast


@pytest.mark.parametrize("name", IMPOSTORS)
def test_a_look_alike_display_name_is_refused(rosa, name):
    with pytest.raises(ActionError):
        actions.rename_self(rosa.member, display_name=name)
    assert Membership.objects.get(pk=rosa.member.pk).display_name == "Ana"


@pytest.mark.parametrize("name", IMPOSTORS)
def test_a_look_alike_cannot_join_through_an_invitation_or_a_request(rosa, name):
    _invitation, token = actions.create_invitation(rosa.steward)
    with pytest.raises(ActionError):
        actions.accept_invitation(rosa.nobody, token=token, display_name=name)
    rosa.assembly.visibility = "listed"
    rosa.assembly.save()
    with pytest.raises(ActionError):
        actions.request_to_join(rosa.nobody, assembly=rosa.assembly, display_name=name)
    assert not Membership.objects.filter(user=rosa.nobody).exists()
    assert not JoinRequest.objects.filter(user=rosa.nobody).exists()
    assert Invitation.objects.get(token_digest=Invitation.digest(token)).uses == 0


def test_the_database_refuses_a_look_alike_even_past_the_actions(rosa):
    with pytest.raises(IntegrityError), transaction.atomic():
        join(make_user("twin@example.org"), rosa.assembly, "R\u043esa M.")


def test_names_are_stored_normalised(cast):
    actions.rename_self(cast.member, display_name="  \uff21\uff4e\uff41   B.  ")
    assert Membership.objects.get(pk=cast.member.pk).display_name == "Ana B."


@pytest.mark.parametrize("name", ["\u202eTeo", "Teo\u2066", "T\u200deo", "Teo\x07"])
def test_invisible_and_direction_characters_are_refused_outright(cast, name):
    with pytest.raises(ActionError, match="invisible"):
        actions.rename_self(cast.member, display_name=name)


def test_distinct_names_stay_possible(rosa):
    for name in ("Rosa N.", "Rosario", "José", "Jose"):
        other = join(make_user(f"{len(name)}{name[-1]}@example.org"), rosa.assembly, "tmp")
        actions.rename_self(other, display_name=f"{name}")
        assert Membership.objects.get(pk=other.pk).display_name == name
        other.delete()


def test_a_look_alike_group_name_is_refused(cast):
    group_actions.create_group(
        cast.steward, name="Rapid Response", kind="other", leads=[cast.member]
    )
    for name in ("Rapid R\u0435sponse", "RAPID RESPONSE", "Rapid Response\u200b", "\u202eRapid"):
        with pytest.raises(ActionError):
            group_actions.create_group(cast.steward, name=name, kind="other", leads=[cast.member])
    assert Group.objects.count() == 1


def test_assembly_names_are_cleaned_too(cast):
    with pytest.raises(ActionError):
        actions.update_assembly(
            cast.steward, name="East\u202eside", description="", language="en",
            quorum_kind="percent", quorum_value=50, member_list_visibility="facilitators",
            visibility="private",
        )  # fmt: skip


def test_pages_isolate_names_with_bdi(cast):
    from decisions import actions as decision_actions

    arabic = join(make_user("rtl@example.org"), cast.assembly, "\u0633\u0627\u0631\u0629")
    proposal = decision_actions.draft_proposal(arabic, title="Pledge", body="Text")
    steward = client_for(cast, "steward")
    members = steward.get("/a/eastside/members/").content.decode()
    assert "<bdi>\u0633\u0627\u0631\u0629</bdi>" in members
    assert "<bdi>Rosa</bdi>" in members
    page = steward.get(f"/a/eastside/proposals/{proposal.pk}/").content.decode()
    assert "<bdi>\u0633\u0627\u0631\u0629</bdi>" in page
    group_actions.create_group(cast.steward, name="\u0641\u0631\u064a\u0642", kind="other",
                               leads=[arabic])  # fmt: skip
    groups = steward.get("/a/eastside/groups/").content.decode()
    assert "<bdi>\u0641\u0631\u064a\u0642</bdi>" in groups


def test_former_member_names_are_kept_for_deleted_accounts(cast):
    for name in ("former member #3", "Former Member", "f0rmer member 9"):
        with pytest.raises(ActionError, match="deleted accounts"):
            actions.rename_self(cast.member, display_name=name)
