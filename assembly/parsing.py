"""Numbers and dates typed or sent by members: ASCII digits only, bounded length and
range; dates within a sane window. The one place every view reads them through.

Python's int() and str.isdigit() accept far more than a form should: "²".isdigit() is
True yet int("²") fails, int("٣") is 3, and thirty digits overflow a database column. A
date in year 9999 stores fine and then breaks every calendar that adds an hour to it.

Pure module: no Django.
"""

import re
from datetime import date, datetime, timedelta

MAX_ID = 2**53  # larger than any row id this project will reach; far below any overflow
MAX_DIGITS = 16
_WHOLE = re.compile(rf"-?[0-9]{{1,{MAX_DIGITS}}}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BadInput(ValueError):
    """The value is not a number (or date) of the expected kind and range."""


def parse_int(value, *, low=0, high=MAX_ID):
    """A whole number from `low` to `high` written in ASCII digits (an optional leading
    minus), surrounding spaces aside; else BadInput."""
    text = str(value if value is not None else "").strip()
    if not _WHOLE.fullmatch(text):
        raise BadInput(text[:40])
    number = int(text)
    if not low <= number <= high:
        raise BadInput(text[:40])
    return number


def parse_optional_int(value, *, low=0, high=MAX_ID):
    """None for an empty value, else as parse_int."""
    if value is None or str(value).strip() == "":
        return None
    return parse_int(value, low=low, high=high)


def id_or_none(value):
    """A row id (1 or more) or None, for query strings where an unreadable value is
    simply ignored (e.g. ?before=...)."""
    try:
        return parse_int(value, low=1)
    except BadInput:
        return None


def parse_date(value, *, earliest, latest):
    """A date written YYYY-MM-DD (ASCII) between `earliest` and `latest`; else BadInput."""
    text = str(value if value is not None else "").strip()
    if not _ISO_DATE.fullmatch(text):
        raise BadInput(text[:40])
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise BadInput(text[:40]) from None
    if not earliest <= day <= latest:
        raise BadInput(text[:40])
    return day


def date_window(today, *, years_back=30, years_ahead=10):
    """(earliest, latest) dates around `today`: the window for a filter or a due date."""
    return (
        today - timedelta(days=round(365.25 * years_back)),
        today + timedelta(days=round(365.25 * years_ahead)),
    )


def check_moment(moment: datetime, *, now: datetime, days_back=1, days_ahead=731):
    """`moment` if it lies within the window around `now`, else BadInput (a vote's closing
    time, a meeting's start: from a day ago to two years ahead by default)."""
    if not now - timedelta(days=days_back) <= moment <= now + timedelta(days=days_ahead):
        raise BadInput(moment.isoformat())
    return moment
