"""An independent verifier for an exported decisions log. It does not import Asamblea:
a third party can run it as it stands (python verify_export.py export.json)."""

import hashlib
import json
import sys


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def verify(export):
    """Return None if the chain verifies, else the sequence of the first bad entry."""
    previous = export["genesis"]
    for expected_sequence, entry in enumerate(export["entries"], start=1):
        if entry["sequence"] != expected_sequence or entry["prev_digest"] != previous:
            return entry["sequence"]
        digest = hashlib.sha256(previous.encode() + b"\n" + canonical(entry["fields"])).hexdigest()
        if digest != entry["digest"]:
            return entry["sequence"]
        previous = digest
    return None


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        bad = verify(json.load(handle))
    print("verifies" if bad is None else f"entry #{bad} does not verify")
    sys.exit(0 if bad is None else 1)
