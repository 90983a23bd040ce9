"""Cast 10,000 ballots into one poll through the real action (database writes, one
member one vote), then close and count it; and count a 10,000-ballot poll of every
method from the database. Uses a throwaway SQLite database (or DATABASE_URL if set).

Run: .venv/bin/python bench/bench_cast.py
"""

import os
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from assembly.models import Assembly, Membership, User  # noqa: E402
from assembly.names import skeleton  # noqa: E402
from decisions import actions  # noqa: E402
from decisions.models import Ballot, Participation  # noqa: E402

N = int(os.environ.get("BENCH_BALLOTS", "10000"))
OPTIONS = [f"Option {i}" for i in range(1, 11)]


def main():
    call_command("migrate", verbosity=0)
    assembly = Assembly.objects.create(name="Bench", slug=f"bench-{secrets.token_hex(3)}")
    users = User.objects.bulk_create(
        User(email=f"b{i}-{assembly.slug}@example.org") for i in range(N + 1)
    )
    Membership.objects.bulk_create(
        Membership(assembly=assembly, user=u, display_name=f"m{i}",
                   name_skeleton=skeleton(f"m{i}"),  # bulk_create skips save()
                   role="facilitator" if i == 0 else "member")
        for i, u in enumerate(users)
    )  # fmt: skip
    members = list(Membership.objects.filter(assembly=assembly).order_by("pk"))
    facilitator, voters = members[0], members[1:]
    rng = random.Random(5)
    rows = ["| what | ballots | seconds |", "| --- | ---: | ---: |"]

    poll = actions.open_poll(facilitator, question="Cast?", method="majority", quorum=0)
    started = time.perf_counter()
    for voter in voters:
        actions.cast_ballot(voter, poll=poll, choice=rng.choice(["yes", "no", "abstain"]),
                            idempotency_key=secrets.token_urlsafe(12))  # fmt: skip
    cast_seconds = time.perf_counter() - started
    rows.append(f"| cast_ballot, one at a time (majority) | {N:,} | {cast_seconds:.2f} |")
    started = time.perf_counter()
    actions.close_poll(facilitator, poll=poll)
    rows.append(f"| close and count (majority) | {N:,} | {time.perf_counter() - started:.3f} |")

    shapes = {
        "consensus": lambda keys: rng.choice(["agree", "agree", "stand_aside", "block"]),
        "temperature": lambda keys: rng.randint(0, 5),
        "single": lambda keys: rng.choice(keys),
        "approval": lambda keys: sorted(rng.sample(keys, rng.randint(1, 4))),
        "irv": lambda keys: rng.sample(keys, rng.randint(1, 10)),
        "stv": lambda keys: rng.sample(keys, rng.randint(1, 10)),
        "score": lambda keys: {k: rng.randint(0, 5) for k in keys},
        "dots": lambda keys: {k: 1 for k in rng.sample(keys, 3)},
    }
    for method, make in shapes.items():
        extra = {"seats": 3} if method in ("stv", "approval") else {}
        extra.update({"dots": 5} if method == "dots" else {})
        options = OPTIONS if method not in ("consensus", "temperature") else []
        poll = actions.open_poll(facilitator, question=method, method=method, options=options,
                                 quorum=0, max_blocks=N, **extra)  # fmt: skip
        keys = [o.key for o in poll.options.all()]
        ballots = [Ballot(poll=poll, choice=make(keys)) for _ in voters]
        Ballot.objects.bulk_create(ballots, batch_size=2000)
        Participation.objects.bulk_create(
            (Participation(poll=poll, member=v, idempotency_key=str(v.pk)) for v in voters),
            batch_size=2000,
        )
        started = time.perf_counter()
        actions.close_poll(facilitator, poll=poll)
        rows.append(f"| close and count ({method}) | {N:,} | {time.perf_counter() - started:.3f} |")
    print(f"Database: {django.db.connection.vendor}\n")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
