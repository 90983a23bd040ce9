"""Benchmark decisions.tally.count on 10,000 random ballots per method.

Run from the project root:  .venv/bin/python bench/bench_tally.py

Ballots are generated with a fixed random seed, so every run counts the same ballots. Each
count is timed with time.perf_counter, best of 3, and the results are printed as a Markdown
table. The timing includes validating every ballot, as ``count`` always does.
"""

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from decisions.tally import count  # noqa: E402

BALLOTS = 10_000
SEED = 20240601
REPEATS = 3
OPTIONS = [f"option-{i}" for i in range(10)]


def weighted_order(rng: random.Random, weights: dict[str, float]) -> list[str]:
    """A random preference order in which popular options tend to come first."""
    return sorted(weights, key=lambda o: rng.random() ** (1.0 / weights[o]), reverse=True)


def scenarios():
    rng = random.Random(SEED)
    weights = {o: 1.0 + 9.0 * rng.random() for o in OPTIONS}
    n = BALLOTS

    def ranked():
        out = []
        for _ in range(n):
            order = weighted_order(rng, weights)
            out.append(order[: rng.randint(1, len(order))])
        return out

    yield (
        "majority",
        [rng.choice(("yes", "yes", "no", "abstain")) for _ in range(n)],
        {"options": (), "threshold": "two_thirds"},
    )
    yield (
        "consensus",
        [rng.choice(("agree", "agree", "stand_aside", "block")) for _ in range(n)],
        {"options": (), "max_blocks": 2},
    )
    yield "temperature", [rng.randint(0, 5) for _ in range(n)], {"options": ()}
    yield (
        "single",
        [weighted_order(rng, weights)[0] for _ in range(n)],
        {"options": OPTIONS},
    )
    yield (
        "approval",
        [rng.sample(OPTIONS, rng.randint(0, 5)) for _ in range(n)],
        {"options": OPTIONS, "seats": 3, "max_choices": 5},
    )
    yield "irv", ranked(), {"options": OPTIONS, "seed": "bench"}
    yield "stv", ranked(), {"options": OPTIONS, "seats": 3, "seed": "bench"}
    yield (
        "score",
        [{o: rng.randint(0, 5) for o in rng.sample(OPTIONS, rng.randint(1, 10))} for _ in range(n)],
        {"options": OPTIONS, "seats": 2},
    )

    def dots_ballot():
        ballot: dict[str, int] = {}
        for _ in range(rng.randint(0, 10)):
            o = rng.choice(OPTIONS)
            ballot[o] = ballot.get(o, 0) + 1
        return ballot

    yield "dots", [dots_ballot() for _ in range(n)], {"options": OPTIONS, "dots": 10}


def main() -> None:
    rows = []
    for method, ballots, params in scenarios():
        best = float("inf")
        result = None
        for _ in range(REPEATS):
            start = time.perf_counter()
            result = count(method, ballots, **params)
            best = min(best, time.perf_counter() - start)
        seats = params.get("seats", 1)
        label = f"{method} ({seats} seats)" if seats > 1 else method
        rows.append((label, len(ballots), len(params["options"]), best, result))
    print("| method | ballots | options | seconds | rounds | winners / passed |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for label, n, n_options, seconds, result in rows:
        outcome = ", ".join(result.winners) if result.winners else str(result.passed)
        print(
            f"| {label} | {n:,} | {n_options} | {seconds:.4f} | {len(result.rounds)} | {outcome} |"
        )


if __name__ == "__main__":
    main()
