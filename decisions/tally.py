"""Counting the votes of a poll: every voting method as a pure function over ballots.

This module has no Django imports and uses the standard library only, so a count can be
replayed anywhere (``manage.py recount``, a notebook, an auditor's laptop) and always gives the
same answer for the same ballots, parameters and seed.

Entry points
------------
``count(method, ballots, *, options, ...) -> Result``
    Validate every ballot and parameter, then count. Raises ``TallyError`` (a ``ValueError``)
    with a plain-English message when something is wrong.
``validate_ballot(method, ballot, *, options, ...)``
    Check one ballot before the app stores it; returns the ballot in normal form.
``seed_digest(seed)``
    The sha256 hex digest of the lot seed, published when a poll opens so that the seed
    revealed afterwards can be checked.

Conventions shared by all methods
---------------------------------
* Results never depend on the order of the ballots: ballots are aggregated into counts first,
  and every list in a result follows the poll's option order unless it is a ranking.
* Ties that the rules cannot resolve are broken *by lot*, deterministically: the tied option
  ids are ordered by ``sha256(f"{seed}:{round}:{option_id}")`` (hex, ascending) and the first
  in that order is the one picked -- given the seat, transferred first, or excluded. The lot
  order is recorded in ``Result.tie_breaks`` so anyone holding the seed can replay it.
  ``round`` is the round (STV: stage) at whose end the options were tied; methods with a
  single round use 1.
* Choice methods (single, approval, score, dots) only ever choose an option that received
  at least one vote (a positive total).
* ``entered`` carries counts taken by hand (a show of hands, paper ballots). It is added to the
  electronic counts for majority, consensus, single, approval and temperature, and both parts
  are kept separately in ``details``. It cannot be used with ranked, score or dots ballots,
  whose individual ballots are needed to count.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

__all__ = [
    "METHODS",
    "THRESHOLDS",
    "Result",
    "TallyError",
    "count",
    "lot_order",
    "seed_digest",
    "validate_ballot",
]

METHODS: tuple[str, ...] = (
    "majority",
    "consensus",
    "single",
    "approval",
    "irv",
    "stv",
    "score",
    "dots",
    "temperature",
)

THRESHOLDS: tuple[str, ...] = ("simple", "two_thirds", "three_quarters", "unanimous")

MAJORITY_ANSWERS: tuple[str, ...] = ("yes", "no", "abstain")
CONSENSUS_ANSWERS: tuple[str, ...] = ("agree", "stand_aside", "block")
TEMPERATURE_LEVELS: tuple[str, ...] = ("0", "1", "2", "3", "4", "5")

# Methods whose hand-entered counts can be combined with the electronic ones.
_ENTERED_METHODS = frozenset({"majority", "consensus", "single", "approval", "temperature"})
_RANKED_METHODS = frozenset({"irv", "stv"})
_CHOICE_METHODS = frozenset({"single", "approval", "irv", "stv", "score", "dots"})

# STV votes are kept as integers scaled by 10**5: exact five-decimal arithmetic.
SCALE = 100_000


class TallyError(ValueError):
    """A ballot or a counting parameter is invalid. The message is plain English; `code`
    and `params`, where given, let a caller say it in the voter's language."""

    def __init__(self, message, code=None, **params):
        super().__init__(message)
        self.code = code
        self.params = params


