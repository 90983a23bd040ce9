"""Unit and property tests for decisions.tally (pure Python; run with ``-p no:django``)."""

import hashlib
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decisions.tally import (
    METHODS,
    Result,
    TallyError,
    count,
    seed_digest,
    validate_ballot,
)

ABCD = ["A", "B", "C", "D"]


def lot(seed, round_number, options):
    """Independent re-implementation of the published lot rule."""
    return sorted(
        options, key=lambda o: hashlib.sha256(f"{seed}:{round_number}:{o}".encode()).hexdigest()
    )


def majority(yes=0, no=0, abstain=0, **kw):
    return count("majority", ["yes"] * yes + ["no"] * no + ["abstain"] * abstain, options=(), **kw)


# --------------------------------------------------------------------------------------------
# majority
# --------------------------------------------------------------------------------------------


class TestMajority:
    def test_simple_needs_more_than_half(self):
        assert majority(3, 2).passed is True
        assert majority(2, 2).passed is False
        r = majority(3, 2)
        assert r.counts == {"yes": 3, "no": 2, "abstain": 0}
        assert r.details["base"] == 5
        assert r.details["required_yes"] == 3
        assert r.winners == ()

    def test_two_thirds_boundary(self):
        assert majority(4, 2, threshold="two_thirds").passed is True  # exactly 2/3
        assert majority(2, 1, threshold="two_thirds").passed is True  # exactly 2/3
        assert majority(3, 2, threshold="two_thirds").passed is False  # 3/5 < 2/3
        assert majority(6, 4, threshold="two_thirds").passed is False  # 6/10 < 2/3
        assert majority(7, 4, threshold="two_thirds").passed is False  # 7/11 < 2/3
        assert majority(8, 4, threshold="two_thirds").passed is True  # 8/12 == 2/3

    def test_two_thirds_exact_boundary_strict(self):
        r = majority(20, 10, threshold="two_thirds")
        assert r.passed is True
        assert r.details["required_yes"] == 20
        assert majority(19, 11, threshold="two_thirds").passed is False

    def test_three_quarters_boundary(self):
        assert majority(3, 1, threshold="three_quarters").passed is True
        assert majority(15, 5, threshold="three_quarters").passed is True
        assert majority(14, 6, threshold="three_quarters").passed is False
        assert majority(5, 2, threshold="three_quarters").passed is False

    def test_abstentions_out_and_in_base(self):
        out = majority(3, 2, 1)
        assert out.passed is True and out.details["base"] == 5
        inside = majority(3, 2, 1, abstentions_in_base=True)
        assert inside.passed is False and inside.details["base"] == 6
        assert inside.ballots_counted == 6

    def test_unanimous(self):
        assert majority(5, 0, threshold="unanimous").passed is True
        assert majority(5, 1, threshold="unanimous").passed is False
        # An abstention does not break unanimity when abstentions are outside the base ...
        assert majority(3, 0, 1, threshold="unanimous").passed is True
        # ... but it does when every vote in the base must be yes.
        assert majority(3, 0, 1, threshold="unanimous", abstentions_in_base=True).passed is False

    def test_zero_base_fails(self):
        for threshold in ("simple", "two_thirds", "three_quarters", "unanimous"):
            assert majority(0, 0, 3, threshold=threshold).passed is False
            assert majority(threshold=threshold).passed is False

    def test_entered_counts_added(self):
        r = majority(2, 1, entered={"yes": 10, "no": 12, "abstain": 1})
        assert r.counts == {"yes": 12, "no": 13, "abstain": 1}
        assert r.passed is False
        assert r.details["electronic"] == {"yes": 2, "no": 1, "abstain": 0}
        assert r.details["entered"] == {"yes": 10, "no": 12, "abstain": 1}
        assert r.ballots_counted == 26

    def test_bad_input(self):
        with pytest.raises(TallyError, match="yes"):
            count("majority", ["maybe"], options=())
        with pytest.raises(TallyError, match="threshold"):
            count("majority", [], options=(), threshold="most")
        with pytest.raises(TallyError, match="unknown answer"):
            count("majority", [], options=(), entered={"perhaps": 1})
        with pytest.raises(TallyError, match="whole number"):
            count("majority", [], options=(), entered={"yes": -1})


