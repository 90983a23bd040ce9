"""After close: download the ballots, recount them with the command, same result."""

import json
import random

import pytest
from django.core.management import call_command

from decisions import actions
from decisions.models import Elector
from tests.conftest import client_for, join, make_user
from tests.decisions.conftest import open_vote, vote

CASES = [
    ("majority", [], lambda rng, keys: rng.choice(["yes", "no", "abstain"]), {}),
    ("approval", ["Rent strike", "Rally", "Phone bank", "Teach-in"],
     lambda rng, keys: rng.sample(keys, rng.randint(1, 3)), {"seats": 2}),
    ("irv", ["Ana", "Beto", "Chayo", "Dee"],
     lambda rng, keys: rng.sample(keys, rng.randint(1, 4)), {}),
    ("stv", ["Ana", "Beto", "Chayo", "Dee", "Eli"],
     lambda rng, keys: rng.sample(keys, rng.randint(1, 5)), {"seats": 2}),
    ("score", ["A", "B", "C"], lambda rng, keys: {k: rng.randint(0, 5) for k in keys}, {}),
]  # fmt: skip


@pytest.mark.parametrize("method,labels,make,extra", CASES, ids=[c[0] for c in CASES])
def test_export_then_recount_gives_the_same_result(
    cast, tmp_path, capsys, method, labels, make, extra
):
    voters = [join(make_user(f"v{i}@example.org"), cast.assembly, f"Voter {i}") for i in range(23)]
    poll = open_vote(cast, method=method, options=labels, question="Which?", **extra)
    assert Elector.objects.filter(poll=poll).count() == 27
    keys = [f"o{i}" for i in range(1, len(labels) + 1)]
    rng = random.Random(7)
    for voter in voters:
        vote(voter, poll, make(rng, keys))
    poll = actions.close_poll(cast.facilitator, poll=poll)

    response = client_for(cast, "member").get(f"/a/eastside/polls/{poll.pk}/ballots.csv")
    assert response.status_code == 200
    path = tmp_path / "ballots.csv"
    path.write_bytes(response.content)
    args = [str(path), "--method", method, "--seed", poll.result["seed"]]
    if keys:
        args += ["--options", ",".join(keys)]
    if "seats" in extra:
        args += ["--seats", str(extra["seats"])]
    capsys.readouterr()
    call_command("recount", *args)
    recounted = json.loads(capsys.readouterr().out)
    assert recounted["winners"] == poll.result["winners"]
    assert recounted["counts"] == poll.result["counts"]
    assert recounted["rounds"] == poll.result["rounds"]


def test_ballots_are_not_published_before_close(cast):
    poll = open_vote(cast, question="Q?")
    response = client_for(cast, "member").get(f"/a/eastside/polls/{poll.pk}/ballots.csv")
    assert response.status_code == 403


def test_a_secret_polls_export_names_nobody(cast):
    poll = open_vote(cast, question="Q?", secret=True)
    vote(cast.member, poll, "yes")
    actions.close_poll(cast.facilitator, poll=poll)
    text = client_for(cast, "member").get(f"/a/eastside/polls/{poll.pk}/ballots.csv").content
    assert b"Ana" not in text and b"voter" not in text.splitlines()[0]


def test_a_named_polls_export_names_the_voters(cast):
    poll = open_vote(cast, question="Q?")
    vote(cast.member, poll, "yes")
    actions.close_poll(cast.facilitator, poll=poll)
    text = client_for(cast, "member").get(f"/a/eastside/polls/{poll.pk}/ballots.csv").content
    assert b"Ana" in text


def test_recount_reports_a_bad_file_clearly(tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "bad.csv"
    path.write_text("name,vote\nx,y\n")
    with pytest.raises(CommandError, match="first column"):
        call_command("recount", str(path), "--method", "majority")
