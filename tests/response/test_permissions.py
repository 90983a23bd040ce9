"""Every rapid-response view and socket stream, walked for the whole cast plus a verifier
and a lead of the rapid-response network.

Signed out: the login page first. Outside the assembly (no membership, another assembly,
suspended): 404, and
nothing revealed. Inside it: a report that is not published looks missing (404) to all
but the verifiers and its reporter; a call-out looks missing to those it does not
summon; a role that may see something but not do it gets 403.
"""

import pytest
from channels.db import database_sync_to_async

from response import actions
from response.models import Callout, CalloutAnswer, Confirmation, Report, ResponseSettings
from tests.conftest import client_for, user_of
from tests.live.conftest import connect, subscribe
from tests.response.conftest import RESPONSE_ROLES, file, photo_bytes, seen, verified

pytestmark = pytest.mark.django_db

INSIDE = ["member", "facilitator", "steward", "verifier", "rrlead"]
ALL = dict.fromkeys(INSIDE, 200)
VERIFIERS = {"member": 403, "facilitator": 403, "steward": 403, "verifier": 200, "rrlead": 403}
SENDERS = {"member": 403, "facilitator": 403, "steward": 403, "verifier": 200, "rrlead": 200}
STEWARDS = {"member": 403, "facilitator": 403, "steward": 200, "verifier": 403, "rrlead": 403}
# A pending report filed by Ana ("member"): only she and the verifiers know it exists.
PENDING = {"member": 200, "verifier": 200}
SUMMONED = {"verifier": 200, "rrlead": 200}


@pytest.fixture
def things(crew):
    pending = file(crew, photo=photo_bytes())
    published = verified(crew, place="Oak Ave depot", photo=photo_bytes())
    callout = actions.send_callout(
        crew.verifier, place="Oak Ave", needs=["witnesses"], wanted=5, groups=[crew.network]
    )
    return {"pending": pending.pk, "verified": published.pk, "callout": callout.pk}


R = "/a/eastside/reports/"
GET_VIEWS = {
    R: ALL,
    R + "new/": ALL,
    R + "queue/": VERIFIERS,
    R + "queue/items/": VERIFIERS,
    R + "{pending}/": PENDING,
    R + "{pending}/photo/": PENDING,
    R + "{verified}/": ALL,
    R + "{verified}/photo/": ALL,
    "/a/eastside/callouts/": ALL,
    "/a/eastside/callouts/new/": SENDERS,
    "/a/eastside/callouts/{callout}/": SUMMONED,
    "/a/eastside/rapid-response/settings/": STEWARDS,
}


def expected(table, who):
    """Unless the table says otherwise: signed out, the login page first (issue 12);
    signed in outside the assembly, 404."""
    return table.get(who, 302 if who == "anonymous" else 404)


@pytest.mark.parametrize("who", RESPONSE_ROLES)
@pytest.mark.parametrize("url", list(GET_VIEWS))
def test_get_matrix(crew, things, url, who):
    response = client_for(crew, who).get(url.format(**things))
    assert response.status_code == expected(GET_VIEWS[url], who)
    if response.status_code == 404:
        body = response.content
        assert b"laundromat" not in body and b"Oak Ave" not in body
        assert b"Eastside" not in body


def _state():
    return {
        "reports": sorted(Report.objects.values_list("pk", "status", "confirmations_count",
                                                     "expires_at")),
        "confirmations": Confirmation.objects.count(),
        "callouts": sorted(Callout.objects.values_list("pk", "closed_at")),
        "answers": sorted(CalloutAnswer.objects.values_list("member_id", "answer")),
        "settings": list(ResponseSettings.objects.values_list("verifier_group_id",
                                                              "network_group_id",
                                                              "answer_days")),
    }  # fmt: skip


def _group(crew):
    return crew.network.pk


# name -> (url, data, table of who may, check(crew) that the change happened)
POSTS = {
    "file": (
        R + "new/",
        lambda c: {"seen_at": seen().strftime("%Y-%m-%dT%H:%M"), "place": "Pine St"},
        ALL,
        lambda c: Report.objects.filter(place="Pine St").exists(),
    ),
    "confirm": (
        R + "{pending}/confirm/",
        lambda c: {"expires_in_hours": "12"},
        {"member": 403, "verifier": 200},  # Ana reported it: she may not confirm it
        lambda c: Confirmation.objects.filter(
            verifier=c.verifier, report__place__contains="laund"
        ).exists(),
    ),
    "mark": (
        R + "{pending}/mark/",
        lambda c: {"status": "false", "note": "city workers"},
        {"member": 403, "verifier": 200},
        lambda c: Report.objects.filter(status="false").exists(),
    ),
    "expiry": (
        R + "{verified}/expiry/",
        lambda c: {"end_now": "1"},
        {"member": 403, "facilitator": 403, "steward": 403, "rrlead": 403, "verifier": 200},
        lambda c: not Report.objects.get(place="Oak Ave depot").is_current,
    ),
    "withdraw": (
        R + "{pending}/withdraw/",
        lambda c: {},
        {"member": 200, "verifier": 403},
        lambda c: Report.objects.filter(status="withdrawn").exists(),
    ),
    "send": (
        "/a/eastside/callouts/new/",
        lambda c: {"place": "Elm St", "needs": ["drivers"], "wanted": "3", "groups": [_group(c)]},
        SENDERS,
        lambda c: Callout.objects.filter(place="Elm St").exists(),
    ),
    "answer": (
        "/a/eastside/callouts/{callout}/answer/",
        lambda c: {"answer": "on_way"},
        SUMMONED,
        lambda c: CalloutAnswer.objects.exists(),
    ),
    "close": (
        "/a/eastside/callouts/{callout}/close/",
        lambda c: {},
        SUMMONED,
        lambda c: Callout.objects.filter(closed_at__isnull=False).exists(),
    ),
    "settings": (
        "/a/eastside/rapid-response/settings/",
        lambda c: {"verifier_group": str(_group(c)), "network_group": "", "answer_days": "7"},
        STEWARDS,
        lambda c: ResponseSettings.objects.filter(answer_days=7).exists(),
    ),
}