# --------------------------------------------------------------------------------------------
# consensus
# --------------------------------------------------------------------------------------------


class TestConsensus:
    def test_block_stops_it(self):
        r = count("consensus", ["agree"] * 5 + ["stand_aside", "block"], options=())
        assert r.passed is False
        assert r.counts == {"agree": 5, "stand_aside": 1, "block": 1}
        assert r.details["blocks"] == 1

    def test_one_block_allowed(self):
        ballots = ["agree"] * 5 + ["block"]
        assert count("consensus", ballots, options=(), max_blocks=1).passed is True
        assert count("consensus", ballots + ["block"], options=(), max_blocks=1).passed is False

    def test_needs_one_agree(self):
        assert count("consensus", ["stand_aside"] * 3, options=()).passed is False
        assert count("consensus", [], options=()).passed is False
        assert count("consensus", ["agree", "stand_aside"], options=()).passed is True

    def test_entered(self):
        r = count("consensus", ["agree"], options=(), entered={"agree": 4, "block": 1})
        assert r.counts == {"agree": 5, "stand_aside": 0, "block": 1}
        assert r.passed is False
        assert r.details["electronic"]["agree"] == 1


# --------------------------------------------------------------------------------------------
# single choice
# --------------------------------------------------------------------------------------------


class TestSingle:
    def test_most_votes_wins(self):
        r = count("single", ["A", "B", "B", "C"], options=["A", "B", "C"])
        assert r.winners == ("B",)
        assert r.counts == {"A": 1, "B": 2, "C": 1}
        assert r.tie_breaks == ()

    def test_tie_by_lot(self):
        for seed in ("alpha", "beta", "gamma"):
            r = count("single", ["A", "B"], options=["A", "B", "C"], seed=seed)
            order = lot(seed, 1, ["A", "B"])
            assert r.winners == (order[0],)
            (tie,) = r.tie_breaks
            assert tie["resolved_by"] == "lot"
            assert tie["lot_order"] == order
            assert tie["tied"] == ["A", "B"]

    def test_entered_combined(self):
        r = count("single", ["A", "A", "B"], options=["A", "B"], entered={"B": 3})
        assert r.counts == {"A": 2, "B": 4}
        assert r.winners == ("B",)
        assert r.details["electronic"] == {"A": 2, "B": 1}
        assert r.details["entered"] == {"A": 0, "B": 3}
        assert r.ballots_counted == 6

    def test_no_votes_no_winner(self):
        assert count("single", [], options=["A", "B"]).winners == ()

    def test_unknown_option(self):
        with pytest.raises(TallyError, match="not an option"):
            count("single", ["Z"], options=["A", "B"])
        with pytest.raises(TallyError, match="unknown answer"):
            count("single", [], options=["A"], entered={"Z": 1})


# --------------------------------------------------------------------------------------------
# approval
# --------------------------------------------------------------------------------------------


