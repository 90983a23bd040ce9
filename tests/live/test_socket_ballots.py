"""A ballot sent over the page's socket (issue 10, point 3): the same action, guards and
idempotency key as the form, for a crowd that is already connected; the form stays.

How checked: with the socket action not registered every case here fails; with the
membership check removed from `cast_over_socket`, the outsiders' ballots were stored.
"""

import json

import pytest
from channels.db import database_sync_to_async

from decisions import actions
from decisions.models import Participation
from tests.conftest import client_for, user_of
from tests.live.conftest import connect, receive_until

pytestmark = pytest.mark.django_db(transaction=True)


async def _cast(user, poll_id, fields, ref="r1"):
    ws = await connect(user)
    await ws.send_to(text_data=json.dumps({
        "type": "act", "action": "ballot.cast", "ref": ref,
        "data": {"poll": poll_id, "fields": fields},
    }))  # fmt: skip
    answer = await receive_until(ws, lambda e: e["data"].get("ref") == ref, timeout=15)
    await ws.disconnect()
    return answer


def _open(cast):
    return actions.open_poll(cast.facilitator, question="Strike?", method="majority")


async def test_a_member_votes_over_the_socket_and_the_form_resend_counts_once(cast):
    poll = await database_sync_to_async(_open)(cast)
    answer = await _cast(cast.member.user, poll.pk,
                         [["choice", "yes"], ["idempotency_key", "sock-key-0001"]])  # fmt: skip
    assert answer["type"] == "ballot.recorded"
    assert answer["data"]["message"] == "Your vote was recorded."

    def resend_by_form():
        return client_for(cast, "member").post(
            f"/a/eastside/polls/{poll.pk}/", {"choice": "yes", "idempotency_key": "sock-key-0001"},
            follow=True,
        )  # fmt: skip

    page = await database_sync_to_async(resend_by_form)()
    assert "Your vote was already recorded; it counts once." in page.content.decode()
    count = await database_sync_to_async(Participation.objects.filter(poll=poll).count)()
    assert count == 1


@pytest.mark.parametrize("who", ["nobody", "other", "suspended"])
async def test_people_outside_the_assembly_cannot_vote_over_the_socket(cast, who):
    poll = await database_sync_to_async(_open)(cast)
    answer = await _cast(user_of(cast, who), poll.pk,
                         [["choice", "yes"], ["idempotency_key", "sock-key-0002"]])  # fmt: skip
    assert answer["type"] == "act.refused"
    assert answer["data"]["message"] == "This vote is not there, or you may not vote in it."
    assert not await database_sync_to_async(Participation.objects.filter(poll=poll).exists)()


async def test_a_signed_out_socket_is_told_to_log_in(cast):
    poll = await database_sync_to_async(_open)(cast)
    answer = await _cast(None, poll.pk, [["choice", "yes"], ["idempotency_key", "k" * 12]])
    assert (answer["type"], answer["data"]["message"]) == ("act.refused", "Log in first.")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ([["choice", "maybe"], ["idempotency_key", "sock-key-0003"]], "This ballot is not valid"),
        ([["choice", "yes"]], "This ballot form is incomplete"),
        ([["choice", "yes"], ["idempotency_key", 7]], "This ballot form is incomplete"),
    ],
)
async def test_bad_ballots_over_the_socket_are_refused_with_a_message(cast, fields, message):
    poll = await database_sync_to_async(_open)(cast)
    answer = await _cast(cast.member.user, poll.pk, fields)
    assert answer["type"] == "act.refused"
    assert answer["data"]["message"].startswith(message)
    assert not await database_sync_to_async(Participation.objects.filter(poll=poll).exists)()


async def test_unknown_actions_and_polls_are_refused(cast):
    ws = await connect(cast.member.user)
    await ws.send_to(text_data=json.dumps({"type": "act", "action": "poll.close", "ref": "x",
                                           "data": {}}))  # fmt: skip
    answer = await receive_until(ws, lambda e: e["data"].get("ref") == "x", timeout=15)
    assert (answer["type"], answer["data"]["message"]) == ("act.refused", "Unknown action.")
    await ws.disconnect()
    missing = await _cast(cast.member.user, 999999, [["choice", "yes"]])
    assert missing["data"]["message"] == "This vote is not there, or you may not vote in it."
