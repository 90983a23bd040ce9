"""Names that stand for someone (display names, working groups, assemblies): normalised,
free of invisible characters, and unique by how they look, not by their code points.

`clean` NFKC-normalises a name, folds runs of whitespace, and refuses control, format
(zero-width spaces and joiners, soft hyphens, ...) and bidirectional control characters
(a right-to-left override can make "‮.M asoR" display as "Rosa M."). `skeleton` maps a
name to what it looks like, so "Rosa M.", "rosa m.", "Rоsa M." (Cyrillic о) and
"R0sa M." share one skeleton and a database constraint keeps them apart. The look-alike
table is Unicode's confusables (UTS #39), as shipped by the maintained
`confusable-homoglyphs` package; characters it lists as confusable with one another form
one class, and each class is written as one representative. Case is folded first, as
the display-name rule always did ("Ana" and "ANA" are one name); so a capital I and a
small l, which look alike only across cases, stay distinct ("Ali", "All").

Pure module: no Django.
"""

import functools
import re
import unicodedata

# Bidirectional controls (Cf, but named here so the rule reads plainly).
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
REFUSED_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn")


class InvalidName(ValueError):
    """Why a name was refused: `code` is "empty", "too_long" or "invisible"."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def clean(value, *, limit):
    """The name as it will be stored, or InvalidName."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    # Ordinary whitespace (spaces, tabs, newlines) folds to one space; any other
    # control, format or bidi character is refused, not silently dropped.
    text = " ".join(text.split())
    for char in text:
        if char in BIDI_CONTROLS or unicodedata.category(char) in REFUSED_CATEGORIES:
            raise InvalidName("invisible")
    if not text:
        raise InvalidName("empty")
    if len(text) > limit:
        raise InvalidName("too_long")
    return text


def skeleton(name):
    """What a (cleaned) name looks like, case aside: equal for names a reader could take
    for each other ("Rosa", "ROSA", "Rоsa" with a Cyrillic о, "R0sa")."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _look(text).casefold()
    text = _look(unicodedata.normalize("NFKC", text))
    return " ".join(text.split())


def _look(text):
    table, sequences = _tables()
    mapped = "".join(table.get(char, char) for char in text)
    if sequences is not None:
        mapped = sequences.sub(lambda m: table[m.group(0)], mapped)
    return mapped


def _rank(member):
    """Which member of a class of look-alikes stands for it: a lowercase ASCII letter,
    then an uppercase one, then any ASCII, then the shortest, then the lowest."""
    ascii_ = member.isascii()
    return (
        not (ascii_ and member.islower()),
        not (ascii_ and member.isalpha()),
        not ascii_,
        len(member),
        member,
    )


@functools.cache
def _tables():
    from confusable_homoglyphs.confusables import confusables_data

    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def strip(s):
        # The package wraps right-to-left characters in LEFT-TO-RIGHT MARKs for display.
        return s.replace("\u200e", "")

    for char, entries in confusables_data.items():
        char = strip(char)
        for entry in entries:
            other = strip(entry["c"])
            if char and other:
                a, b = find(char), find(other)
                if a != b:
                    parent[a] = b
    classes = {}
    for member in list(parent):
        classes.setdefault(find(member), []).append(member)
    table = {}
    for members in classes.values():
        representative = min(members, key=_rank)
        for member in members:
            if member != representative:
                table[member] = representative
    # Look-alike sequences of several characters (e.g. "rn" for "m"), longest first,
    # matched after each character has been mapped.
    sequences = {}
    for member, representative in table.items():
        if len(member) > 1 and len(representative) < len(member):
            key = "".join(table.get(c, c) for c in member)
            if key != representative:
                sequences[key] = representative
    for key, representative in sequences.items():
        table[key] = representative
    pattern = (
        re.compile("|".join(re.escape(k) for k in sorted(sequences, key=len, reverse=True)))
        if sequences
        else None
    )
    return table, pattern
