"""Finding 6: no cell of any CSV export can run as a spreadsheet formula. Cells that
begin with =, +, -, @, a tab or a carriage return (and, so the guard is exact, a quote)
are written behind a quote; `manage.py recount` reads its own guarded cells back exactly."""

import csv
import io
import json

import pytest
from django.core.management import call_command

from assembly import csvsafe
from decisions import actions, ballots_csv, record
from tests.conftest import client_for, join, make_user
from tests.decisions.conftest import open_vote, vote

NASTY = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3+cmd|' /C calc'!A0",
         "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1", "\r=1", "'=1", "'plain"]  # fmt: skip


def _dangerous(cell):
    if not cell:
        return False
    if cell[0] == "-" and cell[1:].replace(".", "", 1).isdigit():
        return False  # a plain negative number
    return cell[0] in "=+-@\t\r"


def _cells(text):
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize("value", [*NASTY, "plain", "-5", "12", "", "o1=4", "'", "''x"])
def test_guard_and_unguard_round_trip_exactly(value):
    guarded = csvsafe.guard(value)
    assert not _dangerous(guarded)
    assert csvsafe.unguard(guarded) == value


def test_the_decisions_log_csv_has_no_formula(cast):
    for n, text in enumerate(NASTY):
        record.record_room_decision(
            cast.facilitator, title=f"{text} {n}", text="Body", how_reached=text,
            meeting=text,
        )  # fmt: skip
    body = client_for(cast, "member").get("/a/eastside/decisions/export.csv").content.decode()
    cells = _cells(body)
    assert cells and not [c for c in cells if _dangerous(c)]


def test_the_ballots_csv_has_no_formula_and_recounts_exactly(cast, tmp_path, capsys):
    voters = []
    for n, name in enumerate(["=1+1", "+Ana", "-Beto", "@Chayo"]):
        voters.append(join(make_user(f"f{n}@example.org"), cast.assembly, name))
    poll = open_vote(cast, method="irv", options=["A", "B", "C"], question="Rank")
    for n, voter in enumerate(voters):
        vote(voter, poll, ["o1", "o2", "o3"][n % 3 :] + ["o1", "o2", "o3"][: n % 3])
    poll = actions.close_poll(cast.facilitator, poll=poll)
    text = client_for(cast, "member").get(f"/a/eastside/polls/{poll.pk}/ballots.csv").content
    text = text.decode()
    assert not [c for c in _cells(text) if _dangerous(c)]
    assert "'=1+1" in text
    path = tmp_path / "ballots.csv"
    path.write_text(text)
    capsys.readouterr()
    call_command("recount", str(path), "--method", "irv", "--options", "o1,o2,o3",
                 "--seed", poll.result["seed"])  # fmt: skip
    recounted = json.loads(capsys.readouterr().out)
    assert recounted["rounds"] == poll.result["rounds"]
    assert recounted["winners"] == poll.result["winners"]


def test_reading_unguards_choice_cells():
    text = ballots_csv.write("single", [("b1", "=o1", None), ("b2", "o2", None)], named=False)
    assert "'=o1" in text
    assert ballots_csv.read("single", text) == ["=o1", "o2"]
