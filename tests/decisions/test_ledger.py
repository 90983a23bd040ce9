"""Tests for decisions.ledger: the hash chain of an assembly's decisions log."""

from __future__ import annotations

import copy
import hashlib
import json
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from decisions.ledger import GENESIS, Problem, canonical, entry_digest, make_entry, verify

PROPERTY = settings(max_examples=150, deadline=None)

SPANISH = {
    "título": "Aprobación del presupuesto del año próximo",
    "texto": "La asamblea acordó, por mayoría, que el señor Núñez coordine la campaña. ¿Sí? ¡Sí!",
    "ñandú": ["pingüino", "añejo", "ÁÉÍÓÚ áéíóú Ññ Üü"],
}


def build(field_dicts, start_sequence=1):
    entries = []
    for fields in field_dicts:
        entries.append(
            make_entry(entries[-1] if entries else None, fields, start_sequence=start_sequence)
        )
    return entries


def resequence(entries, start=1):
    """Rebuild sequence numbers by position, so only the digests can catch a change."""
    return [{**entry, "sequence": start + i} for i, entry in enumerate(entries)]


DECISIONS = [
    {"title": "Open the assembly", "votes": {"yes": 12, "no": 0}, "unanimous": True},
    {"title": "Adopt the agenda", "amendments": [], "note": None},
    {"title": "Budget", "amount_cents": 125_000, "lines": [{"what": "rent", "cents": 80_000}]},
    SPANISH,
    {"title": "Close", "votes": {"yes": 10, "no": 1, "abstain": 1}, "unanimous": False},
]


# --- canonical -----------------------------------------------------------------------------


def test_canonical_known_bytes():
    fields = {"b": 1, "a": "ñ", "c": [True, False, None, -3], "d": {"z": "x", "y": {}}}
    expected = '{"a":"ñ","b":1,"c":[true,false,null,-3],"d":{"y":{},"z":"x"}}'.encode()
    assert canonical(fields) == expected


def test_canonical_escapes_only_quotes_backslashes_and_controls():
    fields = {"s": 'a"b\\c\nd\te\x01f\x7fg\u2028h'}
    assert canonical(fields) == '{"s":"a\\"b\\\\c\\nd\\te\\u0001f\x7fg\u2028h"}'.encode()


def test_canonical_is_independent_of_key_order():
    one = {"a": 1, "b": {"x": [1, 2], "y": "z"}, "c": None}
    two = {"c": None, "b": {"y": "z", "x": [1, 2]}, "a": 1}
    assert canonical(one) == canonical(two)


def test_canonical_list_order_matters():
    assert canonical({"a": [1, 2]}) != canonical({"a": [2, 1]})


def test_unicode_round_trips():
    raw = canonical(SPANISH)
    assert "señor Núñez".encode() in raw
    assert b"\\u" not in raw  # written literally, not escaped
    assert json.loads(raw.decode("utf-8")) == SPANISH


def test_unicode_is_not_normalised():
    composed = {"n": "\u00f1"}  # ñ
    decomposed = {"n": "n\u0303"}  # n + combining tilde
    assert canonical(composed) != canonical(decomposed)


@pytest.mark.parametrize(
    "fields",
    [
        {"amount": 1.5},
        {"amount": 1.0},
        {"amount": float("nan")},
        {"amount": float("inf")},
        {"votes": [1, 2, 3.0]},
        {"outer": {"inner": {"deep": -0.0}}},
    ],
)
def test_floats_are_rejected(fields):
    with pytest.raises(TypeError, match="float"):
        canonical(fields)
    with pytest.raises(TypeError, match="float"):
        entry_digest(GENESIS, fields)


def test_float_error_names_where_it_is():
    with pytest.raises(TypeError, match=r"fields\['outer'\]\['inner'\]\[1\]"):
        canonical({"outer": {"inner": [1, 2.5]}})


@pytest.mark.parametrize(
    "fields",
    [
        {"t": (1, 2)},
        {"s": {1, 2}},
        {"b": b"bytes"},
        {"d": Decimal("1.5")},
        {"k": {1: "int key"}},
        {"o": object()},
    ],
)
def test_other_types_are_rejected(fields):
    with pytest.raises(TypeError):
        canonical(fields)


def test_fields_must_be_a_dict():
    with pytest.raises(TypeError, match="dict"):
        canonical([1, 2])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
field_dicts = st.dictionaries(st.text(max_size=8), json_values, min_size=1, max_size=4)


def reorder_keys(value, rnd):
    if isinstance(value, dict):
        items = list(value.items())
        rnd.shuffle(items)
        return {key: reorder_keys(item, rnd) for key, item in items}
    if isinstance(value, list):
        return [reorder_keys(item, rnd) for item in value]
    return value


