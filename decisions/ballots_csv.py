"""The published ballots of a closed poll as CSV, and back: the file a third party
downloads to recount a result (`manage.py recount`). Standard library only.

Format: a header row, then one row per ballot.
    ballot,choice_1,choice_2,...,choice_K[,voter]
- majority, consensus, temperature, single: choice_1 is the answer ("yes", "no",
  "abstain"; "agree", "stand_aside", "block"; "0".."5"; or an option id such as "o2");
- approval: the approved option ids, one per column, in any order;
- irv, stv: the ranking, most preferred first (blank columns at the end);
- score, dots: "option=value" pairs, e.g. "o1=4".
`voter` (the display name) appears only for named polls. Option ids map to labels on
the poll's page and in its result JSON, which also reveals the lot seed after close.
A cell a spreadsheet would read as a formula (=, +, -, @, tab, CR) is written behind a
single quote (assembly/csvsafe.py); `read` takes the quote off again.
"""

import csv
import io

from assembly import csvsafe

SINGLE_ANSWER = ("majority", "consensus", "temperature", "single")
PAIRS = ("score", "dots")


def ballot_cells(method, choice):
    if method in SINGLE_ANSWER:
        return [str(choice)]
    if method in PAIRS:
        return [f"{key}={value}" for key, value in sorted(choice.items())]
    if method == "approval":
        return sorted(choice)
    return list(choice)


def write(method, rows, *, named):
    """rows: iterable of (ballot_id, choice, voter_name_or_None). Returns CSV text."""
    rows = list(rows)
    width = max([len(ballot_cells(method, choice)) for _id, choice, _v in rows] or [1])
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\n")
    header = ["ballot"] + [f"choice_{i}" for i in range(1, width + 1)]
    writer.writerow(header + (["voter"] if named else []))
    for ballot_id, choice, voter in rows:
        cells = ballot_cells(method, choice)
        row = [str(ballot_id)] + cells + [""] * (width - len(cells))
        writer.writerow(row + ([voter or ""] if named else []))
    return out.getvalue()


class FormatError(ValueError):
    pass


def read(method, text):
    """Parse a ballots CSV into the ballots `tally.count` takes."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise FormatError("the file is empty") from None
    if not header or header[0] != "ballot":
        raise FormatError("the first column must be 'ballot'")
    columns = [i for i, name in enumerate(header) if name.startswith("choice_")]
    ballots = []
    for line, row in enumerate(reader, start=2):
        cells = [
            csvsafe.unguard(row[i].strip()) for i in columns if i < len(row) and row[i].strip()
        ]
        if method in SINGLE_ANSWER:
            if len(cells) != 1:
                raise FormatError(f"line {line}: expected one choice")
            value = cells[0]
            ballots.append(int(value) if method == "temperature" and value.isdigit() else value)
        elif method in PAIRS:
            pairs = {}
            for cell in cells:
                key, sep, value = cell.partition("=")
                if not sep or not value.strip().lstrip("-").isdigit():
                    raise FormatError(f"line {line}: expected option=number, got {cell!r}")
                pairs[key.strip()] = int(value)
            ballots.append(pairs)
        elif method == "approval":
            ballots.append(cells)
        else:
            ballots.append(cells)
    return ballots
