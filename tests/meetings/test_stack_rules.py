"""The speaking-queue rules, every combination, against a plain reference model; and the
same rules through the database, including a facilitator's manual move."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meetings import actions, stack
from tests.meetings.conftest import current

SPEAKER = 99


def reference(hands, progressive, on_item, in_meeting, speaker):
    """The rules as the issue states them, written as one sort key (no pins)."""
    spoken = {"off": set(), "item": set(on_item), "meeting": set(on_item) | set(in_meeting)}
    spoken = spoken[progressive]

    def kind(hand):
        if hand.kind == "response" and (speaker is None or hand.responds_to != speaker):
            return "regular"
        return hand.kind

    return sorted(
        hands,
        key=lambda h: (stack.KINDS.index(kind(h)), h.member_id in spoken, h.raised_seq, h.id),
    )


COMBINATIONS = list(
    itertools.product(
        stack.KINDS,  # the kind of hand A
        stack.KINDS,  # the kind of hand B
        (False, True),  # has A spoken on this item?
        (False, True),  # has B spoken in this meeting (not on this item)?
        stack.PROGRESSIVE_MODES,
        (None, SPEAKER, 7),  # who speaks now: nobody, the one responded to, someone else
    )
)


@pytest.mark.parametrize(
    ("kind_a", "kind_b", "a_spoke", "b_spoke", "progressive", "speaker"), COMBINATIONS
)
def test_every_rule_combination(kind_a, kind_b, a_spoke, b_spoke, progressive, speaker):
    a = stack.Hand(id=1, member_id=1, kind=kind_a, raised_seq=1, responds_to=SPEAKER)
    b = stack.Hand(id=2, member_id=2, kind=kind_b, raised_seq=2, responds_to=SPEAKER)
    on_item = {1} if a_spoke else set()
    in_meeting = {2} if b_spoke else set()
    got = stack.order(
        [b, a], progressive=progressive, spoken_on_item=on_item,
        spoken_in_meeting=in_meeting, current_speaker=speaker,
    )  # fmt: skip
    assert got == reference([a, b], progressive, on_item, in_meeting, speaker)


hands_strategy = st.lists(
    st.tuples(
        st.sampled_from(stack.KINDS),
        st.integers(min_value=1, max_value=6),  # member
        st.integers(min_value=0, max_value=30),  # raised_seq
        st.sampled_from([None, SPEAKER, 5]),  # responds_to
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(
    hands_strategy,
    st.sampled_from(stack.PROGRESSIVE_MODES),
    st.sets(st.integers(min_value=1, max_value=6)),
    st.sets(st.integers(min_value=1, max_value=6)),
    st.sampled_from([None, SPEAKER, 5]),
)
def test_order_matches_the_reference_model(raw, progressive, on_item, in_meeting, speaker):
    hands = [
        stack.Hand(id=i, member_id=m, kind=k, raised_seq=s, responds_to=r)
        for i, (k, m, s, r) in enumerate(raw)
    ]
    got = stack.order(
        hands, progressive=progressive, spoken_on_item=on_item,
        spoken_in_meeting=in_meeting, current_speaker=speaker,
    )  # fmt: skip
    assert got == reference(hands, progressive, on_item, in_meeting, speaker)


@settings(max_examples=300, deadline=None)
@given(hands_strategy, st.data())
def test_a_manual_move_is_respected(raw, data):
    """Whatever the rules say, the hand the facilitator moved last is where they put it,
    and the others keep their rule order around it."""
    hands = [
        stack.Hand(id=i, member_id=m, kind=k, raised_seq=s, responds_to=r)
        for i, (k, m, s, r) in enumerate(raw)
    ]
    if not hands:
        return
    moved = data.draw(st.sampled_from(hands))
    position = data.draw(st.integers(min_value=0, max_value=len(hands) + 2))
    pinned = stack.Hand(
        id=moved.id, member_id=moved.member_id, kind=moved.kind, raised_seq=moved.raised_seq,
        responds_to=moved.responds_to, pinned_position=position, pinned_seq=1,
    )  # fmt: skip
    others = [h for h in hands if h.id != moved.id]
    got = stack.order([*others, pinned], current_speaker=SPEAKER, progressive="item")
    assert got.index(pinned) == min(position, len(hands) - 1)
    rest = [h for h in got if h.id != moved.id]
    assert rest == stack.order(others, current_speaker=SPEAKER, progressive="item")


# -- through the database --------------------------------------------------------------


def test_database_queue_follows_the_rules(cast, running):
    item = current(running)
    actions.raise_hand(cast.member, item=item, kind="regular")
    actions.raise_hand(cast.member2, item=item, kind="clarify")
    actions.raise_hand(cast.steward, item=item, kind="process")
    names = [h.speaker_name for h in actions.ordered_hands(item)]
    assert names == ["Rosa", "Luz", "Ana"]


def test_progressive_stack_from_the_assemblys_settings(cast, running):
    actions.update_settings(
        cast.steward, progressive="item", count_unregistered=False, proxies_allowed=False,
        max_proxies=1,
    )  # fmt: skip
    item = current(running)
    actions.raise_hand(cast.member, item=item)
    actions.call_next(cast.facilitator, item=item)  # Ana speaks
    actions.raise_hand(cast.member, item=item)  # and wants to speak again
    actions.raise_hand(cast.member2, item=item)  # Luz has not spoken yet
    assert [h.speaker_name for h in actions.ordered_hands(item)] == ["Luz", "Ana"]


def test_direct_response_follows_the_speaker(cast, running):
    item = current(running)
    actions.raise_hand(cast.member, item=item)
    actions.raise_hand(cast.steward, item=item)
    first = actions.call_next(cast.facilitator, item=item)  # Ana speaks
    actions.raise_hand(cast.member2, item=item, kind="response")  # responds to Ana
    item.refresh_from_db()
    assert [h.speaker_name for h in actions.ordered_hands(item)] == ["Luz", "Rosa"]
    actions.call_next(cast.facilitator, item=item, expected_hand=first.pk)  # Luz responds
    actions.raise_hand(cast.member, item=item)
    item.refresh_from_db()
    assert [h.speaker_name for h in actions.ordered_hands(item)] == ["Rosa", "Ana"]


def test_a_facilitators_move_is_kept(cast, running):
    item = current(running)
    actions.raise_hand(cast.member, item=item, kind="regular")
    actions.raise_hand(cast.member2, item=item, kind="regular")
    actions.raise_hand(cast.steward, item=item, kind="process")
    ana = item.hands.get(member=cast.member)
    actions.move_hand(cast.facilitator, hand=ana, position=0)
    assert [h.speaker_name for h in actions.ordered_hands(item)] == ["Ana", "Rosa", "Luz"]
    # A point of process raised afterwards does not displace the move.
    actions.raise_hand(cast.facilitator, item=item, kind="process")
    assert actions.ordered_hands(item)[0].speaker_name == "Ana"
    assert actions.call_next(cast.facilitator, item=item).member == cast.member