@PROPERTY
@given(field_dicts, st.randoms(use_true_random=False))
def test_canonical_is_independent_of_key_order_property(fields, rnd):
    assert canonical(reorder_keys(fields, rnd)) == canonical(fields)


@PROPERTY
@given(field_dicts)
def test_canonical_round_trips(fields):
    assert json.loads(canonical(fields).decode("utf-8")) == fields


# --- entry_digest --------------------------------------------------------------------------


def test_genesis():
    assert GENESIS == "0" * 64


def test_entry_digest_known_answer():
    fields = {"title": "Año nuevo", "n": 1}
    payload = b"0" * 64 + b"\n" + '{"n":1,"title":"Año nuevo"}'.encode()
    assert entry_digest(GENESIS, fields) == hashlib.sha256(payload).hexdigest()


def test_entry_digest_depends_on_previous_digest():
    fields = {"title": "x"}
    assert entry_digest(GENESIS, fields) != entry_digest("f" * 64, fields)


@pytest.mark.parametrize("prev", ["", "0" * 63, "F" * 64, "g" * 64, None, b"0" * 64])
def test_entry_digest_rejects_malformed_previous_digest(prev):
    with pytest.raises(ValueError, match="prev_digest"):
        entry_digest(prev, {"a": 1})


# --- chains --------------------------------------------------------------------------------


def test_append_and_verify_a_chain():
    entries = build(DECISIONS)
    assert [entry["sequence"] for entry in entries] == [1, 2, 3, 4, 5]
    assert entries[0]["prev_digest"] == GENESIS
    for before, after in zip(entries, entries[1:], strict=False):
        assert after["prev_digest"] == before["digest"]
    for entry in entries:
        assert entry["digest"] == entry_digest(entry["prev_digest"], entry["fields"])
    assert verify(entries) is None
    assert verify(iter(entries)) is None
    assert verify(entries, expected_head=entries[-1]["digest"]) is None


def test_chain_survives_a_json_round_trip():
    entries = build(DECISIONS)
    stored = json.loads(json.dumps(entries))
    assert verify(stored) is None


def test_empty_log():
    assert verify([]) is None
    assert verify([], expected_head=GENESIS) is None
    assert verify([], expected_head="a" * 64) == Problem(0, None, "chain head does not match")


def test_start_sequence():
    entries = build(DECISIONS[:3], start_sequence=0)
    assert [entry["sequence"] for entry in entries] == [0, 1, 2]
    assert verify(entries, start_sequence=0) is None
    assert verify(entries) == Problem(0, 0, "sequence is not consecutive")


def test_changed_field_is_named():
    entries = build(DECISIONS)
    entries[2]["fields"]["amount_cents"] = 125_001
    assert verify(entries) == Problem(2, 3, "digest does not match")


def test_changed_nested_field_is_named():
    entries = build(copy.deepcopy(DECISIONS))
    entries[3]["fields"]["ñandú"][0] = "pinguino"
    assert verify(entries) == Problem(3, 4, "digest does not match")


def test_changed_digest_is_named():
    entries = build(DECISIONS)
    entries[1]["digest"] = "a" * 64
    assert verify(entries) == Problem(1, 2, "digest does not match")


def test_changed_previous_digest_is_named():
    entries = build(DECISIONS)
    entries[1]["prev_digest"] = "a" * 64
    assert verify(entries) == Problem(1, 2, "previous digest does not match")


def test_rehashed_entry_breaks_the_next_link():
    # A forger who recomputes the altered entry's digest is caught at the next entry.
    entries = build(DECISIONS)
    forged = make_entry(entries[0], {**entries[1]["fields"], "title": "Forged"})
    entries[1] = forged
    assert verify(entries) == Problem(2, 3, "previous digest does not match")


def test_swapped_entries_are_detected():
    entries = build(DECISIONS)
    swapped = [entries[0], entries[2], entries[1], *entries[3:]]
    assert verify(swapped) == Problem(1, 3, "sequence is not consecutive")
    assert verify(resequence(swapped)) == Problem(1, 2, "previous digest does not match")


def test_removed_entry_is_detected():
    entries = build(DECISIONS)
    without_middle = entries[:2] + entries[3:]
    assert verify(without_middle) == Problem(2, 4, "sequence is not consecutive")
    assert verify(resequence(without_middle)) == Problem(2, 3, "previous digest does not match")
    without_first = entries[1:]
    assert verify(without_first) == Problem(0, 2, "sequence is not consecutive")
    assert verify(resequence(without_first)) == Problem(0, 1, "previous digest does not match")


def test_removed_last_entry_needs_the_head():
    entries = build(DECISIONS)
    head = entries[-1]["digest"]
    assert verify(entries[:-1]) is None  # the chain alone cannot tell
    assert verify(entries[:-1], expected_head=head) == Problem(4, None, "chain head does not match")