class TestApproval:
    def test_counts_and_winners(self):
        ballots = [["A", "B"], ["B"], ["B", "C"], ["C", "A"], []]
        r = count("approval", ballots, options=["A", "B", "C"], seats=2)
        assert r.counts == {"A": 2, "B": 3, "C": 2}
        assert r.winners[0] == "B"
        assert len(r.winners) == 2
        (tie,) = r.tie_breaks
        assert tie["tied"] == ["A", "C"] and tie["seats_available"] == 1
        assert r.winners[1] == lot("", 1, ["A", "C"])[0]
        assert r.details["empty_ballots"] == 1

    def test_sets_accepted(self):
        r = count("approval", [{"B", "A"}, frozenset({"A"})], options=["A", "B"])
        assert r.counts == {"A": 2, "B": 1}

    def test_min_and_max(self):
        opts = ["A", "B", "C"]
        with pytest.raises(TallyError, match="at least 2"):
            count("approval", [["A"]], options=opts, min_choices=2)
        with pytest.raises(TallyError, match="at most 1"):
            count("approval", [["A", "B"]], options=opts, max_choices=1)
        assert count("approval", [["A", "B"]], options=opts, min_choices=2, max_choices=2)
        with pytest.raises(TallyError, match="larger than the maximum"):
            count("approval", [], options=opts, min_choices=3, max_choices=2)
        with pytest.raises(TallyError, match="more than once"):
            count("approval", [["A", "A"]], options=opts)

    def test_entered_approvals(self):
        r = count("approval", [["A"], ["A", "B"]], options=["A", "B"], entered={"B": 5})
        assert r.counts == {"A": 2, "B": 6}
        assert r.winners == ("B",)
        assert r.ballots_counted == 2


# --------------------------------------------------------------------------------------------
# instant runoff
# --------------------------------------------------------------------------------------------


class TestIRV:
    def test_leader_on_first_preferences_loses(self):
        ballots = [["A"]] * 8 + [["B", "C"]] * 5 + [["C", "B"]] * 6
        r = count("irv", ballots, options=["A", "B", "C"])
        assert r.rounds[0]["counts"] == {"A": 8, "B": 5, "C": 6}
        assert r.rounds[0]["excluded"] == ["B"]
        assert r.rounds[0]["transfers"] == {"C": 5}
        assert r.rounds[1]["counts"] == {"A": 8, "B": 0, "C": 11}
        assert r.winners == ("C",)
        assert r.rounds[1]["elected"] == ["C"]

    def test_exhausted_ballots_leave_the_base(self):
        ballots = [["A"]] * 8 + [["B"]] * 5 + [["C", "B"]] * 6
        r = count("irv", ballots, options=["A", "B", "C"])
        first, second = r.rounds
        assert first["continuing_votes"] == 19 and first["excluded"] == ["B"]
        assert first["newly_exhausted"] == 5
        assert second["exhausted"] == 5
        assert second["continuing_votes"] == 14
        assert second["majority"] == 8
        assert r.winners == ("A",)  # 8 of 14 continuing votes
        assert r.details["exhausted"] == 5

    def test_first_round_majority(self):
        r = count("irv", [["A", "B"]] * 3 + [["B"]] * 2, options=["A", "B"])
        assert r.winners == ("A",) and len(r.rounds) == 1

    def test_tie_resolved_by_earlier_round(self):
        ballots = (
            [["A"]] * 7 + [["B"]] * 4 + [["C"]] * 3 + [["D", "C"]] + [["D"]]
        )  # round 1: A7 B4 C3 D2
        r = count("irv", ballots, options=ABCD)
        assert r.rounds[0]["excluded"] == ["D"]
        assert r.rounds[1]["counts"] == {"A": 7, "B": 4, "C": 4, "D": 0}
        # B and C tie at round 2; C had fewer votes at round 1 and goes.
        assert r.rounds[1]["excluded"] == ["C"]
        (tie,) = r.tie_breaks
        assert tie == {
            "round": 2,
            "purpose": "exclusion",
            "tied": ["B", "C"],
            "earlier_rounds": [1],
            "resolved_by": "earlier_round",
            "chosen": "C",
        }
        assert r.winners == ("A",)

    def test_tie_resolved_by_lot(self):
        ballots = [["A"]] * 3 + [["B", "A"]] * 2 + [["C", "B"]] * 2
        outcomes = set()
        for i in range(40):
            seed = f"seed-{i}"
            r = count("irv", ballots, options=["A", "B", "C"], seed=seed)
            (tie,) = r.tie_breaks
            order = lot(seed, 1, ["B", "C"])
            assert tie["resolved_by"] == "lot" and tie["lot_order"] == order
            assert r.rounds[0]["excluded"] == [order[0]]
            # B out: A gets 2 more (5 of 7). C out: B gets 2 more (4 of 7).
            assert r.winners == (("A",) if order[0] == "B" else ("B",))
            # Same seed, same result.
            assert count("irv", ballots, options=["A", "B", "C"], seed=seed) == r
            outcomes.add(r.winners)
        assert outcomes == {("A",), ("B",)}  # a different seed may differ

    def test_bad_ballots(self):
        with pytest.raises(TallyError, match="more than once"):
            count("irv", [["A", "B", "A"]], options=ABCD)
        with pytest.raises(TallyError, match="not an option"):
            count("irv", [["A", "Z"]], options=ABCD)
        with pytest.raises(TallyError, match="at least one preference"):
            count("irv", [[]], options=ABCD)
        with pytest.raises(TallyError, match="order of preference"):
            count("irv", [{"A", "B"}], options=ABCD)
        with pytest.raises(TallyError, match="exactly one seat"):
            count("irv", [], options=ABCD, seats=2)
        with pytest.raises(TallyError, match="Hand-entered"):
            count("irv", [], options=ABCD, entered={"A": 3})

    def test_no_ballots(self):
        r = count("irv", [], options=ABCD)
        assert r.winners == () and r.rounds == ()


