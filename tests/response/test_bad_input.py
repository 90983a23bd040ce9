"""Bad input to every rapid-response form: a clear message, never a 500, nothing half
written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from response.models import Callout, CalloutAnswer, Confirmation, Report, ReportEvent
from tests.conftest import client_for
from tests.response.conftest import file, seen, verified

pytestmark = pytest.mark.django_db

WHEN = seen().strftime("%Y-%m-%dT%H:%M")
JUNK = ["", " ", "\x00", "x" * 20000, "-1", "99999999999999999999999", "1e9", "<script>", "☃"]


def state():
    return (
        sorted(Report.objects.values_list("pk", "status", "confirmations_count", "expires_at")),
        ReportEvent.objects.count(),
        Confirmation.objects.count(),
        sorted(Callout.objects.values_list("pk", "closed_at")),
        CalloutAnswer.objects.count(),
    )


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"seen_at": "yesterday", "place": "x"},
        {"seen_at": "2026-13-45T25:61", "place": "x"},
        {"seen_at": WHEN, "place": ""},
        {"seen_at": WHEN, "place": "a\x00b"},
        {"seen_at": WHEN, "place": "x" * 5000},
        {"seen_at": WHEN, "place": "x", "agents": "-4"},
        {"seen_at": WHEN, "place": "x", "agents": "99999999999999999999999"},
        {"seen_at": WHEN, "place": "x", "agents": "lots"},
        {"seen_at": WHEN, "place": "x", "description": "y" * 6000},
        {"seen_at": "3000-01-01T00:00", "place": "x"},
        {"seen_at": WHEN, "place": "\u202e\u2066", "uniforms": "\x00"},
    ],
)
def test_filing_a_report(crew, data):
    response = client_for(crew, "member").post("/a/eastside/reports/new/", data)
    assert response.status_code == 400
    assert 'class="error' in response.content.decode() or 'class="errors' in (
        response.content.decode()
    )
    assert not Report.objects.exists()


def test_a_photo_field_that_is_not_a_file(crew):
    response = client_for(crew, "member").post(
        "/a/eastside/reports/new/", {"seen_at": WHEN, "place": "x", "photo": "not a file"}
    )
    assert response.status_code == 302  # a text value is no upload: the report has no photo
    assert not Report.objects.get().photo


def test_an_upload_too_large_is_refused_by_its_declared_size(crew):
    client = client_for(crew, "member")
    big = SimpleUploadedFile("big.jpg", b"\xff" * (11 * 1024 * 1024), "image/jpeg")
    response = client.post("/a/eastside/reports/new/", {"seen_at": WHEN, "place": "x",
                                                        "photo": big})  # fmt: skip
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert not Report.objects.exists()


@pytest.mark.parametrize("value", JUNK + ["0", "169", "12.5"])
@pytest.mark.parametrize("tail", ["confirm/", "expiry/"])
def test_verifier_buttons(crew, value, tail):
    report = verified(crew) if tail == "expiry/" else file(crew)
    before = state()
    response = client_for(crew, "verifier").post(
        f"/a/eastside/reports/{report.pk}/{tail}", {"expires_in_hours": value}
    )
    assert response.status_code == 302
    assert state() == before


@pytest.mark.parametrize(
    "data",
    [{}, {"status": "verified", "note": "x"}, {"status": "false", "note": ""},
     {"status": "false", "note": "x" * 1001}, {"status": "unconfirmed", "note": "\x00"}],
)  # fmt: skip
def test_marking(crew, data):
    report = file(crew)
    before = state()
    response = client_for(crew, "verifier").post(f"/a/eastside/reports/{report.pk}/mark/", data)
    assert response.status_code == 302
    assert state() == before


@pytest.mark.parametrize("pk", ["0", "999999", "abc", "-1", "99999999999999999999"])
def test_report_addresses_that_do_not_exist(crew, pk):
    for tail in ["", "photo/"]:
        assert (
            client_for(crew, "verifier").get(f"/a/eastside/reports/{pk}/{tail}").status_code == 404
        )
    assert (
        client_for(crew, "verifier").post(f"/a/eastside/reports/{pk}/confirm/").status_code == 404
    )


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"place": "x", "needs": ["drivers"], "wanted": "3"},
        {"place": "x", "needs": ["snacks"], "wanted": "3", "groups": ["{group}"]},
        {"place": "x", "needs": ["drivers"], "wanted": "0", "groups": ["{group}"]},
        {"place": "x", "needs": ["drivers"], "wanted": "100001", "groups": ["{group}"]},
        {"place": "x", "needs": ["drivers"], "wanted": "3", "groups": ["99999999999999999999"]},
        {"place": "x", "needs": ["drivers"], "wanted": "3", "groups": ["abc"]},
        {"place": "\x00", "needs": ["drivers"], "wanted": "3", "groups": ["{group}"]},
        {"place": "x", "needs": ["drivers"], "wanted": "3", "groups": ["{group}"],
         "details": "d" * 1001},
    ],
)  # fmt: skip
def test_sending_a_call_out(crew, data):
    data = {k: [x.replace("{group}", str(crew.network.pk)) for x in v] if isinstance(v, list)
            else v for k, v in data.items()}  # fmt: skip
    response = client_for(crew, "verifier").post("/a/eastside/callouts/new/", data)
    assert response.status_code == 400
    assert not Callout.objects.exists()


def test_a_call_out_for_a_report_that_does_not_exist(crew):
    client = client_for(crew, "verifier")
    assert client.get("/a/eastside/callouts/new/?report=999999").status_code == 404
    assert client.get("/a/eastside/callouts/new/?report=abc").status_code == 200


@pytest.mark.parametrize("value", JUNK + ["ON_WAY", "maybe"])
def test_answering(crew, value):
    from response import actions

    callout = actions.send_callout(crew.verifier, place="x", needs=["drivers"], wanted=2,
                                   groups=[crew.network])  # fmt: skip
    response = client_for(crew, "responder").post(
        f"/a/eastside/callouts/{callout.pk}/answer/", {"answer": value}
    )
    assert response.status_code == 302
    assert not CalloutAnswer.objects.exists()


@pytest.mark.parametrize(
    "data",
    [{}, {"answer_days": "0"}, {"answer_days": "366"}, {"answer_days": "x"},
     {"answer_days": "7", "verifier_group": "999999"}, {"answer_days": "7", "network_group": "x"}],
)  # fmt: skip
def test_settings(crew, data):
    response = client_for(crew, "steward").post("/a/eastside/rapid-response/settings/", data)
    assert response.status_code == 400
    from response.models import ResponseSettings

    assert ResponseSettings.objects.get().answer_days == 14


def test_a_group_of_another_assembly_cannot_be_named(crew, cast):
    from groups.models import Group
    from response import actions

    elsewhere = Group.objects.create(assembly=cast.other_assembly, name="Lincoln RR", slug="rr")
    from assembly.errors import ActionError

    with pytest.raises(ActionError):
        actions.update_settings(crew.steward, verifier_group=elsewhere, answer_days=7)
    with pytest.raises(ActionError):
        actions.update_settings(crew.steward, answer_days=True)
