"""Tests for meetings.stack: speaking-queue ordering."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meetings.stack import KINDS, PROGRESSIVE_MODES, Hand, effective_kind, next_hand, order

PRIORITY = {kind: rank for rank, kind in enumerate(KINDS)}


def ids(hands):
    return [hand.id for hand in hands]


def hand(id, kind="regular", *, member=None, seq=None, **extra):
    """A hand whose member and raise order default to its id."""
    return Hand(
        id=id,
        member_id=id if member is None else member,
        kind=kind,
        raised_seq=id if seq is None else seq,
        **extra,
    )


# --- kinds ---------------------------------------------------------------------------------


def test_empty_stack():
    assert order([]) == []
    assert next_hand([]) is None


def test_kind_priority_beats_raise_order():
    hands = [
        hand(1, "regular"),
        hand(2, "response", responds_to=50),
        hand(3, "clarify"),
        hand(4, "process"),
    ]
    assert ids(order(hands, current_speaker=50)) == [4, 3, 2, 1]


@pytest.mark.parametrize(
    ("higher", "lower"),
    [
        ("process", "clarify"),
        ("process", "response"),
        ("process", "regular"),
        ("clarify", "response"),
        ("clarify", "regular"),
        ("response", "regular"),
    ],
)
def test_each_pair_of_kinds(higher, lower):
    # The lower-priority hand was raised first and still goes second.
    hands = [hand(1, lower, responds_to=50), hand(2, higher, responds_to=50)]
    assert ids(order(hands, current_speaker=50)) == [2, 1]


def test_within_a_kind_earliest_raised_first():
    hands = [hand(1, "clarify", seq=30), hand(2, "clarify", seq=10), hand(3, "clarify", seq=20)]
    assert ids(order(hands)) == [2, 3, 1]


def test_equal_raise_seq_falls_back_to_id():
    hands = [hand(7, seq=5), hand(3, seq=5), hand(5, seq=5)]
    assert ids(order(hands)) == [3, 5, 7]


def test_unknown_kind_rejected():
    with pytest.raises(ValueError, match="unknown hand kind"):
        hand(1, "urgent")


def test_negative_pin_rejected():
    with pytest.raises(ValueError, match="pinned_position"):
        hand(1, pinned_position=-1, pinned_seq=1)


def test_duplicate_ids_rejected():
    with pytest.raises(ValueError, match="unique"):
        order([hand(1), hand(1, member=2)])


# --- responses -----------------------------------------------------------------------------


def test_effective_kind():
    assert effective_kind(hand(1, "response", responds_to=50), 50) == "response"
    assert effective_kind(hand(1, "response", responds_to=50), 51) == "regular"
    assert effective_kind(hand(1, "response", responds_to=50), None) == "regular"
    assert effective_kind(hand(1, "response"), None) == "regular"
    for kind in ("process", "clarify", "regular"):
        assert effective_kind(hand(1, kind), 50) == kind
        assert effective_kind(hand(1, kind), None) == kind


def test_response_goes_ahead_of_regular_while_its_speaker_speaks():
    hands = [hand(1, "regular"), hand(2, "response", responds_to=50)]
    assert ids(order(hands, current_speaker=50)) == [2, 1]


def test_response_turns_regular_when_the_speaker_changes():
    # After the speaker changes, the response keeps its original raise time among regulars.
    hands = [hand(1, "regular", seq=1), hand(2, "response", seq=2, responds_to=50)]
    hands.append(hand(3, "regular", seq=3))
    assert ids(order(hands, current_speaker=51)) == [1, 2, 3]
    assert ids(order(hands, current_speaker=None)) == [1, 2, 3]
    early = [hand(1, "regular", seq=5), hand(2, "response", seq=1, responds_to=50)]
    assert ids(order(early, current_speaker=51)) == [2, 1]


def test_response_to_another_speaker_is_behind_clarify_and_process():
    hands = [
        hand(1, "response", responds_to=50),
        hand(2, "response", responds_to=51),
        hand(3, "clarify"),
    ]
    assert ids(order(hands, current_speaker=51)) == [3, 2, 1]


# --- progressive stack ---------------------------------------------------------------------


PROGRESSIVE_HANDS = [
    hand(1, "regular", member=10),  # spoke on the item (and so in the meeting)
    hand(2, "regular", member=20),  # spoke earlier in the meeting, not on this item
    hand(3, "regular", member=30),  # has not spoken
    hand(4, "process", member=10),  # kind still beats progressive
]


def test_progressive_off_ignores_who_has_spoken():
    result = order(
        PROGRESSIVE_HANDS, progressive="off", spoken_on_item={10}, spoken_in_meeting={10, 20}
    )
    assert ids(result) == [4, 1, 2, 3]


def test_progressive_item():
    result = order(
        PROGRESSIVE_HANDS, progressive="item", spoken_on_item={10}, spoken_in_meeting={10, 20}
    )
    assert ids(result) == [4, 2, 3, 1]


def test_progressive_meeting():
    result = order(
        PROGRESSIVE_HANDS, progressive="meeting", spoken_on_item={10}, spoken_in_meeting={10, 20}
    )
    assert ids(result) == [4, 3, 1, 2]


def test_progressive_meeting_counts_item_speakers():
    result = order(PROGRESSIVE_HANDS[:3], progressive="meeting", spoken_on_item={10})
    assert ids(result) == [2, 3, 1]


def test_progressive_applies_within_each_kind_only():
    hands = [
        hand(1, "clarify", member=10),
        hand(2, "clarify", member=20),
        hand(3, "regular", member=30),
        hand(4, "regular", member=10),
    ]
    result = order(hands, progressive="item", spoken_on_item={10})
    assert ids(result) == [2, 1, 3, 4]


def test_progressive_with_response_turned_regular():
    hands = [hand(1, "regular", member=10), hand(2, "response", member=20, responds_to=50)]
    result = order(hands, progressive="item", spoken_on_item={10}, current_speaker=51)
    assert ids(result) == [2, 1]


def test_unknown_progressive_mode_rejected():
    with pytest.raises(ValueError, match="progressive mode"):
        order([hand(1)], progressive="always")
    with pytest.raises(ValueError, match="progressive mode"):
        order([], progressive="on")


def test_next_hand_is_head_of_order():
    assert next_hand(PROGRESSIVE_HANDS, progressive="item", spoken_on_item={10}).id == 4
    assert next_hand(PROGRESSIVE_HANDS[:3], progressive="item", spoken_on_item={10}).id == 2


# --- manual moves --------------------------------------------------------------------------


def test_pinned_move_is_respected():
    hands = [hand(1), hand(2), hand(3, "regular"), hand(4, "process")]
    moved = hand(5, pinned_position=0, pinned_seq=1)
    assert ids(order([*hands, moved])) == [5, 4, 1, 2, 3]
    moved = hand(4, "process", pinned_position=2, pinned_seq=1)
    assert ids(order([*hands[:3], moved])) == [1, 2, 4, 3]


def test_two_pinned_moves():
    hands = [hand(i) for i in range(1, 5)]
    first = hand(10, pinned_position=3, pinned_seq=1)
    second = hand(11, pinned_position=1, pinned_seq=2)
    assert ids(order([*hands, first, second])) == [1, 11, 2, 10, 3, 4]


def test_later_move_wins_a_contested_slot():
    hands = [hand(i) for i in range(1, 4)]
    older = hand(10, pinned_position=1, pinned_seq=1)
    newer = hand(11, pinned_position=1, pinned_seq=2)
    assert ids(order([*hands, older, newer])) == [1, 11, 10, 2, 3]


def test_pin_beyond_the_end_is_clamped():
    hands = [hand(1), hand(2), hand(3, pinned_position=99, pinned_seq=1)]
    assert ids(order(hands)) == [1, 2, 3]
    hands = [hand(1, pinned_position=99, pinned_seq=1), hand(2), hand(3)]
    assert ids(order(hands)) == [2, 3, 1]


def test_two_pins_beyond_the_end_keep_the_order_they_were_pinned_in():
    hands = [
        hand(1, pinned_position=50, pinned_seq=2),
        hand(2, pinned_position=99, pinned_seq=1),
        hand(3),
    ]
    assert ids(order(hands)) == [3, 2, 1]


def test_pin_without_seq_counts_as_oldest():
    hands = [hand(1), hand(2, pinned_position=0), hand(3, pinned_position=0, pinned_seq=0)]
    assert ids(order(hands)) == [3, 2, 1]


def test_pin_seq_without_position_is_ignored():
    hands = [hand(1), hand(2, "process", pinned_seq=5)]
    assert ids(order(hands)) == [2, 1]


def test_pinned_hand_does_not_change_kind_order_of_the_rest():
    hands = [
        hand(1, "regular"),
        hand(2, "process", pinned_position=3, pinned_seq=1),
        hand(3, "clarify"),
        hand(4, "process"),
    ]
    assert ids(order(hands)) == [4, 3, 1, 2]


# --- properties ----------------------------------------------------------------------------

MEMBERS = st.integers(min_value=1, max_value=6)


@st.composite
def hand_lists(draw, *, pins=True):
    rows = draw(
        st.lists(
            st.tuples(
                MEMBERS,
                st.sampled_from(KINDS),
                st.integers(min_value=0, max_value=20),  # raised_seq, with ties
                st.none() | MEMBERS,  # responds_to
                (st.none() | st.integers(min_value=0, max_value=15)) if pins else st.none(),
                st.none() | st.integers(min_value=0, max_value=5),  # pinned_seq, with ties
            ),
            max_size=12,
        )
    )
    hand_ids = draw(st.permutations(range(100, 100 + len(rows))))
    return [
        Hand(
            id=hand_id,
            member_id=member,
            kind=kind,
            raised_seq=raised,
            responds_to=responds_to,
            pinned_position=position,
            pinned_seq=pin_seq,
        )
        for hand_id, (member, kind, raised, responds_to, position, pin_seq) in zip(
            hand_ids, rows, strict=True
        )
    ]


contexts = st.fixed_dictionaries(
    {
        "progressive": st.sampled_from(PROGRESSIVE_MODES),
        "spoken_on_item": st.frozensets(MEMBERS),
        "spoken_in_meeting": st.frozensets(MEMBERS),
        "current_speaker": st.none() | MEMBERS,
    }
)


def spoken_set(context):
    if context["progressive"] == "item":
        return context["spoken_on_item"]
    if context["progressive"] == "meeting":
        return context["spoken_in_meeting"] | context["spoken_on_item"]
    return frozenset()


def pin_recency(h):
    return (h.pinned_seq is not None, h.pinned_seq or 0, h.id)


PROPERTY = settings(max_examples=150, deadline=None)


@PROPERTY
@given(hand_lists(), contexts)
def test_output_is_a_permutation_of_input(hands, context):
    result = order(hands, **context)
    assert sorted(ids(result)) == sorted(ids(hands))
    assert set(result) == set(hands)


@PROPERTY
@given(hand_lists(), contexts, st.randoms(use_true_random=False))
def test_result_does_not_depend_on_input_order(hands, context, rnd):
    shuffled = list(hands)
    rnd.shuffle(shuffled)
    assert order(shuffled, **context) == order(hands, **context)
    assert order(reversed(hands), **context) == order(hands, **context)


@PROPERTY
@given(hand_lists(pins=False), contexts)
def test_kind_priority_is_never_violated_without_pins(hands, context):
    speaker = context["current_speaker"]
    ranks = [PRIORITY[effective_kind(h, speaker)] for h in order(hands, **context)]
    assert ranks == sorted(ranks)


@PROPERTY
@given(hand_lists(pins=False), contexts)
def test_raise_order_within_a_kind_without_progressive(hands, context):
    context = {**context, "progressive": "off"}
    speaker = context["current_speaker"]
    result = order(hands, **context)
    for earlier, later in zip(result, result[1:], strict=False):
        if effective_kind(earlier, speaker) == effective_kind(later, speaker):
            assert (earlier.raised_seq, earlier.id) < (later.raised_seq, later.id)


@PROPERTY
@given(hand_lists(pins=False), contexts.filter(lambda c: c["progressive"] != "off"))
def test_progressive_puts_unspoken_first_within_a_kind(hands, context):
    speaker = context["current_speaker"]
    spoken = spoken_set(context)
    result = order(hands, **context)
    for i, earlier in enumerate(result):
        for later in result[i + 1 :]:
            if effective_kind(earlier, speaker) == effective_kind(later, speaker):
                assert not (earlier.member_id in spoken and later.member_id not in spoken)
                if (earlier.member_id in spoken) == (later.member_id in spoken):
                    assert (earlier.raised_seq, earlier.id) < (later.raised_seq, later.id)


@PROPERTY
@given(hand_lists(), contexts)
def test_a_pin_is_displaced_only_by_a_more_recent_pin(hands, context):
    result = order(hands, **context)
    for h in hands:
        if h.pinned_position is not None:
            target = min(h.pinned_position, len(hands) - 1)
            occupant = result[target]
            if occupant != h:
                assert occupant.pinned_position is not None
                assert pin_recency(occupant) > pin_recency(h)


@PROPERTY
@given(hand_lists(), contexts)
def test_most_recent_pin_is_exactly_where_it_was_moved(hands, context):
    pinned = [h for h in hands if h.pinned_position is not None]
    if pinned:
        latest = max(pinned, key=pin_recency)
        result = order(hands, **context)
        assert result.index(latest) == min(latest.pinned_position, len(hands) - 1)


@PROPERTY
@given(hand_lists(), contexts)
def test_pins_with_distinct_clamped_positions_all_land_exactly(hands, context):
    last = len(hands) - 1
    pinned = [h for h in hands if h.pinned_position is not None]
    clamped = [min(h.pinned_position, last) for h in pinned]
    result = order(hands, **context)
    if len(set(clamped)) == len(clamped):
        for h, position in zip(pinned, clamped, strict=True):
            assert result[position] == h


@PROPERTY
@given(hand_lists(), contexts)
def test_unpinned_hands_keep_their_rule_order(hands, context):
    unpinned = [h for h in hands if h.pinned_position is None]
    result = order(hands, **context)
    assert [h for h in result if h.pinned_position is None] == order(unpinned, **context)


@PROPERTY
@given(hand_lists(), contexts)
def test_next_hand_is_head_of_order_property(hands, context):
    result = order(hands, **context)
    assert next_hand(hands, **context) == (result[0] if result else None)