# --------------------------------------------------------------------------------------------
# STV
# --------------------------------------------------------------------------------------------


def total_weight(stage) -> Decimal:
    return (
        sum(Decimal(v) for v in stage["counts"].values())
        + Decimal(stage["exhausted_total"])
        + Decimal(stage["truncation_loss_total"])
    )


class TestSTV:
    def test_surplus_transfer_truncated_then_exclusions(self):
        ballots = (
            [["A", "B"]] * 6 + [["A", "C"]] * 2 + [["A"]] + [["C"]] * 3 + [["D"]] * 2 + [["B"]]
        )
        r = count("stv", ballots, options=ABCD, seats=2)
        assert r.details["quota"] == 6  # floor(15 / 3) + 1
        s1, s2, s3, s4 = r.rounds
        assert s1["counts"] == {"A": "9.00000", "B": "1.00000", "C": "3.00000", "D": "2.00000"}
        assert s1["elected"] == ["A"]
        # A's surplus 3 of 9: every one of A's 9 ballots moves at 3/9 = 0.33333 (truncated).
        assert s2["action"] == "surplus" and s2["candidate"] == "A"
        assert s2["surplus"] == "3.00000"
        assert s2["transfer_value"] == "0.33333"
        assert s2["transfers"] == {"B": "1.99998", "C": "0.66666"}
        assert s2["exhausted"] == "0.33333"  # the ballot with no further preference
        assert s2["truncation_loss"] == "0.00003"
        assert s2["counts"] == {"A": "6.00000", "B": "2.99998", "C": "3.66666", "D": "2.00000"}
        # No surplus left: D (2) is excluded, its ballots have no next preference.
        assert s3["action"] == "exclusion" and s3["excluded"] == ["D"]
        assert s3["exhausted"] == "2.00000"
        # B (2.99998) is excluded next; C is then the only continuing candidate for one seat.
        assert s4["excluded"] == ["B"]
        assert s4["elected"] == ["C"] and s4["elected_without_quota"] == ["C"]
        assert r.winners == ("A", "C")
        assert r.counts == {"A": "6.00000", "B": "0.00000", "C": "3.66666", "D": "0.00000"}
        assert r.details["exhausted"] == "5.33331"
        assert r.details["truncation_loss"] == "0.00003"
        for stage in r.rounds:
            assert total_weight(stage) == 15

    def test_truncation_not_rounding(self):
        # Surplus 6 of 9 gives 0.666666...: truncated to 0.66666, never rounded to 0.66667.
        ballots = [["A", "B", "C"]] * 9 + [["C"]] + [["D"]]
        r = count("stv", ballots, options=ABCD, seats=3, seed="s")
        assert r.details["quota"] == 3
        s2 = r.rounds[1]
        assert s2["transfer_value"] == "0.66666"
        assert s2["transfers"] == {"B": "5.99994"}
        assert s2["truncation_loss"] == "0.00006"
        assert s2["elected"] == ["B"]
        # B's surplus 2.99994 of 5.99994 on ballots worth 0.66666 each:
        # 2.99994 * 0.66666 / 5.99994 = 0.333325..., truncated to 0.33332.
        s3 = r.rounds[2]
        assert s3["candidate"] == "B"
        assert s3["transfer_values"] == [{"value": "0.66666", "new_value": "0.33332", "ballots": 9}]
        assert s3["transfers"] == {"C": "2.99988"}
        assert r.winners == ("A", "B", "C")
        for stage in r.rounds:
            assert total_weight(stage) == 11

    def test_exclusion_transfers_at_current_value(self):
        ballots = [["A"]] * 5 + [["B"]] * 4 + [["C", "B"]] * 2 + [["D", "A"]]
        r = count("stv", ballots, options=ABCD, seats=2)
        assert r.details["quota"] == 5  # floor(12 / 3) + 1
        s1, s2, s3 = r.rounds
        assert s1["elected"] == ["A"]  # exactly the quota: no surplus to transfer
        assert s2["action"] == "exclusion" and s2["candidate"] == "D"
        assert s2["transfers"] == {}  # A is already elected: skipped, the ballot exhausts
        assert s2["exhausted"] == "1.00000"
        assert s3["candidate"] == "C" and s3["transfers"] == {"B": "2.00000"}
        assert s3["counts"]["B"] == "6.00000"
        assert s3["elected"] == ["B"] and s3["elected_without_quota"] == []
        assert r.winners == ("A", "B")

    def test_exclusion_moves_ballots_at_their_current_value(self):
        ballots = [["A", "C", "D"]] * 6 + [["B"]] * 4 + [["C"]] + [["D"]] * 3
        r = count("stv", ballots, options=ABCD, seats=2)
        assert r.details["quota"] == 5  # floor(14 / 3) + 1
        s1, s2, s3, s4 = r.rounds
        assert s1["elected"] == ["A"]
        assert s2["transfer_value"] == "0.16666"  # 1/6 truncated
        assert s2["transfers"] == {"C": "0.99996"}
        assert s2["counts"]["C"] == "1.99996"
        # C is excluded: its own first preference exhausts at 1, and the six ballots it
        # received from A move on to D at the value they carry, 0.16666.
        assert s3["candidate"] == "C"
        assert s3["transfers"] == {"D": "0.99996"}
        assert s3["exhausted"] == "1.00000"
        assert s3["counts"]["D"] == "3.99996"
        # D falls short of B by the truncation and is excluded; B takes the last seat.
        assert s4["candidate"] == "D" and s4["elected_without_quota"] == ["B"]
        assert r.winners == ("A", "B")
        for stage in r.rounds:
            assert total_weight(stage) == 14

    def test_remaining_candidates_fill_remaining_seats(self):
        ballots = [["A"]] * 6 + [["B"]] * 2 + [["C"]] * 2 + [["D"]]
        r = count("stv", ballots, options=ABCD, seats=3)
        assert r.details["quota"] == 3
        # A elected; its surplus (3) exhausts; D excluded; B and C fill the last two seats.
        assert r.winners == ("A", "B", "C")
        last = r.rounds[-1]
        assert last["excluded"] == ["D"]
        assert last["elected_without_quota"] == ["B", "C"]
        assert r.details["elected_without_quota"] == ["B", "C"]

    def test_all_elected_when_seats_cover_candidates(self):
        r = count("stv", [["A"]], options=["A", "B"], seats=3)
        assert r.winners == ("A", "B")
        assert len(r.rounds) == 1

    def test_equal_surpluses_broken_by_lot(self):
        ballots = [["A", "C"]] * 4 + [["B", "D"]] * 4 + [["C"]] + [["D"]]
        r = count("stv", ballots, options=ABCD, seats=3, seed="z")
        assert r.details["quota"] == 3
        tie = r.tie_breaks[0]
        assert tie["purpose"] == "surplus_order"
        assert tie["tied"] == ["A", "B"] and tie["resolved_by"] == "lot"
        assert r.rounds[1]["candidate"] == lot("z", 1, ["A", "B"])[0]

    def test_no_ballots(self):
        r = count("stv", [], options=ABCD, seats=2)
        assert r.winners == () and r.details["quota"] is None


