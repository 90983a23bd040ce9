"""A steward edits the assembly; the description is sanitised and pushed live."""

import pytest

from assembly import actions
from assembly.errors import ActionError
from assembly.models import Assembly
from tests.conftest import client_for

SETTINGS = dict(
    name="Eastside People's Assembly",
    description="We meet **Tuesdays**.",
    language="es",
    quorum_kind="percent",
    quorum_value=40,
    member_list_visibility="members",
    visibility="private",
)


def test_description_change_is_published_to_the_assembly_stream(cast, capture_live):
    with capture_live() as sent:
        actions.update_assembly(cast.steward, **SETTINGS)
    description = [event for group, event in sent if event.get("type") == "assembly.updated"]
    assert description == [
        {
            "stream": f"assembly:{cast.assembly.pk}",
            "type": "assembly.updated",
            "data": {"swap": {"assembly-description": "<p>We meet <strong>Tuesdays</strong>.</p>"}},
        }
    ]
    # The roster visibility changed too: every member's sockets re-check their access.
    access = [group for group, event in sent if event.get("type") == "live.access"]
    assert len(access) == 4


def test_nothing_published_when_nothing_changes(cast, capture_live):
    actions.update_assembly(cast.steward, **SETTINGS)
    with capture_live() as sent:
        actions.update_assembly(cast.steward, **SETTINGS)
    assert sent == []


def test_nothing_published_when_the_transaction_rolls_back(cast, capture_live):
    from django.db import transaction

    with capture_live() as sent, pytest.raises(RuntimeError), transaction.atomic():
        actions.update_assembly(cast.steward, **SETTINGS)
        raise RuntimeError("boom")
    assert sent == []
    assert Assembly.objects.get(pk=cast.assembly.pk).language == "en"


@pytest.mark.parametrize(
    "change,message",
    [
        ({"name": "  "}, "needs a name"),
        ({"quorum_value": 150}, "between 0 and 100"),
        ({"quorum_kind": "vibes"}, "quorum rule"),
        ({"member_list_visibility": "everyone"}, "member list"),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(cast, change, message):
    with pytest.raises(ActionError, match=message):
        actions.update_assembly(cast.steward, **{**SETTINGS, **change})
    assert (
        Assembly.objects.get(pk=cast.assembly.pk).description == "About Eastside People's Assembly."
    )


def test_bad_form_input_gets_a_message_and_keeps_the_text(cast):
    response = client_for(cast, "steward").post(
        "/a/eastside/settings/",
        {**SETTINGS, "quorum_value": "lots", "description": "my long careful text"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "my long careful text" in body
    assert "Enter a whole number." in body


def test_quorum_rule():
    assembly = Assembly(quorum_kind="percent", quorum_value=50)
    assert assembly.quorum_for(7) == 4
    assert assembly.quorum_for(0) == 0
    assert Assembly(quorum_kind="number", quorum_value=12).quorum_for(100) == 12
