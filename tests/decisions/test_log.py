"""The decisions log: appended, chained, verifiable from outside, never edited."""

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from assembly.errors import ActionError, NotAllowed
from decisions import actions, record
from decisions.models import Decision
from tests.concurrency import at_once
from tests.conftest import client_for
from tests.decisions.conftest import open_vote, vote

HERE = Path(__file__).resolve().parent


def passed_decision(cast, proposal):
    poll = open_vote(cast, proposal=proposal)
    for member in (cast.member, cast.member2, cast.steward):
        vote(member, poll, "yes")
    actions.close_poll(cast.facilitator, poll=poll)
    return Decision.objects.get(poll=poll)


def room(cast, n):
    return record.record_room_decision(
        cast.facilitator, title=f"Decision {n}", text=f"We agree on point {n}.",
        how_reached="consensus, no blocks", entered_counts={"agree": 30 + n},
    )  # fmt: skip


def test_a_passed_vote_becomes_a_decision_entry(cast, proposal):
    entry = passed_decision(cast, proposal)
    assert entry.sequence == 1 and entry.prev_digest == "0" * 64
    assert entry.text == proposal.body and entry.method == "majority"
    assert entry.result["counts"] == {"yes": 3, "no": 0, "abstain": 0}
    assert (entry.turnout, entry.electorate, entry.quorum_met) == (3, 4, True)
    assert record.verify(cast.assembly) is None


def test_room_decisions_chain_and_verify(cast):
    entries = [room(cast, n) for n in range(1, 4)]
    assert [e.prev_digest for e in entries[1:]] == [e.digest for e in entries[:-1]]
    call_command("verify_ledger", "eastside")


TAMPERS = [
    ("title", "A different title"),
    ("text", "We agree on something else."),
    ("how_reached", "majority"),
    ("entered_counts", {"agree": 99}),
    ("decided_at", timezone.now() - timedelta(days=400)),
    ("recorded_by", "Somebody else"),
    ("kind", "repeal"),
    ("meeting", "A meeting that never happened"),
    ("prev_digest", "f" * 64),
    ("digest", "e" * 64),
    ("sequence", 7),
]


@pytest.mark.parametrize("field,value", TAMPERS, ids=[t[0] for t in TAMPERS])
@pytest.mark.parametrize("position", [1, 2, 3])
def test_changing_any_field_of_any_entry_is_detected_and_named(
    cast, capsys, field, value, position
):
    for n in range(1, 4):
        room(cast, n)
    Decision.objects.filter(assembly=cast.assembly, sequence=position).update(**{field: value})
    with pytest.raises(CommandError):
        call_command("verify_ledger", "eastside")
    out = capsys.readouterr().out
    assert f"entry #{value if field == 'sequence' else position} does not verify" in out


def test_the_json_export_verifies_with_an_independent_script(cast, tmp_path):
    for n in range(1, 4):
        room(cast, n)
    response = client_for(cast, "member").get("/a/eastside/decisions/export.json")
    path = tmp_path / "log.json"
    path.write_bytes(response.content)
    script = HERE / "verify_export.py"
    assert (
        "import asamblea" not in script.read_text() and "from decisions" not in script.read_text()
    )
    ok = subprocess.run([sys.executable, str(script), str(path)], capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.strip() == "verifies"
    data = json.loads(response.content)
    data["entries"][1]["fields"]["text"] = "tampered"
    path.write_text(json.dumps(data))
    bad = subprocess.run([sys.executable, str(script), str(path)], capture_output=True, text=True)
    assert bad.returncode == 1 and "#2" in bad.stdout


def test_supersession_links_both_ways_and_renders(cast):
    original = room(cast, 1)
    repeal = record.supersede(
        cast.facilitator, entry=original, kind="repeal", title="Repeal of decision 1",
        text="Decision 1 no longer applies.", how_reached="vote of the assembly",
    )  # fmt: skip
    assert repeal.supersedes == original
    assert list(original.superseded_by.all()) == [repeal]
    client = client_for(cast, "member")
    old_page = client.get(f"/a/eastside/decisions/{original.sequence}/").content.decode()
    assert "superseded" in old_page and f"/a/eastside/decisions/{repeal.sequence}/" in old_page
    new_page = client.get(f"/a/eastside/decisions/{repeal.sequence}/").content.decode()
    assert f"/a/eastside/decisions/{original.sequence}/" in new_page
    assert record.verify(cast.assembly) is None
    log = client.get("/a/eastside/decisions/").content.decode()
    assert "Superseded" in log


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_decisions_at_the_same_moment_form_one_chain(cast):
    """Checked: without the lock on the assembly's row in `record._append`, concurrent
    appends collide on the sequence and this fails on PostgreSQL."""
    outcomes = at_once([lambda n=n: room(cast, n) for n in range(6)])
    assert all(isinstance(o, Decision) for o in outcomes), outcomes
    assert sorted(o.sequence for o in outcomes) == [1, 2, 3, 4, 5, 6]
    assert list(
        Decision.objects.filter(assembly=cast.assembly).values_list("sequence", flat=True)
    ) == [1, 2, 3, 4, 5, 6]
    assert record.verify(cast.assembly) is None


def test_only_facilitators_record_and_supersede(cast):
    with pytest.raises(NotAllowed):
        record.record_room_decision(cast.member, title="x", text="y", how_reached="z")
    entry = room(cast, 1)
    with pytest.raises(NotAllowed):
        record.supersede(cast.member, entry=entry, kind="repeal", title="", text="t",
                         how_reached="")  # fmt: skip
    with pytest.raises(ActionError):
        record.record_room_decision(cast.facilitator, title="x", text="y", how_reached="")


def test_exports(cast):
    room(cast, 1)
    client = client_for(cast, "member")
    csv_text = client.get("/a/eastside/decisions/export.csv").content.decode()
    assert csv_text.splitlines()[0].startswith("sequence,date,kind,title")
    assert "Decision 1" in csv_text
    md = client.get("/a/eastside/decisions/export.md").content.decode()
    assert md.startswith("# Decisions of Eastside") and "We agree on point 1." in md


def test_search_and_filters(cast):
    for n in range(1, 4):
        room(cast, n)
    client = client_for(cast, "member")
    page = client.get("/a/eastside/decisions/?q=point+2").content.decode()
    assert "Decision 2" in page and "Decision 1<" not in page
    assert client.get("/a/eastside/decisions/?from=not-a-date&status=weird").status_code == 200