# --------------------------------------------------------------------------------------------
# score, dots, temperature
# --------------------------------------------------------------------------------------------


class TestScoreDotsTemperature:
    def test_score(self):
        ballots = [{"A": 5, "B": 3}, {"A": 1}, {"B": 5, "C": 0}]
        r = count("score", ballots, options=["A", "B", "C"])
        assert r.counts == {"A": 6, "B": 8, "C": 0}
        assert r.winners == ("B",)
        assert r.details["scored_by"] == {"A": 2, "B": 2, "C": 1}
        assert r.details["average"] == {"A": "3.00", "B": "4.00", "C": "0.00"}

    def test_score_range(self):
        with pytest.raises(TallyError, match="from 0 to 5"):
            count("score", [{"A": 6}], options=["A"])
        with pytest.raises(TallyError, match="from 0 to 10"):
            count("score", [{"A": -1}], options=["A"], score_max=10)
        with pytest.raises(TallyError, match="whole number"):
            count("score", [{"A": 2.5}], options=["A"])
        with pytest.raises(TallyError, match="Hand-entered"):
            count("score", [], options=["A"], entered={"A": 2})

    def test_dots(self):
        r = count("dots", [{"A": 3}, {"A": 1, "B": 2}], options=["A", "B"], dots=3)
        assert r.counts == {"A": 4, "B": 2}
        assert r.winners == ("A",)

    def test_dots_over_budget(self):
        with pytest.raises(TallyError, match="at most 3"):
            count("dots", [{"A": 2, "B": 2}], options=["A", "B"], dots=3)
        with pytest.raises(TallyError, match="number of dots"):
            count("dots", [], options=["A", "B"])

    def test_temperature(self):
        r = count("temperature", [0, 3, 3, 5, 4], options=())
        assert r.counts == {"0": 1, "1": 0, "2": 0, "3": 2, "4": 1, "5": 1}
        assert r.details["mean"] == "3.00" and r.details["median"] == "3"
        assert r.passed is None and r.winners == ()
        even = count("temperature", [1, 2], options=())
        assert even.details["mean"] == "1.50" and even.details["median"] == "1.5"
        third = count("temperature", [1, 1, 2], options=())
        assert third.details["mean"] == "1.33"
        assert count("temperature", [], options=()).details["mean"] is None

    def test_temperature_entered(self):
        r = count("temperature", [5], options=(), entered={4: 2, "0": 1})
        assert r.counts == {"0": 1, "1": 0, "2": 0, "3": 0, "4": 2, "5": 1}
        assert r.details["mean"] == "3.25" and r.details["median"] == "4"
        assert r.details["electronic"]["5"] == 1
        assert r.ballots_counted == 4
        with pytest.raises(TallyError, match="0 to 5"):
            count("temperature", [6], options=())
        with pytest.raises(TallyError, match="0 to 5"):
            count("temperature", [True], options=())


