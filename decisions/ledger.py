"""The hash chain of an assembly's decisions log.

Every decision is appended to its assembly's log as an entry ``{"sequence", "fields",
"prev_digest", "digest"}``; each entry carries the digest of the entry before it, so changing,
removing or reordering any entry breaks the chain from that entry on.

Algorithm (enough to re-implement verification independently):

1. ``canonical(fields)`` is the UTF-8 encoding of ``fields`` as compact JSON: object keys
   sorted by Unicode code point, no whitespace (separators ``,`` and ``:``), non-ASCII text
   written literally (not ``\\uXXXX``); only ``"``, ``\\`` and control characters below U+0020
   are escaped (``\\b \\f \\n \\r \\t``, others as ``\\u00xx`` with lowercase hex).
   Values may only be strings, integers (written in decimal), ``true``/``false``, ``null``,
   arrays and objects with string keys; floats are refused. Strings are hashed exactly as
   given (no Unicode normalisation).
2. ``digest = sha256(prev_digest + "\\n" + canonical(fields))`` as 64 lowercase hex digits,
   where ``prev_digest`` is the ASCII hex digest of the previous entry, or ``GENESIS`` (64
   zeros) for the first entry of a log.
3. A log verifies when, for its entries in order, the ``sequence`` numbers are 1, 2, 3, ...
   (consecutive from ``start_sequence``), each ``prev_digest`` equals the ``digest`` of the
   entry before it (``GENESIS`` for the first), and each ``digest`` equals the value
   recomputed in step 2. Removing the *last* entries can only be detected against a head
   digest kept elsewhere (``verify(..., expected_head=...)``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "GENESIS",
    "Problem",
    "canonical",
    "entry_digest",
    "make_entry",
    "verify",
]

#: ``prev_digest`` of the first entry of every log.
GENESIS = "0" * 64

_DIGEST = re.compile(r"[0-9a-f]{64}")


def _check_value(value: Any, path: str) -> None:
    # bool is a subclass of int, and both are allowed; float is rejected explicitly so that the
    # message says why (JSON floats have no single canonical spelling).
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, float):
        raise TypeError(
            f"{path} is a float ({value!r}); floats are not allowed in ledger fields because "
            "their JSON form is not canonical; store a str or an int (e.g. cents) instead"
        )
    if isinstance(value, list):
        for i, item in enumerate(value):
            _check_value(item, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path} has a non-string key {key!r}; keys must be str")
            _check_value(item, f"{path}[{key!r}]")
        return
    raise TypeError(
        f"{path} has type {type(value).__name__}; ledger fields may only hold "
        "str, int, bool, None, lists and dicts"
    )


def canonical(fields: dict) -> bytes:
    """Canonical JSON bytes of ``fields`` (see the module docstring).

    Raises ``TypeError`` if ``fields`` is not a dict or holds anything other than str, int,
    bool, None, lists and dicts with str keys (in particular floats), naming where it is.
    """
    if not isinstance(fields, dict):
        raise TypeError(f"fields must be a dict, not {type(fields).__name__}")
    _check_value(fields, "fields")
    text = json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def entry_digest(prev_digest: str, fields: dict) -> str:
    """Hex SHA-256 of ``prev_digest`` (ASCII) + ``b"\\n"`` + ``canonical(fields)``.

    ``prev_digest`` must be 64 lowercase hex digits (``GENESIS`` for a log's first entry);
    anything else raises ``ValueError``.
    """
    if not isinstance(prev_digest, str) or not _DIGEST.fullmatch(prev_digest):
        raise ValueError(f"prev_digest must be 64 lowercase hex digits, got {prev_digest!r}")
    payload = prev_digest.encode("ascii") + b"\n" + canonical(fields)
    return hashlib.sha256(payload).hexdigest()


def make_entry(
    previous: Mapping[str, Any] | None, fields: dict, *, start_sequence: int = 1
) -> dict[str, Any]:
    """A new entry that follows ``previous`` (``None`` for the first entry of a log).

    Returns ``{"sequence", "fields", "prev_digest", "digest"}``; ``fields`` is stored as given
    (the caller should not mutate it afterwards). ``previous`` is not modified.
    """
    if previous is None:
        sequence, prev_digest = start_sequence, GENESIS
    else:
        sequence, prev_digest = previous["sequence"] + 1, previous["digest"]
    return {
        "sequence": sequence,
        "fields": fields,
        "prev_digest": prev_digest,
        "digest": entry_digest(prev_digest, fields),
    }


@dataclass(frozen=True)
class Problem:
    """Why verification stopped: the 0-based ``index`` of the first entry that does not
    match, its ``sequence`` (``None`` if it has no usable one), and a human-readable
    ``reason``."""

    index: int
    sequence: int | None
    reason: str


def _sequence_of(entry: Any) -> int | None:
    if isinstance(entry, Mapping):
        sequence = entry.get("sequence")
        if isinstance(sequence, int) and not isinstance(sequence, bool):
            return sequence
    return None


def _check_entry(entry: Any) -> str | None:
    if not isinstance(entry, Mapping):
        return f"malformed entry: expected a mapping, got {type(entry).__name__}"
    missing = [key for key in ("sequence", "fields", "prev_digest", "digest") if key not in entry]
    if missing:
        return f"malformed entry: missing {', '.join(missing)}"
    if _sequence_of(entry) is None:
        return "malformed entry: sequence is not an int"
    if not isinstance(entry["prev_digest"], str) or not isinstance(entry["digest"], str):
        return "malformed entry: prev_digest and digest must be str"
    return None


def verify(
    entries: Iterable[Mapping[str, Any]],
    *,
    start_sequence: int = 1,
    expected_head: str | None = None,
) -> Problem | None:
    """Check a log's entries, in order; return the first ``Problem`` or ``None`` if it holds.

    Each entry is a mapping ``{"sequence": int, "fields": dict, "prev_digest": str,
    "digest": str}``. Checks, per entry, in this order (the first failure is reported):

    - the entry is well formed (reason ``"malformed entry: ..."``);
    - its sequence is ``start_sequence`` for the first entry and one more than the previous
      entry's after that (``"sequence is not consecutive"``);
    - its ``prev_digest`` is ``GENESIS`` for the first entry, else the previous entry's
      ``digest`` (``"previous digest does not match"``);
    - its fields can be canonicalised (``"fields are not canonical: ..."``);
    - its ``digest`` equals ``entry_digest(prev_digest, fields)`` (``"digest does not match"``).

    An altered entry is therefore named itself, not its successor. If ``expected_head`` is
    given (the digest of the last entry, kept elsewhere, or ``GENESIS`` for an empty log) and
    the log ends on another digest, the problem is reported at ``index=len(entries)`` with
    ``sequence=None`` and reason ``"chain head does not match"``: entries are missing at the
    end or were appended.

    Never raises for bad data: every defect is reported as a ``Problem``.
    """
    expected_prev = GENESIS
    expected_sequence = start_sequence
    count = 0
    for index, entry in enumerate(entries):
        count = index + 1
        sequence = _sequence_of(entry)
        malformed = _check_entry(entry)
        if malformed:
            return Problem(index, sequence, malformed)
        if sequence != expected_sequence:
            return Problem(index, sequence, "sequence is not consecutive")
        if entry["prev_digest"] != expected_prev:
            return Problem(index, sequence, "previous digest does not match")
        try:
            recomputed = entry_digest(entry["prev_digest"], entry["fields"])
        except (TypeError, ValueError) as error:
            return Problem(index, sequence, f"fields are not canonical: {error}")
        if entry["digest"] != recomputed:
            return Problem(index, sequence, "digest does not match")
        expected_prev = entry["digest"]
        expected_sequence = sequence + 1
    if expected_head is not None and expected_prev != expected_head:
        return Problem(count, None, "chain head does not match")
    return None