# --------------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """The outcome of a count, with everything needed to explain how it was reached.

    ``counts`` holds the final per-option (or per-answer) counts: integers, or for STV strings
    of decimals with five places. ``rounds`` has one dict per round (STV: stage), ``tie_breaks``
    one dict per tie that had to be broken, and ``details`` the method-specific figures
    (threshold, base, quota, averages, electronic and entered counts...).
    """

    method: str
    options: tuple[str, ...]
    counts: dict[str, object]
    winners: tuple[str, ...] = ()
    passed: bool | None = None
    rounds: tuple[dict, ...] = ()
    tie_breaks: tuple[dict, ...] = ()
    ballots_counted: int = 0
    details: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """A JSON-serialisable copy (lists instead of tuples, string keys)."""
        return {
            "method": self.method,
            "options": list(self.options),
            "counts": _jsonable(self.counts),
            "winners": list(self.winners),
            "passed": self.passed,
            "rounds": _jsonable(self.rounds),
            "tie_breaks": _jsonable(self.tie_breaks),
            "ballots_counted": self.ballots_counted,
            "details": _jsonable(self.details),
        }


def _jsonable(value):
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, Fraction):
        return str(value)
    return value


# --------------------------------------------------------------------------------------------
# Lot
# --------------------------------------------------------------------------------------------


def seed_digest(seed: str) -> str:
    """The sha256 hex digest of the lot seed (shown when the poll opens)."""
    if not isinstance(seed, str):
        raise TallyError("The seed must be text.")
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def _lot_key(seed: str, round_number: int, option: str) -> str:
    return hashlib.sha256(f"{seed}:{round_number}:{option}".encode()).hexdigest()


def lot_order(options: Iterable[str], seed: str, round_number: int) -> list[str]:
    """Order options by sha256(f"{seed}:{round_number}:{option}") hex, ascending."""
    return sorted(options, key=lambda o: (_lot_key(seed, round_number, o), o))


def _break_tie(
    tied: list[str],
    earlier: list[tuple[int, Mapping[str, int]]],
    round_number: int,
    seed: str,
    *,
    lowest: bool,
    purpose: str,
) -> tuple[str, dict]:
    """Pick one of ``tied``: by earlier rounds' counts, then by lot.

    ``earlier`` lists (round number, counts) for the rounds before ``round_number``, oldest
    first. Looking back from the most recent, at the first round where the tied options did
    not all have the same count, only those with the lowest (``lowest=True``) or highest count
    stay in the tie; the look-back continues until one option is left. If several remain after
    the first round, the lot decides among them.
    """
    remaining = list(tied)
    consulted: list[int] = []
    for number, counts in reversed(earlier):
        values = {o: counts[o] for o in remaining}
        if len(set(values.values())) > 1:
            target = min(values.values()) if lowest else max(values.values())
            remaining = [o for o in remaining if values[o] == target]
            consulted.append(number)
            if len(remaining) == 1:
                break
    record: dict = {
        "round": round_number,
        "purpose": purpose,
        "tied": list(tied),
        "earlier_rounds": consulted,
    }
    if len(remaining) == 1:
        record.update(resolved_by="earlier_round", chosen=remaining[0])
        return remaining[0], record
    order = lot_order(remaining, seed, round_number)
    record.update(resolved_by="lot", narrowed_to=remaining, lot_order=order, chosen=order[0])
    return order[0], record


def _top(
    totals: Mapping[str, int], options: Sequence[str], seats: int, seed: str
) -> tuple[tuple[str, ...], list[dict]]:
    """The ``seats`` options with the highest positive totals; a tie at the cut goes to lot."""
    by_total: dict[int, list[str]] = {}
    for o in options:
        if totals[o] > 0:
            by_total.setdefault(totals[o], []).append(o)
    winners: list[str] = []
    ties: list[dict] = []
    for total in sorted(by_total, reverse=True):
        group = by_total[total]
        free = seats - len(winners)
        if free <= 0:
            break
        if len(group) <= free:
            winners.extend(group)
            continue
        order = lot_order(group, seed, 1)
        chosen = order[:free]
        winners.extend(chosen)
        ties.append(
            {
                "round": 1,
                "purpose": "seat",
                "tied": list(group),
                "seats_available": free,
                "earlier_rounds": [],
                "resolved_by": "lot",
                "narrowed_to": list(group),
                "lot_order": order,
                "chosen": chosen,
            }
        )
    return tuple(winners), ties


# --------------------------------------------------------------------------------------------
# Parameters and ballots
# --------------------------------------------------------------------------------------------


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class _Params:
    method: str
    options: tuple[str, ...]
    option_set: frozenset
    seats: int
    threshold: str
    abstentions_in_base: bool
    max_blocks: int
    min_choices: int | None
    max_choices: int | None
    score_max: int
    dots: int | None
    seed: str


def _check_params(
    method,
    *,
    options,
    seats=1,
    threshold="simple",
    abstentions_in_base=False,
    max_blocks=0,
    min_choices=None,
    max_choices=None,
    score_max=5,
    dots=None,
    seed="",
) -> _Params:
    if method not in METHODS:
        raise TallyError(f"Unknown voting method {method!r}; expected one of {', '.join(METHODS)}.")
    if options is None or isinstance(options, str | bytes) or not isinstance(options, Iterable):
        raise TallyError("Options must be a list of option ids.")
    options = tuple(options)
    for o in options:
        if not isinstance(o, str) or not o:
            raise TallyError(f"Option ids must be non-empty text, not {o!r}.")
    if len(set(options)) != len(options):
        raise TallyError("Option ids must be unique.")
    if method in _CHOICE_METHODS and not options:
        raise TallyError("This voting method needs at least one option.")
    if not _is_int(seats) or seats < 1:
        raise TallyError("The number of seats must be a whole number of at least 1.")
    if method == "irv" and seats != 1:
        raise TallyError("Instant runoff fills exactly one seat; use STV for several seats.")
    if threshold not in THRESHOLDS:
        raise TallyError(
            f"Unknown threshold {threshold!r}; expected one of {', '.join(THRESHOLDS)}."
        )
    if not isinstance(abstentions_in_base, bool):
        raise TallyError("abstentions_in_base must be true or false.")
    if not _is_int(max_blocks) or max_blocks < 0:
        raise TallyError("The number of blocks allowed must be a whole number of at least 0.")
    for name, value in (("minimum", min_choices), ("maximum", max_choices)):
        if value is not None and (not _is_int(value) or value < 0):
            raise TallyError(f"The {name} number of choices must be a whole number of at least 0.")
    if min_choices is not None and max_choices is not None and min_choices > max_choices:
        raise TallyError("The minimum number of choices is larger than the maximum.")
    if min_choices is not None and method in _CHOICE_METHODS and min_choices > len(options):
        raise TallyError("The minimum number of choices is larger than the number of options.")
    if not _is_int(score_max) or score_max < 1:
        raise TallyError("The highest score must be a whole number of at least 1.")
    if method == "dots" and dots is None:
        raise TallyError("Dot voting needs the number of dots each voter may place.")
    if dots is not None and (not _is_int(dots) or dots < 1):
        raise TallyError("The number of dots must be a whole number of at least 1.")
    if not isinstance(seed, str):
        raise TallyError("The seed must be text.")
    return _Params(
        method=method,
        options=options,
        option_set=frozenset(options),
        seats=seats,
        threshold=threshold,
        abstentions_in_base=abstentions_in_base,
        max_blocks=max_blocks,
        min_choices=min_choices,
        max_choices=max_choices,
        score_max=score_max,
        dots=dots,
        seed=seed,
    )


def _check_choices(n: int, p: _Params, what: str) -> None:
    if p.min_choices is not None and n < p.min_choices:
        raise TallyError(
            f"{what} has {n} choices; at least {p.min_choices} are required.",
            "too_few_choices", n=n, limit=p.min_choices,
        )  # fmt: skip
    if p.max_choices is not None and n > p.max_choices:
        raise TallyError(
            f"{what} has {n} choices; at most {p.max_choices} are allowed.",
            "too_many_choices", n=n, limit=p.max_choices,
        )  # fmt: skip


def _unknown(option) -> TallyError:
    return TallyError(f"{option!r} is not an option of this poll.")


def _normalise(ballot, p: _Params):
    """Check one ballot and return it in normal form (raises TallyError)."""
    m = p.method
    if m == "majority":
        if not isinstance(ballot, str) or ballot not in MAJORITY_ANSWERS:
            raise TallyError(f"A majority ballot must be 'yes', 'no' or 'abstain', not {ballot!r}.")
        return ballot
    if m == "consensus":
        if not isinstance(ballot, str) or ballot not in CONSENSUS_ANSWERS:
            raise TallyError(
                f"A consensus ballot must be 'agree', 'stand_aside' or 'block', not {ballot!r}."
            )
        return ballot
    if m == "temperature":
        if not _is_int(ballot) or not 0 <= ballot <= 5:
            raise TallyError(
                f"A temperature ballot must be a whole number from 0 to 5, not {ballot!r}."
            )
        return ballot
    if m == "single":
        if not isinstance(ballot, str):
            raise TallyError(f"A single-choice ballot must be one option id, not {ballot!r}.")
        if ballot not in p.option_set:
            raise _unknown(ballot)
        return ballot
    if m == "approval":
        if isinstance(ballot, str | bytes | Mapping) or not isinstance(ballot, Iterable):
            raise TallyError("An approval ballot must be a list of option ids.")
        items = list(ballot)
        chosen = set()
        for o in items:
            if not isinstance(o, str) or o not in p.option_set:
                raise _unknown(o)
            if o in chosen:
                raise TallyError(f"An approval ballot lists {o!r} more than once.")
            chosen.add(o)
        _check_choices(len(items), p, "An approval ballot")
        return tuple(o for o in p.options if o in chosen)
    if m in _RANKED_METHODS:
        if not isinstance(ballot, list | tuple):
            raise TallyError("A ranked ballot must be a list of option ids in order of preference.")
        prefs = tuple(ballot)
        if not prefs:
            raise TallyError("A ranked ballot needs at least one preference.", "no_preference")
        for o in prefs:
            if not isinstance(o, str) or o not in p.option_set:
                raise _unknown(o)
        if len(set(prefs)) != len(prefs):
            seen = set()
            for o in prefs:
                if o in seen:
                    raise TallyError(
                        f"A ranked ballot lists {o!r} more than once.", "ranked_twice", option=o
                    )
                seen.add(o)
        _check_choices(len(prefs), p, "A ranked ballot")
        return prefs
    if m in ("score", "dots"):
        if not isinstance(ballot, Mapping):
            raise TallyError(f"A {m} ballot must map option ids to whole numbers.")
        for o, v in ballot.items():
            if not isinstance(o, str) or o not in p.option_set:
                raise _unknown(o)
            if m == "score" and (not _is_int(v) or not 0 <= v <= p.score_max):
                raise TallyError(
                    f"The score for {o!r} must be a whole number from 0 to {p.score_max}, "
                    f"not {v!r}.",
                    "score_range", option=o, limit=p.score_max,
                )  # fmt: skip
            if m == "dots" and (not _is_int(v) or v < 0):
                raise TallyError(
                    f"The dots for {o!r} must be a whole number of at least 0.",
                    "dots_negative", option=o,
                )  # fmt: skip
        if m == "dots":
            spent = sum(ballot.values())
            if spent > p.dots:
                raise TallyError(
                    f"A dots ballot places {spent} dots; at most {p.dots} are allowed.",
                    "too_many_dots", n=spent, limit=p.dots,
                )  # fmt: skip
            return {o: ballot[o] for o in p.options if ballot.get(o)}
        return {o: ballot[o] for o in p.options if o in ballot}
    raise TallyError(f"Unknown voting method {m!r}.")  # pragma: no cover


def validate_ballot(method: str, ballot, **params):
    """Check one ballot against the poll's parameters; return it in normal form.

    Takes the same keyword parameters as ``count`` (those that do not concern ballots, such
    as ``seed`` or ``entered``, are accepted and ignored). Normal forms: majority, consensus
    and single -- the string; temperature -- the int; approval -- a tuple of option ids in
    poll order; irv/stv -- a tuple in preference order; score -- a dict in poll order; dots --
    a dict in poll order without zero entries. Raises ``TallyError`` if the ballot is invalid.
    """
    params.pop("entered", None)
    if "options" not in params:
        params["options"] = ()
    return _normalise(ballot, _check_params(method, **params))


def _check_entered(entered, p: _Params) -> dict[str, int] | None:
    if entered is None or (isinstance(entered, Mapping) and not entered):
        return None
    if p.method not in _ENTERED_METHODS:
        raise TallyError(
            "Hand-entered counts cannot be combined with ranked, score or dots ballots."
        )
    if not isinstance(entered, Mapping):
        raise TallyError("Hand-entered counts must map answers to whole numbers.")
    if p.method == "majority":
        keys: tuple[str, ...] = MAJORITY_ANSWERS
    elif p.method == "consensus":
        keys = CONSENSUS_ANSWERS
    elif p.method == "temperature":
        keys = TEMPERATURE_LEVELS
    else:
        keys = p.options
    out = dict.fromkeys(keys, 0)
    for k, v in entered.items():
        key = str(k) if p.method == "temperature" and _is_int(k) else k
        if key not in out:
            raise TallyError(f"Hand-entered count for unknown answer {k!r}.")
        if not _is_int(v) or v < 0:
            raise TallyError(
                f"The hand-entered count for {k!r} must be a whole number of at least 0."
            )
        out[key] += v
    return out


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def count(
    method: str,
    ballots,
    *,
    options,
    seats: int = 1,
    threshold: str = "simple",
    abstentions_in_base: bool = False,
    max_blocks: int = 0,
    min_choices: int | None = None,
    max_choices: int | None = None,
    score_max: int = 5,
    dots: int | None = None,
    seed: str = "",
    entered: Mapping | None = None,
) -> Result:
    """Count ``ballots`` with ``method`` and return a ``Result``.

    Every ballot is validated first (see ``validate_ballot``); one invalid ballot makes the
    whole count fail with ``TallyError``, so nothing is ever silently dropped.
    """
    p = _check_params(
        method,
        options=options,
        seats=seats,
        threshold=threshold,
        abstentions_in_base=abstentions_in_base,
        max_blocks=max_blocks,
        min_choices=min_choices,
        max_choices=max_choices,
        score_max=score_max,
        dots=dots,
        seed=seed,
    )
    hand = _check_entered(entered, p)
    if ballots is None or isinstance(ballots, str | bytes | Mapping):
        raise TallyError("Ballots must be a list.")
    normal = []
    for i, ballot in enumerate(ballots, start=1):
        try:
            normal.append(_normalise(ballot, p))
        except TallyError as exc:
            raise TallyError(f"Ballot {i}: {exc}") from None
    return _COUNTERS[method](normal, p, hand)


# --------------------------------------------------------------------------------------------
# Yes/no style methods
# --------------------------------------------------------------------------------------------


def _combine(electronic: dict[str, int], hand: dict[str, int] | None) -> dict[str, int]:
    if hand is None:
        return dict(electronic)
    return {k: electronic[k] + hand[k] for k in electronic}


def _tally_answers(ballots, keys) -> dict[str, int]:
    c = Counter(ballots)
    return {k: c[k] for k in keys}


def _count_majority(ballots, p: _Params, hand) -> Result:
    """Majority: yes / no / abstain.

    The base is yes + no, plus abstentions if ``abstentions_in_base``. The motion passes with
    "simple": yes > base/2; "two_thirds": yes >= 2/3 of base; "three_quarters": yes >= 3/4 of
    base; "unanimous": every vote in the base is yes (so no 'no' votes, and no abstentions
    either when they count in the base). All comparisons are exact integer arithmetic. A zero
    base fails.
    """
    electronic = _tally_answers(ballots, MAJORITY_ANSWERS)
    counts = _combine(electronic, hand)
    yes, no, abstain = counts["yes"], counts["no"], counts["abstain"]
    base = yes + no + (abstain if p.abstentions_in_base else 0)
    if p.threshold == "simple":
        passed = 2 * yes > base
        required = base // 2 + 1
    elif p.threshold == "two_thirds":
        passed = 3 * yes >= 2 * base
        required = -(-2 * base // 3)
    elif p.threshold == "three_quarters":
        passed = 4 * yes >= 3 * base
        required = -(-3 * base // 4)
    else:  # unanimous
        passed = yes == base
        required = base
    passed = passed and base > 0
    details = {
        "threshold": p.threshold,
        "abstentions_in_base": p.abstentions_in_base,
        "base": base,
        "required_yes": max(required, 1),
        "electronic": electronic,
        "entered": hand,
    }
    return Result(
        method="majority",
        options=p.options,
        counts=counts,
        passed=passed,
        rounds=({"round": 1, "counts": dict(counts)},),
        ballots_counted=sum(counts.values()),
        details=details,
    )


def _count_consensus(ballots, p: _Params, hand) -> Result:
    """Consensus: agree / stand_aside / block.

    The proposal passes when the number of blocks is at most ``max_blocks`` and at least one
    participant agrees. Standing aside neither supports nor blocks.
    """
    electronic = _tally_answers(ballots, CONSENSUS_ANSWERS)
    counts = _combine(electronic, hand)
    passed = counts["block"] <= p.max_blocks and counts["agree"] >= 1
    details = {
        "max_blocks": p.max_blocks,
        "blocks": counts["block"],
        "electronic": electronic,
        "entered": hand,
    }
    return Result(
        method="consensus",
        options=p.options,
        counts=counts,
        passed=passed,
        rounds=({"round": 1, "counts": dict(counts)},),
        ballots_counted=sum(counts.values()),
        details=details,
    )


def _decimal_text(numerator: int, denominator: int, places: int = 2) -> str:
    """numerator/denominator (both >= 0) rounded half up to ``places`` decimals."""
    factor = 10**places
    q = (2 * numerator * factor + denominator) // (2 * denominator)
    whole, frac = divmod(q, factor)
    return f"{whole}.{frac:0{places}d}" if places else str(whole)


def _count_temperature(ballots, p: _Params, hand) -> Result:
    """Temperature check (fist-to-five): each ballot is 0..5. Non-binding.

    Counts are the histogram of levels "0".."5"; details give the mean (two decimals, rounded
    half up) and the median (the average of the two middle values for an even number).
    """
    c = Counter(ballots)
    electronic = {k: c[int(k)] for k in TEMPERATURE_LEVELS}
    counts = _combine(electronic, hand)
    n = sum(counts.values())
    mean = median = None
    if n:
        total = sum(int(k) * v for k, v in counts.items())
        mean = _decimal_text(total, n)
        # the middle elements, found by walking the histogram
        lo = _nth_value(counts, (n - 1) // 2)
        hi = _nth_value(counts, n // 2)
        median = str((lo + hi) // 2) if (lo + hi) % 2 == 0 else f"{(lo + hi) // 2}.5"
    details = {"mean": mean, "median": median, "electronic": electronic, "entered": hand}
    return Result(
        method="temperature",
        options=p.options,
        counts=counts,
        passed=None,
        rounds=({"round": 1, "counts": dict(counts)},),
        ballots_counted=n,
        details=details,
    )


def _nth_value(histogram: Mapping[str, int], index: int) -> int:
    seen = 0
    for k in TEMPERATURE_LEVELS:
        seen += histogram[k]
        if index < seen:
            return int(k)
    raise AssertionError("index beyond histogram")  # pragma: no cover


# --------------------------------------------------------------------------------------------
# Choice methods without transfers
# --------------------------------------------------------------------------------------------


def _count_single(ballots, p: _Params, hand) -> Result:
    """Single choice: one option per ballot; the ``seats`` options with most votes win.

    A tie at the cut is broken by lot. An option needs at least one vote to win.
    """
    c = Counter(ballots)
    electronic = {o: c[o] for o in p.options}
    counts = _combine(electronic, hand)
    winners, ties = _top(counts, p.options, p.seats, p.seed)
    return Result(
        method="single",
        options=p.options,
        counts=counts,
        winners=winners,
        rounds=({"round": 1, "counts": dict(counts), "elected": list(winners)},),
        tie_breaks=tuple(ties),
        ballots_counted=len(ballots) + (sum(hand.values()) if hand else 0),
        details={"seats": p.seats, "electronic": electronic, "entered": hand},
    )


def _count_approval(ballots, p: _Params, hand) -> Result:
    """Approval: each ballot approves any number of options (within min/max choices).

    Counts are approvals per option; the ``seats`` most-approved options win, a tie at the
    cut is broken by lot. Hand-entered counts are approvals per option and are added to the
    electronic approvals (they do not change ``ballots_counted``).
    """
    c: Counter = Counter()
    for b in ballots:
        c.update(b)
    electronic = {o: c[o] for o in p.options}
    counts = _combine(electronic, hand)
    winners, ties = _top(counts, p.options, p.seats, p.seed)
    details = {
        "seats": p.seats,
        "min_choices": p.min_choices,
        "max_choices": p.max_choices,
        "empty_ballots": sum(1 for b in ballots if not b),
        "electronic": electronic,
        "entered": hand,
    }
    return Result(
        method="approval",
        options=p.options,
        counts=counts,
        winners=winners,
        rounds=({"round": 1, "counts": dict(counts), "elected": list(winners)},),
        tie_breaks=tuple(ties),
        ballots_counted=len(ballots),
        details=details,
    )


def _count_score(ballots, p: _Params, hand) -> Result:
    """Score: each ballot gives some options a score 0..score_max (unscored = no opinion).

    Counts are total scores; the ``seats`` options with the highest positive totals win, a tie
    at the cut is broken by lot. Details give, per option, how many ballots scored it and the
    average of those scores (two decimals, rounded half up).
    """
    totals = dict.fromkeys(p.options, 0)
    scored_by = dict.fromkeys(p.options, 0)
    for b in ballots:
        for o, v in b.items():
            totals[o] += v
            scored_by[o] += 1
    winners, ties = _top(totals, p.options, p.seats, p.seed)
    average = {
        o: (_decimal_text(totals[o], scored_by[o]) if scored_by[o] else None) for o in p.options
    }
    details = {
        "seats": p.seats,
        "score_max": p.score_max,
        "scored_by": scored_by,
        "average": average,
    }
    return Result(
        method="score",
        options=p.options,
        counts=totals,
        winners=winners,
        rounds=({"round": 1, "counts": dict(totals), "elected": list(winners)},),
        tie_breaks=tuple(ties),
        ballots_counted=len(ballots),
        details=details,
    )


def _count_dots(ballots, p: _Params, hand) -> Result:
    """Dot voting: each ballot spreads at most ``dots`` dots over the options.

    Counts are dots per option; the ``seats`` options with most dots win (tie at the cut by lot).
    """
    totals = dict.fromkeys(p.options, 0)
    for b in ballots:
        for o, v in b.items():
            totals[o] += v
    winners, ties = _top(totals, p.options, p.seats, p.seed)
    details = {"seats": p.seats, "dots": p.dots, "dots_placed": sum(totals.values())}
    return Result(
        method="dots",
        options=p.options,
        counts=totals,
        winners=winners,
        rounds=({"round": 1, "counts": dict(totals), "elected": list(winners)},),
        tie_breaks=tuple(ties),
        ballots_counted=len(ballots),
        details=details,
    )


# --------------------------------------------------------------------------------------------
# Instant runoff
# --------------------------------------------------------------------------------------------


def _next_continuing(rest: tuple[str, ...], continuing) -> int:
    """Index of the first continuing option in ``rest``, or -1 if the ballot is exhausted."""
    for i, o in enumerate(rest):
        if o in continuing:
            return i
    return -1


def _count_irv(ballots, p: _Params, hand) -> Result:
    """Instant runoff (one seat), over ranked ballots (partial rankings allowed).

    Each round every ballot counts for its highest-ranked continuing option. If an option has
    more than half of the votes on non-exhausted ballots it wins. Otherwise the option with
    fewest votes is excluded and its ballots pass to their next continuing preference (or are
    exhausted). A tie for exclusion goes to the option with fewer votes at the most recent
    earlier round where the tied options differed, and if they never differed, to lot.
    Each round records counts, the majority needed, the exclusion and where its ballots went.
    """
    options = p.options
    groups = Counter(ballots)
    piles: dict[str, Counter] = {o: Counter() for o in options}
    votes = dict.fromkeys(options, 0)
    for prefs, n in groups.items():
        piles[prefs[0]][prefs[1:]] += n
        votes[prefs[0]] += n
    continuing = set(options)
    rounds: list[dict] = []
    history: list[tuple[int, dict[str, int]]] = []
    ties: list[dict] = []
    exhausted = 0
    winner = None
    total = len(ballots)
    number = 0
    while total:
        number += 1
        live = sum(votes[o] for o in options if o in continuing)
        if not live:  # cannot happen with at least one ballot; guards the loop
            break
        record: dict = {
            "round": number,
            "counts": dict(votes),
            "continuing_votes": live,
            "majority": live // 2 + 1,
            "exhausted": exhausted,
            "elected": [],
            "excluded": [],
            "transfers": {},
            "newly_exhausted": 0,
        }
        rounds.append(record)
        leaders = [o for o in options if o in continuing and 2 * votes[o] > live]
        if leaders:
            winner = leaders[0]
            record["elected"] = [winner]
            break
        fewest = min(votes[o] for o in options if o in continuing)
        tied = [o for o in options if o in continuing and votes[o] == fewest]
        if len(tied) == 1:
            loser = tied[0]
        else:
            loser, tie = _break_tie(tied, history, number, p.seed, lowest=True, purpose="exclusion")
            ties.append(tie)
        history.append((number, dict(votes)))
        continuing.discard(loser)
        transfers = dict.fromkeys(options, 0)
        lost = 0
        for rest, n in piles[loser].items():
            i = _next_continuing(rest, continuing)
            if i < 0:
                lost += n
            else:
                target = rest[i]
                piles[target][rest[i + 1 :]] += n
                transfers[target] += n
        piles[loser] = Counter()
        for o, n in transfers.items():
            votes[o] += n
        votes[loser] = 0
        exhausted += lost
        record["excluded"] = [loser]
        record["transfers"] = {o: n for o, n in transfers.items() if n}
        record["newly_exhausted"] = lost
    details = {
        "rounds": len(rounds),
        "exhausted": exhausted,
        "majority_needed": rounds[-1]["majority"] if rounds else None,
    }
    return Result(
        method="irv",
        options=options,
        counts=dict(votes),
        winners=(winner,) if winner else (),
        rounds=tuple(rounds),
        tie_breaks=tuple(ties),
        ballots_counted=total,
        details=details,
    )


# --------------------------------------------------------------------------------------------
# Single transferable vote (Scottish rules)
# --------------------------------------------------------------------------------------------


def _fmt(scaled: int) -> str:
    """A non-negative integer in units of 10**-5 as a five-decimal string."""
    whole, frac = divmod(scaled, SCALE)
    return f"{whole}.{frac:05d}"


def _count_stv(ballots, p: _Params, hand) -> Result:
    """Single transferable vote following the Scottish local government rules (SSI 2007/42).

    * Quota (Droop): floor(valid ballots / (seats + 1)) + 1. A candidate whose votes equal or
      exceed the quota at the end of a stage is elected.
    * Surpluses are transferred one per stage, the largest first, by the weighted inclusive
      Gregory method: every ballot the elected candidate holds passes to its next continuing
      preference at a new value = surplus x the ballot's current value / the candidate's total,
      truncated (not rounded) to five decimal places. Ballots with no further preference are
      non-transferable; their share of the surplus is recorded as exhausted. The elected
      candidate is left with exactly the quota, and what truncation drops is recorded as
      truncation loss.
    * When no surplus remains to transfer, the candidate with fewest votes is excluded and all
      its ballots pass on at their current values, in one stage.
    * Ties (equal surpluses, or equal lowest candidates) go by the most recent earlier stage at
      which the tied candidates had unequal votes -- the higher surplus transfers first, the
      lower candidate is excluded -- and otherwise by lot. With three or more tied, each
      earlier stage looked at narrows the tie to those lowest (highest) at it.
    * When the continuing candidates are no more than the vacancies left, they are all elected
      without further transfers.

    Stages are recorded as rounds (key "round"). Votes are integers in units of 10**-5, so
    the arithmetic is exact. At every stage
    sum(counts) + exhausted_total + truncation_loss_total == valid ballots.
    """
    options = p.options
    seats = p.seats
    valid = len(ballots)
    if not valid:
        return Result(
            method="stv",
            options=options,
            counts={o: _fmt(0) for o in options},
            ballots_counted=0,
            details={"seats": seats, "quota": None, "valid_ballots": 0},
        )
    quota = valid // (seats + 1) + 1
    q = quota * SCALE
    # Each candidate's pile: (preferences after it, ballot value) -> number of ballots.
    piles: dict[str, dict[tuple[tuple[str, ...], int], int]] = {o: {} for o in options}
    votes = dict.fromkeys(options, 0)
    for prefs, n in Counter(ballots).items():
        pile = piles[prefs[0]]
        key = (prefs[1:], SCALE)
        pile[key] = pile.get(key, 0) + n
        votes[prefs[0]] += n * SCALE
    continuing = set(options)
    elected: list[str] = []
    pending: list[str] = []  # elected with a surplus not yet transferred
    deemed: list[str] = []
    excluded: list[str] = []
    history: list[tuple[int, dict[str, int]]] = []
    rounds: list[dict] = []
    ties: list[dict] = []
    exhausted_total = 0
    loss_total = 0

    def move(rest, value, n, transfers):
        i = _next_continuing(rest, continuing)
        if i < 0:
            return value * n
        target = rest[i]
        key = (rest[i + 1 :], value)
        pile = piles[target]
        pile[key] = pile.get(key, 0) + n
        transfers[target] = transfers.get(target, 0) + value * n
        return 0

    stage = 1
    record: dict = {"action": "first_preferences", "candidate": None}
    while True:
        reached = [o for o in options if o in continuing and votes[o] >= q]
        reached.sort(key=lambda o: -votes[o])
        for o in reached:
            continuing.discard(o)
            elected.append(o)
            if votes[o] > q:
                pending.append(o)
        vacancies = seats - len(elected)
        if vacancies > 0 and len(continuing) <= vacancies:
            # Last vacancies: the continuing candidates are all elected, no more transfers.
            deemed = [o for o in options if o in continuing]
            deemed.sort(key=lambda o: -votes[o])
            elected.extend(deemed)
            continuing.clear()
            vacancies = 0
        rounds.append(
            {
                "round": stage,
                "action": record["action"],
                "candidate": record["candidate"],
                "surplus": record.get("surplus"),
                "transfer_value": record.get("transfer_value"),
                "transfer_values": record.get("transfer_values", []),
                "transfers": record.get("transfers", {}),
                "exhausted": record.get("exhausted", _fmt(0)),
                "truncation_loss": record.get("truncation_loss", _fmt(0)),
                "quota": _fmt(q),
                "counts": {o: _fmt(votes[o]) for o in options},
                "elected": reached + deemed,
                "elected_without_quota": list(deemed),
                "excluded": [record["candidate"]] if record["action"] == "exclusion" else [],
                "exhausted_total": _fmt(exhausted_total),
                "truncation_loss_total": _fmt(loss_total),
            }
        )
        history.append((stage, dict(votes)))
        if vacancies <= 0:
            break
        transfers: dict[str, int] = {}
        if pending:
            biggest = max(votes[o] for o in pending)
            tied = [o for o in options if o in pending and votes[o] == biggest]
            if len(tied) == 1:
                source = tied[0]
            else:
                source, tie = _break_tie(
                    tied, history[:-1], stage, p.seed, lowest=False, purpose="surplus_order"
                )
                ties.append(tie)
            pending.remove(source)
            total = votes[source]
            surplus = total - q
            lost = 0
            moved = 0
            values: dict[int, list[int]] = {}
            for (rest, value), n in piles[source].items():
                new = surplus * value // total  # truncated to five decimal places
                moved += new * n
                lost += move(rest, new, n, transfers)
                entry = values.setdefault(value, [new, 0])
                entry[1] += n
            piles[source] = {}
            votes[source] = q
            loss = surplus - moved
            stage += 1
            record = {
                "action": "surplus",
                "candidate": source,
                "surplus": _fmt(surplus),
                "transfer_value": _fmt(surplus * SCALE // total),
                "transfer_values": [
                    {"value": _fmt(v), "new_value": _fmt(nv), "ballots": n}
                    for v, (nv, n) in sorted(values.items(), reverse=True)
                ],
            }
        else:
            fewest = min(votes[o] for o in options if o in continuing)
            tied = [o for o in options if o in continuing and votes[o] == fewest]
            if len(tied) == 1:
                source = tied[0]
            else:
                source, tie = _break_tie(
                    tied, history[:-1], stage, p.seed, lowest=True, purpose="exclusion"
                )
                ties.append(tie)
            continuing.discard(source)
            excluded.append(source)
            lost = 0
            for (rest, value), n in piles[source].items():
                lost += move(rest, value, n, transfers)
            piles[source] = {}
            votes[source] = 0
            loss = 0
            stage += 1
            record = {"action": "exclusion", "candidate": source}
        for o, v in transfers.items():
            votes[o] += v
        exhausted_total += lost
        loss_total += loss
        record["transfers"] = {o: _fmt(transfers[o]) for o in options if o in transfers}
        record["exhausted"] = _fmt(lost)
        record["truncation_loss"] = _fmt(loss)
    details = {
        "seats": seats,
        "quota": quota,
        "valid_ballots": valid,
        "stages": len(rounds),
        "exhausted": _fmt(exhausted_total),
        "truncation_loss": _fmt(loss_total),
        "elected_without_quota": deemed,
        "excluded": excluded,
    }
    return Result(
        method="stv",
        options=options,
        counts={o: _fmt(votes[o]) for o in options},
        winners=tuple(elected),
        rounds=tuple(rounds),
        tie_breaks=tuple(ties),
        ballots_counted=valid,
        details=details,
    )


_COUNTERS = {
    "majority": _count_majority,
    "consensus": _count_consensus,
    "single": _count_single,
    "approval": _count_approval,
    "irv": _count_irv,
    "stv": _count_stv,
    "score": _count_score,
    "dots": _count_dots,
    "temperature": _count_temperature,
}
