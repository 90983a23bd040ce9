"""Meeting permissions beyond the status table (tests/permissions/table.py, which asks
every meeting URL as every kind of person): the projector's token, what it shows, and
acts on someone else's hand or in a meeting one was removed from."""

import pytest

from meetings import actions
from meetings.models import Hand, Meeting
from tests.conftest import ROLES, client_for
from tests.meetings.conftest import current


@pytest.mark.parametrize("who", ROLES)
def test_projector_needs_only_the_token(cast, running, who):
    client = client_for(cast, who)
    good = client.get(f"/projector/{running.pk}/{running.projector_token}/")
    assert good.status_code == 200
    assert client.get(f"/projector/{running.pk}/wrong-token/").status_code == 404


def test_projector_leaks_nothing_private(cast, running):
    running.call_link = "https://call.example.net/secret-room"
    running.save()
    actions.check_in(cast.member, meeting=running)
    actions.raise_hand(cast.member, item=current(running))
    html = (
        client_for(cast, "anonymous")
        .get(f"/projector/{running.pk}/{running.projector_token}/")
        .content.decode()
    )
    assert "Ana" in html and "Welcome" in html  # public: names in the queue, the item
    for private in ("example.org", "secret-room", "csrfmiddlewaretoken", "<form",
                    "data-member", "Log in", "password", "Luz"):  # fmt: skip
        assert private not in html
    assert "<svg" in html  # the check-in QR code, inline


def test_a_regenerated_token_closes_the_old_address(cast, running):
    old = running.projector_token
    actions.regenerate_projector_token(cast.facilitator, meeting=running)
    client = client_for(cast, "anonymous")
    assert client.get(f"/projector/{running.pk}/{old}/").status_code == 404
    new = Meeting.objects.get(pk=running.pk).projector_token
    assert client.get(f"/projector/{running.pk}/{new}/").status_code == 200


def test_members_can_only_lower_their_own_hand(cast, running):
    hand = actions.raise_hand(cast.member, item=current(running))
    response = client_for(cast, "member2").post(
        f"/a/eastside/meetings/{running.pk}/hand/", {"lower": hand.pk}
    )
    assert response.status_code == 302
    assert Hand.objects.get(pk=hand.pk).state == "waiting"


@pytest.mark.parametrize(
    "do",
    ["call_next", "finish_speaker", "queue_close", "remove_hand", "move_hand", "mute",
     "present", "close_vote", "publish", "end", "reset_projector"],
)  # fmt: skip
def test_only_facilitators_run_the_meeting(cast, running, do):
    hand = actions.raise_hand(cast.member2, item=current(running))
    data = {"do": do, "item": current(running).pk, "hand": hand.pk, "position": 0,
            "member": cast.member2.pk, "reason": "x", "link": 1}  # fmt: skip
    response = client_for(cast, "member").post(
        f"/a/eastside/meetings/{running.pk}/console/act/", data
    )
    assert response.status_code == 403
    assert current(running).current_hand_id is None
    assert Hand.objects.get(pk=hand.pk).state == "waiting"


def test_removed_member_gets_404(cast, running):
    actions.remove_from_meeting(cast.facilitator, meeting=running, member=cast.member,
                                reason="Doxxing")  # fmt: skip
    client = client_for(cast, "member")
    assert client.get(f"/a/eastside/meetings/{running.pk}/").status_code == 404
    assert client.post(f"/a/eastside/meetings/{running.pk}/check-in/").status_code == 404


def test_other_assemblys_meeting_is_invisible(cast, running):
    client = client_for(cast, "other")
    assert client.get(f"/a/lincoln/meetings/{running.pk}/").status_code == 404


def test_scanning_the_qr_code_signed_out_leads_to_login_and_back(cast, running):
    response = client_for(cast, "anonymous").get(f"/a/eastside/meetings/{running.pk}/check-in/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/a/eastside/meetings/")
    # The same for an assembly that does not exist: nothing is revealed.
    missing = client_for(cast, "anonymous").get("/a/nowhere/meetings/1/check-in/")
    assert missing.status_code == 302