@pytest.mark.parametrize("who", RESPONSE_ROLES)
@pytest.mark.parametrize("name", list(POSTS))
def test_post_matrix(crew, things, name, who):
    url, data, table, changed = POSTS[name]
    before = _state()
    response = client_for(crew, who).post(url.format(**things), data(crew))
    want = expected(table, who)
    if want == 200:
        assert response.status_code == 302, response.content.decode()[-3000:]
        assert changed(crew)
    else:
        assert response.status_code == want
        assert _state() == before


def test_the_debunk_button_is_for_verifiers_only(crew):
    report = file(crew)
    actions.mark_report(crew.verifier, report, status="false", note="no")
    url = f"{R}{report.pk}/debunk/"
    data = {"text": "It was a film shoot.", "expires_in_hours": "48"}
    for who, status in [("member", 403), ("member2", 404), ("steward", 404), ("rrlead", 404),
                        ("other", 404), ("anonymous", 302)]:  # fmt: skip
        assert client_for(crew, who).post(url, data).status_code == status, who
    report.refresh_from_db()
    assert report.debunked_at is None
    assert client_for(crew, "verifier2").post(url, data).status_code == 302
    report.refresh_from_db()
    assert report.debunked_at is not None


def test_a_summoned_member_sees_and_answers_but_does_not_see_who(crew, things):
    client = client_for(crew, "responder")
    page = client.get(f"/a/eastside/callouts/{things['callout']}/")
    assert page.status_code == 200 and b"On their way" not in page.content
    assert client.post(f"/a/eastside/callouts/{things['callout']}/close/").status_code == 403
    assert client.post(f"/a/eastside/callouts/{things['callout']}/answer/",
                       {"answer": "cant"}).status_code == 302  # fmt: skip


def test_reports_of_another_assembly_are_not_found(crew, things):
    client = client_for(crew, "other")
    for tail in ("", "photo/"):
        assert client.get(f"/a/lincoln/reports/{things['verified']}/{tail}").status_code == 404
    assert client.get(f"/a/lincoln/callouts/{things['callout']}/").status_code == 404


SOCKETS = {
    "assembly:{assembly}": set(INSIDE),
    "verify:{assembly}": {"verifier"},
    "callout:{callout}": {"verifier", "rrlead"},
    "callout:{callout}:people": {"verifier", "rrlead"},
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", RESPONSE_ROLES)
async def test_socket_matrix(who, request):
    crew = await database_sync_to_async(request.getfixturevalue)("crew")
    things = await database_sync_to_async(request.getfixturevalue)("things")
    ws = await connect(await database_sync_to_async(user_of)(crew, who))
    for pattern, allowed in SOCKETS.items():
        stream = pattern.format(assembly=crew.assembly.pk, callout=things["callout"])
        answer = await subscribe(ws, stream)
        assert answer["type"] == ("subscribed" if who in allowed else "subscribe.refused"), stream
    for stream in ["verify:999999", "callout:999999", f"verify:{crew.assembly.pk}:x",
                   f"callout:{things['callout']}:other"]:  # fmt: skip
        assert (await subscribe(ws, stream))["type"] == "subscribe.refused"
    await ws.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_summoned_member_gets_the_counts_but_not_the_names(request):
    crew = await database_sync_to_async(request.getfixturevalue)("crew")
    things = await database_sync_to_async(request.getfixturevalue)("things")
    ws = await connect(crew.responder.user)
    assert (await subscribe(ws, f"callout:{things['callout']}"))["type"] == "subscribed"
    assert (await subscribe(ws, f"callout:{things['callout']}:people"))["type"] == (
        "subscribe.refused"
    )
    await ws.disconnect()


def test_rapid_response_admin_is_for_superusers_only(crew, things):
    client = client_for(crew, "steward")
    assert client.get("/admin/response/report/").status_code == 302
    crew.steward.user.is_staff = crew.steward.user.is_superuser = True
    crew.steward.user.save()
    for url in ["/admin/response/report/", f"/admin/response/report/{things['pending']}/change/",
                "/admin/response/callout/", "/admin/response/responsesettings/"]:  # fmt: skip
        assert client.get(url).status_code == 200, url
