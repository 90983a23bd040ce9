"""README: "the database is the truth and the channel layer only a courier ... If Redis is
down, writes still succeed; only the live push is lost until clients reconnect."

The channel layer here is a Redis that does not answer (nothing listens on its port);
a ballot, a comment and a settings change go through their plain forms with their
live events published on commit, as a server does.

Checked: with `live._send` no longer catching the layer's error (and channels-redis's
layer, which raised), every case failed (a 500), on SQLite and PostgreSQL; the layer now
used (assembly/layers.py) gives up publishing by itself, and tests/live/test_faults.py
proves the same through real servers.
"""

import socket

import pytest
from django.test import override_settings

from decisions.models import Comment, Participation
from tests.conftest import client_for
from tests.decisions.conftest import open_vote


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when this returns: nothing listens


@pytest.fixture
def courier_down():
    layer = {
        "BACKEND": "assembly.layers.RedisLayer",
        "CONFIG": {"url": f"redis://127.0.0.1:{closed_port()}/0"},
    }
    with override_settings(CHANNEL_LAYERS={"default": layer}):
        yield


def test_a_ballot_counts_when_the_courier_is_down(
    cast, courier_down, django_capture_on_commit_callbacks
):
    poll = open_vote(cast, question="Rent strike?")
    with django_capture_on_commit_callbacks(execute=True) as published:
        response = client_for(cast, "member").post(
            f"/a/eastside/polls/{poll.pk}/", {"choice": "yes", "idempotency_key": "down-key-1"}
        )
    assert response.status_code == 302
    assert published, "the ballot asked for a live update on commit"
    assert Participation.objects.filter(poll=poll, member=cast.member).count() == 1


def test_a_comment_and_a_settings_change_stand_when_the_courier_is_down(
    cast,
    proposal,
    courier_down,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as published:
        comment = client_for(cast, "member2").post(
            f"/a/eastside/proposals/{proposal.pk}/comments/", {"body": "Count me in."}
        )
        saved = client_for(cast, "steward").post(
            "/a/eastside/settings/",
            {"name": "Eastside", "description": "Meeting moved to **Thursday**.",
             "language": "en", "quorum_kind": "percent", "quorum_value": "40",
             "member_list_visibility": "facilitators", "visibility": "private",
             "seconds_required": "0"},
        )  # fmt: skip
    assert (comment.status_code, saved.status_code) == (302, 302)
    assert len(published) >= 2
    assert Comment.objects.filter(body="Count me in.").count() == 1
    cast.assembly.refresh_from_db()
    assert cast.assembly.description == "Meeting moved to **Thursday**."
