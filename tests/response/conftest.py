"""The cast, plus rapid response.

Verifiers (a working group, approval to join): Vera leads it, Víctor is in it; the
assembly names it as the group that verifies reports. Rapid Response (open): Ramón leads
it, Rita is in it; the assembly names it as its rapid-response network, so Ramón may send
call-outs. Ana ("member") files reports; she is in no group.
"""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from groups import actions as group_actions
from response import actions
from tests.conftest import ROLES, join, make_user

RESPONSE_ROLES = [*ROLES, "verifier", "rrlead"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path, monkeypatch):
    """Photos go to a folder of the test's own, here and in a browser test's server."""
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path / "media"))


@pytest.fixture
def crew(cast):
    a = cast.assembly
    cast.verifier = join(make_user("verifier@example.org"), a, "Vera")
    cast.verifier2 = join(make_user("verifier2@example.org"), a, "Víctor")
    cast.rrlead = join(make_user("rrlead@example.org"), a, "Ramón")
    cast.responder = join(make_user("responder@example.org"), a, "Rita")
    cast.verifiers = group_actions.create_group(
        cast.steward, name="Verifiers", kind="rapid_response", join_policy="approval",
        leads=[cast.verifier],
    )  # fmt: skip
    row = group_actions.join_group(cast.verifier2, cast.verifiers)
    group_actions.decide_request(cast.verifier, cast.verifiers, target=row, approve=True)
    cast.network = group_actions.create_group(
        cast.steward, name="Rapid Response", kind="rapid_response", leads=[cast.rrlead]
    )
    group_actions.join_group(cast.responder, cast.network)
    actions.update_settings(
        cast.steward, verifier_group=cast.verifiers, network_group=cast.network, answer_days=14
    )
    return cast


def seen(minutes=20):
    return timezone.now() - timedelta(minutes=minutes)


def file(crew, who="member", **extra):
    fields = {
        "seen_at": seen(),
        "place": "5th & Main, outside the laundromat",
        "agents": 6,
        "uniforms": "vests marked POLICE ICE",
        "vehicles": "two unmarked grey SUVs",
        "badges": "",
        "description": "They stopped a man at the bus stop.",
    }
    fields.update(extra)
    return actions.file_report(getattr(crew, who), **fields)


def verified(crew, **extra):
    report = file(crew, **extra)
    actions.confirm_report(crew.verifier, report, expires_in_hours=12)
    return actions.confirm_report(crew.verifier2, report, expires_in_hours=12)


@pytest.fixture
def report(crew):
    return file(crew)


def photo_bytes(fmt="JPEG", size=(64, 48), color=(200, 30, 30), **save):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt, **save)
    return out.getvalue()