def test_appended_entry_detected_against_head():
    entries = build(DECISIONS[:3])
    head = entries[-1]["digest"]
    entries.append(make_entry(entries[-1], {"title": "Snuck in"}))
    assert verify(entries) is None
    assert verify(entries, expected_head=head) == Problem(4, None, "chain head does not match")


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("not a mapping", "malformed entry: expected a mapping, got str"),
        ({"sequence": 1, "fields": {}}, "malformed entry: missing prev_digest, digest"),
        (
            {"sequence": "1", "fields": {}, "prev_digest": GENESIS, "digest": GENESIS},
            "malformed entry: sequence is not an int",
        ),
        (
            {"sequence": 1, "fields": {}, "prev_digest": GENESIS, "digest": None},
            "malformed entry: prev_digest and digest must be str",
        ),
    ],
)
def test_malformed_entries_are_reported_not_raised(entry, reason):
    problem = verify([entry])
    assert problem.index == 0
    assert problem.reason == reason


def test_uncanonical_fields_are_reported_not_raised():
    entries = build(DECISIONS[:2])
    entries[1]["fields"]["amount"] = 2.5
    problem = verify(entries)
    assert (problem.index, problem.sequence) == (1, 2)
    assert problem.reason.startswith("fields are not canonical:")
    assert "float" in problem.reason


chains = st.lists(field_dicts, min_size=1, max_size=6).map(build)


@PROPERTY
@given(chains)
def test_built_chains_verify(entries):
    assert verify(entries) is None
    assert verify(entries, expected_head=entries[-1]["digest"]) is None


@PROPERTY
@given(chains, st.data())
def test_changing_any_field_names_exactly_that_entry(entries, data):
    index = data.draw(st.integers(min_value=0, max_value=len(entries) - 1), label="index")
    fields = entries[index]["fields"]
    key = data.draw(st.sampled_from(sorted(fields)), label="key")
    value = data.draw(json_values, label="new value")
    assume(canonical({key: value}) != canonical({key: fields[key]}))
    tampered = copy.deepcopy(entries)
    tampered[index]["fields"][key] = value
    assert verify(tampered) == Problem(index, index + 1, "digest does not match")


@PROPERTY
@given(chains, st.data())
def test_adding_or_removing_a_field_names_exactly_that_entry(entries, data):
    index = data.draw(st.integers(min_value=0, max_value=len(entries) - 1), label="index")
    tampered = copy.deepcopy(entries)
    fields = tampered[index]["fields"]
    if data.draw(st.booleans(), label="remove"):
        del fields[data.draw(st.sampled_from(sorted(fields)), label="key")]
    else:
        key = data.draw(st.text(max_size=8).filter(lambda k: k not in fields), label="key")
        fields[key] = data.draw(json_values, label="value")
    assert verify(tampered) == Problem(index, index + 1, "digest does not match")


@PROPERTY
@given(chains, st.data())
def test_changing_any_entry_attribute_names_exactly_that_entry(entries, data):
    index = data.draw(st.integers(min_value=0, max_value=len(entries) - 1), label="index")
    attribute = data.draw(st.sampled_from(["sequence", "prev_digest", "digest"]), label="attr")
    tampered = copy.deepcopy(entries)
    if attribute == "sequence":
        new = data.draw(st.integers().filter(lambda s: s != index + 1), label="sequence")
    else:
        new = data.draw(st.text("0123456789abcdef", min_size=64, max_size=64), label="digest")
        assume(new != entries[index][attribute])
    tampered[index][attribute] = new
    problem = verify(tampered)
    assert problem is not None
    assert problem.index == index


@PROPERTY
@given(st.lists(field_dicts, min_size=2, max_size=6).map(build), st.data())
def test_any_reordering_is_detected(entries, data):
    shuffled = data.draw(st.permutations(entries), label="order")
    assume([e["digest"] for e in shuffled] != [e["digest"] for e in entries])
    assert verify(shuffled) is not None
    assert verify(resequence(shuffled)) is not None


@PROPERTY
@given(st.lists(field_dicts, min_size=2, max_size=6).map(build), st.data())
def test_removing_any_entry_but_the_last_is_detected(entries, data):
    index = data.draw(st.integers(min_value=0, max_value=len(entries) - 2), label="index")
    shortened = entries[:index] + entries[index + 1 :]
    assert verify(shortened) is not None
    problem = verify(resequence(shortened))
    assert problem == Problem(index, index + 1, "previous digest does not match")


@PROPERTY
@given(st.lists(field_dicts, min_size=1, max_size=6).map(build), st.data())
def test_removing_any_entry_is_detected_against_the_head(entries, data):
    index = data.draw(st.integers(min_value=0, max_value=len(entries) - 1), label="index")
    shortened = resequence(entries[:index] + entries[index + 1 :])
    assert verify(shortened, expected_head=entries[-1]["digest"]) is not None
