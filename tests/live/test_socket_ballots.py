"""A ballot sent over the page's socket (issue 10, point 3): the same action, guards and
idempotency key as the form, for a crowd that is already connected; the form stays.

How checked: with the socket action not registered every case here fails; with the
membership check removed from `cast_over_socket`, the outsiders' ballots were stored;
with a refused ballot raising out of the ballot box (not answered alone), the ballots
cast together with it were lost.
"""

import asyncio
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


def _acts(*sent):
    """(user, language, fields) -> live.Act, for ballots sent at the same moment."""
    from django.utils import timezone

    from assembly.live import Act

    return [Act(user=user, data={"poll": poll, "fields": fields}, language=language,
                arrived=timezone.now()) for user, poll, language, fields in sent]  # fmt: skip


def _cast_together(cast, poll, latecomer):
    from decisions.live_state import cast_over_socket

    def ballot(choice, key):
        return [["choice", choice], ["idempotency_key", key]]

    return cast_over_socket(_acts(
        (cast.member.user, poll.pk, "en", ballot("yes", "together-01")),
        (cast.member2.user, poll.pk, "es", ballot("no", "together-02")),
        (cast.facilitator.user, poll.pk, "en", ballot("maybe", "together-03")),
        (cast.steward.user, poll.pk, "es", ballot("yes", "together-04")),
        (cast.steward.user, poll.pk, "es", ballot("yes", "together-04")),  # a second tab
        (latecomer.user, poll.pk, "en", ballot("yes", "together-05")),
        (cast.suspended.user, poll.pk, "en", ballot("yes", "together-06")),
        (cast.member.user, poll.pk, "en", ballot("no", "together-07")),  # a second ballot
    ))  # fmt: skip


async def test_ballots_cast_together_are_each_checked_and_answered_as_if_alone(cast):
    """One ballot box for a crowd's ballots (one transaction): each gets its own answer
    in its own language, a refused one leaves the others counted, a second tab's resend
    counts once, and nothing refused is stored."""
    from tests.conftest import join, make_user

    def setup():
        poll = _open(cast)
        latecomer = join(make_user("late@example.org"), cast.assembly, "Late")
        return poll, latecomer

    poll, latecomer = await database_sync_to_async(setup)()
    answers = await database_sync_to_async(_cast_together)(cast, poll, latecomer)
    assert [(kind, data["message"]) for kind, data in answers] == [
        ("ballot.recorded", "Your vote was recorded."),
        ("ballot.recorded", "Tu voto quedó registrado."),
        (
            "act.refused",
            "This ballot is not valid: A majority ballot must be 'yes', 'no' or "
            "'abstain', not 'maybe'.",
        ),
        ("ballot.recorded", "Tu voto quedó registrado."),
        ("ballot.recorded", "Tu voto ya estaba registrado; cuenta una sola vez."),
        ("act.refused", "Only people who were members when this vote opened can vote in it."),
        ("act.refused", "This vote is not there, or you may not vote in it."),
        ("act.refused", "You have already voted in this vote."),
    ]

    def stored():
        rows = Participation.objects.filter(poll=poll).select_related("ballot")
        return sorted((p.member_id, p.ballot.choice) for p in rows)

    assert await database_sync_to_async(stored)() == sorted(
        [(cast.member.pk, "yes"), (cast.member2.pk, "no"), (cast.steward.pk, "yes")]
    )
    count = await database_sync_to_async(poll.ballots.count)()
    assert count == 3


async def test_ballots_sent_while_one_is_cast_go_in_together(cast, monkeypatch):
    """Through real sockets: ballots that arrive while a ballot of the same vote is being
    cast wait for it and go in together, and each member gets their own answer."""
    import threading

    from assembly import live
    from tests.conftest import join, make_user

    held, release, runs = threading.Event(), threading.Event(), []
    original = live.ACTIONS["ballot.cast"]

    def recording(acts):
        runs.append(len(acts))
        if len(runs) == 1:
            held.set()
            assert release.wait(timeout=15)
        return original.run(acts)

    monkeypatch.setitem(live.ACTIONS, "ballot.cast",
                        live.Action(run=recording, together=original.together))  # fmt: skip

    def setup():
        people = [join(make_user(f"crowd{i}@example.org"), cast.assembly, f"Crowd {i}")
                  for i in range(6)]  # fmt: skip
        return _open(cast), people

    poll, people = await database_sync_to_async(setup)()
    sockets = [await connect(p.user) for p in people]

    async def send(i):
        fields = [["choice", "yes"], ["idempotency_key", f"crowd-key-{i}"]]
        await sockets[i].send_to(text_data=json.dumps({
            "type": "act", "action": "ballot.cast", "ref": f"r{i}",
            "data": {"poll": poll.pk, "fields": fields},
        }))  # fmt: skip

    await send(0)
    assert await database_sync_to_async(held.wait)(15)
    for i in range(1, 6):
        await send(i)
    await asyncio.sleep(0.3)
    release.set()
    for i, ws in enumerate(sockets):
        answer = await receive_until(ws, lambda e, i=i: e["data"].get("ref") == f"r{i}")
        assert (answer["type"], answer["data"]["message"]) == (
            "ballot.recorded", "Your vote was recorded."
        )  # fmt: skip
        await ws.disconnect()
    assert runs == [1, 5]
    voters = await database_sync_to_async(
        lambda: set(Participation.objects.filter(poll=poll).values_list("member_id", flat=True))
    )()
    assert voters == {p.pk for p in people}