# --------------------------------------------------------------------------------------------
# API odds and ends
# --------------------------------------------------------------------------------------------


class TestAPI:
    def test_unknown_method(self):
        with pytest.raises(TallyError, match="Unknown voting method"):
            count("borda", [], options=ABCD)
        assert issubclass(TallyError, ValueError)

    def test_bad_options_and_seats(self):
        with pytest.raises(TallyError, match="unique"):
            count("single", [], options=["A", "A"])
        with pytest.raises(TallyError, match="at least one option"):
            count("single", [], options=[])
        with pytest.raises(TallyError, match="seats"):
            count("stv", [], options=ABCD, seats=0)

    def test_validate_ballot_normal_forms(self):
        assert validate_ballot("approval", {"C", "A"}, options=ABCD) == ("A", "C")
        assert validate_ballot("stv", ["C", "A"], options=ABCD, seats=2) == ("C", "A")
        assert validate_ballot("dots", {"B": 0, "A": 2}, options=ABCD, dots=5) == {"A": 2}
        assert validate_ballot("score", {"B": 0, "A": 2}, options=ABCD) == {"A": 2, "B": 0}
        assert validate_ballot("majority", "abstain") == "abstain"
        assert validate_ballot("single", "A", options=ABCD, seed="x", entered=None) == "A"
        with pytest.raises(TallyError, match="at most 2"):
            validate_ballot("approval", ["A", "B", "C"], options=ABCD, max_choices=2)

    def test_ballot_number_in_error(self):
        with pytest.raises(TallyError, match="Ballot 2"):
            count("single", ["A", "Q"], options=ABCD)

    def test_seed_digest(self):
        assert seed_digest("abc") == hashlib.sha256(b"abc").hexdigest()

    def test_as_dict_is_json(self):
        r = count("stv", [["A", "B"]] * 5 + [["C"]] * 2, options=ABCD, seats=2)
        data = r.as_dict()
        assert json.loads(json.dumps(data)) == data
        assert data["winners"] == list(r.winners)
        assert isinstance(r, Result)


