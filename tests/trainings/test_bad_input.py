"""Bad input to every trainings form: a clear message, never a 500, nothing half written."""

import pytest

from assembly.models import Invitation
from tests.conftest import client_for
from tests.trainings.conftest import plan, started, tomorrow
from trainings import actions
from trainings.models import Rsvp, Training

pytestmark = pytest.mark.django_db

T = "/a/eastside/trainings/"
JUNK = ["", " ", "\x00", "x" * 6000, "-1", "99999999999999999999999", "abc", "☃", "1.5"]


def state():
    return (
        sorted(
            Training.objects.values_list(
                "pk", "title", "capacity", "confirmed_count", "public_token"
            )
        ),
        sorted(
            Rsvp.objects.values_list(
                "pk", "training_id", "status", "checked_in_at", "name", "reach"
            )
        ),
        Invitation.objects.count(),
    )


def fields(**change):
    data = {
        "title": "KYR",
        "place": "Library",
        "capacity": "10",
        "group": "",
        "starts_at": tomorrow().strftime("%Y-%m-%dT%H:%M"),
        "ends_at": tomorrow(2).strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(change)
    return data


@pytest.mark.parametrize(
    "change",
    [
        {"title": ""},
        {"title": "\x00"},
        {"title": "t" * 141},
        {"place": ""},
        {"capacity": "0"},
        {"capacity": "10001"},
        {"capacity": "many"},
        {"capacity": "99999999999999999999"},
        {"starts_at": "soon"},
        {"starts_at": "2020-01-01T10:00", "ends_at": "2020-01-01T12:00"},
        {"ends_at": tomorrow(-1).strftime("%Y-%m-%dT%H:%M")},
        {"ends_at": tomorrow(24 * 5).strftime("%Y-%m-%dT%H:%M")},
        {"group": "99999999999999999999"},
        {"group": "abc"},
        {"offered_groups": ["999999"]},
        {"description": "d" * 5001},
    ],
)
def test_planning(crew, change):
    before = state()
    response = client_for(crew, "facilitator").post(T + "new/", fields(**change))
    assert response.status_code == 400
    assert "error" in response.content.decode()
    assert state() == before


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": "", "contact": "a@b.org"},
        {"name": "Flor", "contact": ""},
        {"name": "Flor", "contact": "not a contact"},
        {"name": "Flor", "contact": "a@"},
        {"name": "\x00", "contact": "a@b.org"},
        {"name": "n" * 61, "contact": "a@b.org"},
        {"name": "Flor", "contact": "c" * 121},
        {"name": "\u202e\u2066", "contact": "a@b.org"},
    ],
)
def test_the_public_form(crew, training, data):
    from django.core.cache import cache

    cache.clear()
    before = state()
    response = client_for(crew, "anonymous").post(f"/t/{training.public_token}/", data)
    assert response.status_code == 400
    assert state() == before


@pytest.mark.parametrize("token", ["x", "x" * 41, "%00", "../../etc", "a" * 39])
def test_public_addresses_that_do_not_exist(crew, training, token):
    assert client_for(crew, "anonymous").get(f"/t/{token}/").status_code == 404


@pytest.mark.parametrize("value", JUNK)
@pytest.mark.parametrize("operation", ["check_in", "undo", "walk_in", "nonsense"])
def test_the_door(crew, value, operation):
    training = plan(crew)
    actions.public_sign_up(training, name="Flor", contact="f@x.net")
    started(training)
    before = state()
    data = {"operation": operation, "rsvp": value, "name": value, "contact": value}
    response = client_for(crew, "facilitator").post(f"{T}{training.pk}/door/", data)
    if operation == "walk_in" and value.strip() and "\x00" not in value and len(value) <= 60:
        # A name is all a walk-in needs; a contact that is not one is refused.
        assert response.status_code in (302, 400)
    else:
        assert response.status_code in (302, 400, 404)
        assert state() == before


@pytest.mark.parametrize("value", JUNK + ["0"])
def test_people_and_moving(crew, training, value):
    before = state()
    client = client_for(crew, "facilitator")
    assert client.post(
        f"{T}{training.pk}/people/", {"operation": "remove", "rsvp": value}
    ).status_code in (302, 404)
    assert (
        client.post(
            f"{T}{training.pk}/people/", {"operation": "move", "to": value, "rsvps": [value]}
        ).status_code
        == 400
    )
    assert (
        client.post(
            f"{T}{training.pk}/overflow/", {"place": value, "capacity": value, "move": value}
        ).status_code
        == 302
    )
    assert client.post(f"{T}{training.pk}/follow-up/", {"rsvp": value}).status_code == 404
    assert client.post(f"{T}{training.pk}/rsvp/", {"operation": value}).status_code == 302
    assert state() == before


@pytest.mark.parametrize(
    "ticket_data",
    [
        {"operation": "follow_up", "reach": "x" * 500},
        {"operation": "follow_up", "groups": ["abc"]},
        {"operation": "follow_up", "groups": ["999999"]},
        {"operation": "follow_up", "reach": "nope"},
        {"operation": "nonsense"},
        {"operation": "check_in"},
        {},
    ],
)
def test_the_ticket(crew, training, ticket_data):
    rsvp = actions.public_sign_up(training, name="Flor", contact="f@x.net")
    started(training)
    actions.check_in(crew.facilitator, rsvp)
    before = state()
    response = client_for(crew, "anonymous").post(f"/ticket/{rsvp.ticket}/", ticket_data)
    assert response.status_code == 302
    assert state() == before
    rsvp.refresh_from_db()
    assert rsvp.followed_up_at is None


@pytest.mark.parametrize("value", ["0", "366", "x", "", "-3"])
def test_settings(crew, value):
    response = client_for(crew, "steward").post(T + "settings/", {"guest_days": value})
    assert response.status_code == 400


@pytest.mark.parametrize("pk", ["0", "999999", "99999999999999"])
def test_trainings_that_do_not_exist(crew, pk):
    for tail in ("", "door/", "people/", "edit/", "follow-up/"):
        assert client_for(crew, "steward").get(f"{T}{pk}/{tail}").status_code == 404
