"""CSV that a spreadsheet cannot run (the OWASP rule for CSV injection).

A cell that begins with =, +, -, @, a tab or a carriage return is read by spreadsheet
programs as a formula (=HYPERLINK(...), -2+3+cmd|...). `guard` writes such a cell behind
a single quote, which spreadsheets show as text; a cell that already begins with a quote
gets one more, so `unguard` gives back exactly what was guarded. Plain numbers ("-5",
"12") are left as they are. Every CSV export writes through `writer`.

Pure module: standard library only.
"""

import csv
import re

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "'")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def guard(value):
    text = "" if value is None else str(value)
    if text and text.startswith(DANGEROUS_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def unguard(cell):
    """The value `guard` was given (cells read back from a file we wrote)."""
    return cell[1:] if cell.startswith("'") else cell


class _GuardedWriter:
    def __init__(self, out, **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, row):
        return self._writer.writerow([guard(cell) for cell in row])


def writer(out, **options):
    """csv.writer whose every cell goes through `guard`."""
    return _GuardedWriter(out, **options)
