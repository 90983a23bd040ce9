"""Speaking-queue ("stack") ordering for a live meeting.

Pure functions, no Django: the caller loads the raised hands and the meeting state, and this
module says in which order the hands are called.

Rules, applied in this order:

1. Kind. Points of process first, then clarifying questions, then direct responses to the
   current speaker, then regular contributions (see ``KINDS``). A ``"response"`` hand only
   counts as a direct response while the member it responds to (``responds_to``) is the
   current speaker; otherwise it is ordered as a ``"regular"`` hand, keeping its raise time
   (see ``effective_kind``).
2. Progressive stack. With ``progressive="item"`` (or ``"meeting"``), within a kind the hands of
   members who have not yet spoken on this agenda item (or in this meeting) go ahead of those
   who have. ``progressive="off"`` skips this rule.
3. Raise order. Earliest ``raised_seq`` first; equal ``raised_seq`` falls back to ``id``, so the
   order is total and never depends on the order of the input.
4. Manual moves. A facilitator's move is stored on the hand as ``pinned_position`` (0-based
   index in the final list) and ``pinned_seq`` (when the move was made). Each pinned hand is
   placed at ``min(pinned_position, len(hands) - 1)``; the unpinned hands, in rule order, fill
   the remaining slots. If two pins want the same slot, the most recent move wins the slot
   and the older one takes the next free slot after it (or, if there is none, the last free
   slot before it). Pins are therefore settled from the most recent to the oldest; a pin
   without ``pinned_seq`` counts as older than every numbered pin, and equal ``pinned_seq``
   values count the higher ``id`` as more recent.

Unknown kinds and progressive modes raise ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

__all__ = [
    "KINDS",
    "PROGRESSIVE_MODES",
    "Hand",
    "effective_kind",
    "next_hand",
    "order",
]

#: Kinds of hand, highest priority first.
KINDS = ("process", "clarify", "response", "regular")

#: ``"off"``: no progressive stack; ``"item"``: members who have not spoken on this agenda item
#: go first within a kind; ``"meeting"``: members who have not spoken in this meeting go first.
PROGRESSIVE_MODES = ("off", "item", "meeting")

_PRIORITY = {kind: rank for rank, kind in enumerate(KINDS)}


def _check_kind(kind: str) -> None:
    if kind not in _PRIORITY:
        raise ValueError(f"unknown hand kind {kind!r}; expected one of {', '.join(KINDS)}")


@dataclass(frozen=True)
class Hand:
    """One raised hand on the stack.

    ``id`` identifies the hand (unique within one call of ``order``); ``member_id`` the member
    who raised it. ``raised_seq`` increases with every hand raised, so it orders hands by time.
    ``responds_to`` is the ``member_id`` of the speaker a ``"response"`` hand answers.
    ``pinned_position`` / ``pinned_seq`` record a facilitator's manual move (see the module
    docstring); ``pinned_seq`` is ignored while ``pinned_position`` is ``None``.
    """

    id: int
    member_id: int
    kind: str
    raised_seq: int
    responds_to: int | None = None
    pinned_position: int | None = None
    pinned_seq: int | None = None

    def __post_init__(self) -> None:
        _check_kind(self.kind)
        if self.pinned_position is not None and self.pinned_position < 0:
            raise ValueError(f"pinned_position must be >= 0, got {self.pinned_position}")

    @property
    def pinned(self) -> bool:
        """Whether a facilitator has moved this hand to a fixed position."""
        return self.pinned_position is not None


def effective_kind(hand: Hand, current_speaker: int | None) -> str:
    """The kind ``hand`` is ordered as, given the ``member_id`` of the current speaker.

    A ``"response"`` hand is a direct response only while the member it responds to is the
    current speaker; otherwise (other speaker, no speaker, no ``responds_to``) it is
    ``"regular"``. Every other kind is returned unchanged.
    """
    _check_kind(hand.kind)
    if hand.kind == "response" and (
        current_speaker is None or hand.responds_to is None or hand.responds_to != current_speaker
    ):
        return "regular"
    return hand.kind


def _spoken(
    progressive: str, spoken_on_item: Collection[int], spoken_in_meeting: Collection[int]
) -> frozenset[int]:
    if progressive not in PROGRESSIVE_MODES:
        raise ValueError(
            f"unknown progressive mode {progressive!r}; "
            f"expected one of {', '.join(PROGRESSIVE_MODES)}"
        )
    if progressive == "item":
        return frozenset(spoken_on_item)
    if progressive == "meeting":
        # Whoever spoke on this item has spoken in this meeting too.
        return frozenset(spoken_in_meeting) | frozenset(spoken_on_item)
    return frozenset()


def _pin_recency(hand: Hand) -> tuple[bool, int, int]:
    # Larger means more recent; a pin without pinned_seq is older than any numbered pin.
    seq = hand.pinned_seq
    return (seq is not None, seq if seq is not None else 0, hand.id)


def order(
    hands: Iterable[Hand],
    *,
    progressive: str = "off",
    spoken_on_item: Collection[int] = frozenset(),
    spoken_in_meeting: Collection[int] = frozenset(),
    current_speaker: int | None = None,
) -> list[Hand]:
    """Return ``hands`` in the order they will be called, head of the stack first.

    ``progressive`` is one of ``PROGRESSIVE_MODES``. ``spoken_on_item`` and
    ``spoken_in_meeting`` are the ``member_id``\\ s who have already spoken on the current
    agenda item and in this meeting; only the set that the mode selects is consulted (in
    ``"meeting"`` mode, members in ``spoken_on_item`` also count as having spoken).
    ``current_speaker`` is the ``member_id`` of whoever has the floor, or ``None``.

    The result is a new list containing every hand exactly once; it is deterministic and does
    not depend on the order of ``hands``. Raises ``ValueError`` for an unknown progressive
    mode, an unknown kind, or two hands with the same ``id``.
    """
    spoken = _spoken(progressive, spoken_on_item, spoken_in_meeting)
    hands = list(hands)
    ids = [hand.id for hand in hands]
    if len(set(ids)) != len(ids):
        raise ValueError("hand ids must be unique")

    def rule_key(hand: Hand) -> tuple[int, bool, int, int]:
        return (
            _PRIORITY[effective_kind(hand, current_speaker)],
            hand.member_id in spoken,
            hand.raised_seq,
            hand.id,
        )

    unpinned = sorted((hand for hand in hands if not hand.pinned), key=rule_key)
    pins = sorted((hand for hand in hands if hand.pinned), key=_pin_recency, reverse=True)

    slots: list[Hand | None] = [None] * len(hands)
    for hand in pins:  # most recent move first: it gets its slot for sure
        assert hand.pinned_position is not None
        target = min(hand.pinned_position, len(slots) - 1)
        free_after = (i for i in range(target, len(slots)) if slots[i] is None)
        free_before = (i for i in range(target - 1, -1, -1) if slots[i] is None)
        slot = next(free_after, None)
        if slot is None:
            slot = next(free_before)  # there are more slots than pins, so one is free
        slots[slot] = hand

    rest = iter(unpinned)
    return [slot if slot is not None else next(rest) for slot in slots]


def next_hand(
    hands: Iterable[Hand],
    *,
    progressive: str = "off",
    spoken_on_item: Collection[int] = frozenset(),
    spoken_in_meeting: Collection[int] = frozenset(),
    current_speaker: int | None = None,
) -> Hand | None:
    """The hand at the head of ``order(...)`` (same arguments), or ``None`` if there are none."""
    ordered = order(
        hands,
        progressive=progressive,
        spoken_on_item=spoken_on_item,
        spoken_in_meeting=spoken_in_meeting,
        current_speaker=current_speaker,
    )
    return ordered[0] if ordered else None