# --------------------------------------------------------------------------------------------
# Property tests
# --------------------------------------------------------------------------------------------

OPTS = ["a", "b", "c", "d", "e", "f"]
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def ranked_ballots(options, max_size=30):
    one = st.permutations(options).flatmap(
        lambda perm: st.integers(1, len(perm)).map(lambda k: list(perm[:k]))
    )
    return st.lists(one, max_size=max_size)


@st.composite
def ranked_poll(draw, min_options=1, max_size=30):
    n = draw(st.integers(min_options, len(OPTS)))
    options = OPTS[:n]
    return options, draw(ranked_ballots(options, max_size))


@st.composite
def any_poll(draw):
    """A method, ballots of the right shape, and the parameters to count them."""
    method = draw(st.sampled_from(METHODS))
    n = draw(st.integers(1, 5))
    options = OPTS[:n]
    kw: dict = {"options": options, "seed": draw(st.sampled_from(["", "x", "seed"]))}
    if method == "majority":
        ballots = draw(st.lists(st.sampled_from(["yes", "no", "abstain"]), max_size=25))
        kw["threshold"] = draw(st.sampled_from(["simple", "two_thirds", "unanimous"]))
    elif method == "consensus":
        ballots = draw(st.lists(st.sampled_from(["agree", "stand_aside", "block"]), max_size=25))
    elif method == "temperature":
        ballots = draw(st.lists(st.integers(0, 5), max_size=25))
    elif method == "single":
        ballots = draw(st.lists(st.sampled_from(options), max_size=25))
        kw["seats"] = draw(st.integers(1, 3))
    elif method == "approval":
        ballots = draw(st.lists(st.lists(st.sampled_from(options), unique=True), max_size=25))
        kw["seats"] = draw(st.integers(1, 3))
    elif method in ("irv", "stv"):
        ballots = draw(ranked_ballots(options, 25))
        if method == "stv":
            kw["seats"] = draw(st.integers(1, 4))
    elif method == "score":
        ballots = draw(
            st.lists(st.dictionaries(st.sampled_from(options), st.integers(0, 5)), max_size=25)
        )
        kw["seats"] = draw(st.integers(1, 2))
    else:  # dots
        ballots = draw(
            st.lists(
                st.dictionaries(st.sampled_from(options), st.integers(0, 2), max_size=2),
                max_size=25,
            )
        )
        kw["dots"] = 4
    return method, ballots, kw


