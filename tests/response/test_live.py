"""Rapid response through the real ASGI stack and channel layer: a verified report
reaches every member's open page, a call-out reaches each summoned person, and the
sender's count rises to the exact number."""

import pytest
from channels.db import database_sync_to_async

from response import actions
from tests.live.conftest import connect, receive, receive_until, subscribe
from tests.response.conftest import file

pytestmark = pytest.mark.django_db(transaction=True)


async def crew_of(request):
    return await database_sync_to_async(request.getfixturevalue)("crew")


async def nothing_more(ws, predicate, wait=0.5):
    """No event matching `predicate` arrives within `wait` seconds (others are skipped)."""
    while not await ws.receive_nothing(timeout=wait):
        event = await receive(ws)
        assert not predicate(event), event


async def test_a_verified_report_reaches_every_open_page_and_later_ones(request):
    crew = await crew_of(request)
    stream = f"assembly:{crew.assembly.pk}"
    ws = await connect(crew.member2.user)
    await subscribe(ws, stream)
    empty = await receive_until(ws, lambda e: e["type"] == "alerts.snapshot")
    assert empty["data"] == {"alerts": []}

    report = await database_sync_to_async(file)(crew)
    await database_sync_to_async(actions.confirm_report)(crew.verifier, report)
    await nothing_more(ws, lambda e: e["type"].startswith("report."))
    await database_sync_to_async(actions.confirm_report)(crew.verifier2, report)
    event = await receive_until(ws, lambda e: e["type"] == "report.verified")
    assert event["stream"] == stream
    assert event["data"]["id"] == f"report-{report.pk}"
    assert "5th &amp; Main" in event["data"]["html"]["es"]
    assert "Reporte verificado" in event["data"]["html"]["es"]

    # A page opened now (or reconnecting) gets it in its snapshot.
    later = await connect(crew.facilitator.user)
    await subscribe(later, stream)
    snapshot = await receive_until(later, lambda e: e["type"] == "alerts.snapshot")
    assert [a["id"] for a in snapshot["data"]["alerts"]] == [f"report-{report.pk}"]

    await database_sync_to_async(actions.set_expiry)(crew.verifier, report, end_now=True)
    ended = await receive_until(ws, lambda e: e["type"] == "report.ended")
    assert ended["data"] == {"id": f"report-{report.pk}"}
    again = await connect(crew.facilitator.user)  # a reconnecting page: nothing current
    await subscribe(again, stream)
    snapshot = await receive_until(again, lambda e: e["type"] == "alerts.snapshot")
    assert snapshot["data"] == {"alerts": []}
    for socket in (ws, later, again):
        await socket.disconnect()


async def test_the_verifiers_queue_changes_live_for_verifiers_only(request):
    crew = await crew_of(request)
    verifier = await connect(crew.verifier.user)
    assert (await subscribe(verifier, f"verify:{crew.assembly.pk}"))["type"] == "subscribed"
    await receive_until(verifier, lambda e: e["type"] == "queue.snapshot")
    report = await database_sync_to_async(file)(crew)
    event = await receive_until(verifier, lambda e: e["type"] == "queue.changed")
    assert event["data"] == {"report": report.pk}  # nothing of the report itself
    await verifier.disconnect()


async def test_a_call_out_reaches_the_summoned_on_any_page(request):
    crew = await crew_of(request)
    summoned = await connect(crew.responder.user)  # a page with no stream at all
    bystander = await connect(crew.member.user)
    await subscribe(bystander, f"assembly:{crew.assembly.pk}")
    callout = await database_sync_to_async(actions.send_callout)(
        crew.verifier, place="Oak Ave", needs=["witnesses"], wanted=5, groups=[crew.network]
    )
    # The notification count and the banner, both on the person's own socket.
    first = await receive(summoned)
    second = await receive(summoned)
    events = {first["type"]: first, second["type"]: second}
    assert set(events) == {"notification.created", "callout.sent"}
    assert events["callout.sent"]["data"]["id"] == f"callout-{callout.pk}"
    assert "Oak Ave" in events["callout.sent"]["data"]["html"]["en"]
    await nothing_more(bystander, lambda e: e["type"] in ("callout.sent", "notification.created"))
    await summoned.disconnect()
    await bystander.disconnect()


async def test_the_sender_sees_the_count_rise_to_the_exact_number(request):
    from groups import actions as group_actions
    from tests.conftest import join, make_user

    crew = await crew_of(request)
    callout = await database_sync_to_async(actions.send_callout)(
        crew.verifier, place="Oak Ave", needs=["witnesses"], wanted=5, groups=[crew.network]
    )
    sender = await connect(crew.verifier.user)
    await subscribe(sender, f"callout:{callout.pk}")
    first = await receive_until(sender, lambda e: e["type"] == "callout.tally")
    assert first["data"]["on_way"] == 0
    await subscribe(sender, f"callout:{callout.pk}:people")

    def a_new_responder(i):
        person = join(make_user(f"rr{i}@example.org"), crew.assembly, f"Responder {i}")
        group_actions.join_group(person, crew.network)
        return person

    people = [await database_sync_to_async(a_new_responder)(i) for i in range(3)]
    for person in people:
        await database_sync_to_async(actions.answer_callout)(person, callout, answer="on_way")
    await database_sync_to_async(actions.answer_callout)(crew.responder, callout, answer="cant")
    final = await receive_until(
        sender, lambda e: e["type"] == "callout.tally" and e["data"]["cant"] == 1, timeout=5
    )
    assert final["data"]["on_way"] == 3
    assert final["data"]["swap"][f"callout-{callout.pk}-on-way"] == "3"
    names = await receive_until(
        sender, lambda e: e["type"] == "callout.people" and "Responder 2" in str(e), timeout=5
    )
    html = names["data"]["swap"][f"callout-{callout.pk}-people"]
    assert html.count("<li>") == 3 and "Rita" not in html

    await database_sync_to_async(actions.close_callout)(crew.verifier, callout)
    closed = await receive_until(
        sender, lambda e: e["type"] == "callout.tally" and e["data"]["closed"], timeout=5
    )
    assert closed["data"]["on_way"] == 3
    await sender.disconnect()