@FAST
@given(data=st.data())
def test_permuting_ballots_never_changes_the_result(data):
    method, ballots, kw = data.draw(any_poll())
    shuffled = data.draw(st.permutations(ballots))
    assert count(method, shuffled, **kw).as_dict() == count(method, ballots, **kw).as_dict()


@FAST
@given(poll=ranked_poll(min_options=2), leader=st.integers(0, 5))
def test_irv_first_preference_majority_wins_in_round_one(poll, leader):
    options, ballots = poll
    winner = options[leader % len(options)]
    others = sum(1 for b in ballots if b[0] != winner)
    mine = sum(1 for b in ballots if b[0] == winner)
    ballots = ballots + [[winner]] * max(0, others - mine + 1)
    r = count("irv", ballots, options=options)
    assert r.winners == (winner,)
    assert len(r.rounds) == 1


@FAST
@given(poll=ranked_poll(), seats=st.integers(1, 5), seed=st.text(max_size=3))
def test_stv_conserves_weight_and_fills_seats(poll, seats, seed):
    options, ballots = poll
    r = count("stv", ballots, options=options, seats=seats, seed=seed)
    if not ballots:
        assert r.winners == ()
        return
    # Under the Scottish rules the count always continues until every seat is filled, with
    # the last continuing candidates deemed elected, even without votes.
    assert len(r.winners) == min(seats, len(options))
    assert len(set(r.winners)) == len(r.winners)
    valid = len(ballots)
    previous_loss = Decimal(0)
    for stage in r.rounds:
        assert total_weight(stage) == valid
        loss = Decimal(stage["truncation_loss"])
        assert loss >= 0
        # truncation drops less than 0.00001 per ballot transferred
        assert loss < Decimal("0.00001") * valid or loss == 0
        assert Decimal(stage["truncation_loss_total"]) == previous_loss + loss
        previous_loss += loss
        assert all(Decimal(v) >= 0 for v in stage["counts"].values())
    quota = r.details["quota"]
    for o in r.winners:
        if o not in r.details["elected_without_quota"]:
            assert Decimal(r.counts[o]) >= quota


@FAST
@given(
    ballots=st.lists(st.lists(st.sampled_from(OPTS), unique=True), max_size=40),
    seats=st.integers(1, 4),
)
def test_approval_counts_are_sums(ballots, seats):
    r = count("approval", ballots, options=OPTS, seats=seats)
    for o in OPTS:
        assert r.counts[o] == sum(o in b for b in ballots)
    assert len(r.winners) == min(seats, sum(1 for o in OPTS if r.counts[o] > 0))
    lowest_winner = min((r.counts[o] for o in r.winners), default=None)
    for o in OPTS:
        if o not in r.winners and lowest_winner is not None:
            assert r.counts[o] <= lowest_winner


@FAST
@given(
    yes=st.integers(0, 30),
    no=st.integers(0, 30),
    abstain=st.integers(0, 30),
    threshold=st.sampled_from(["simple", "two_thirds", "three_quarters", "unanimous"]),
    in_base=st.booleans(),
)
def test_majority_is_monotone_in_yes(yes, no, abstain, threshold, in_base):
    kw = {"threshold": threshold, "abstentions_in_base": in_base}
    before = majority(yes, no, abstain, **kw).passed
    after = majority(yes + 1, no, abstain, **kw).passed
    assert not (before and not after)
    # and the exact rule, in rationals
    base = yes + no + (abstain if in_base else 0)
    share = {"simple": None, "two_thirds": (2, 3), "three_quarters": (3, 4)}.get(threshold)
    if threshold == "simple":
        expected = base > 0 and 2 * yes > base
    elif threshold == "unanimous":
        expected = base > 0 and yes == base
    else:
        expected = base > 0 and share[1] * yes >= share[0] * base
    assert before is expected


@FAST
@given(data=st.data())
def test_results_are_json_serialisable(data):
    method, ballots, kw = data.draw(any_poll())
    r = count(method, ballots, **kw)
    d = r.as_dict()
    assert json.loads(json.dumps(d)) == d
