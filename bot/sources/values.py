"""Upstream values made storable: the one place both parsers turn raw text, numbers and
timestamps into what a Paper may hold.

Upstream data is hostile, and a value the database (or `datetime`) cannot hold would fail
the whole batch it is written in. So every parser goes through these helpers, which keep
only what SQLite and PostgreSQL both accept:

- text: NUL (PostgreSQL refuses it) and lone surrogates (no UTF-8 encoding exists for
  them; JSON's "\\ud800" escape yields one) are dropped, whitespace runs collapse to one
  space, and an empty result is None;
- integers (counts such as upvotes, comments, stars): 0 <= n < 2**31, the range of a
  PostgreSQL `integer`; anything else is None, like a mistyped field;
- timestamps: ISO 8601, aware (naive ones are taken as UTC), and only when their UTC
  instant exists and falls in a plausible year (1990-2100); anything else is None.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

MAX_COUNT = 2**31 - 1
"""The largest integer kept: a PostgreSQL `integer` (int4) holds no more."""

EARLIEST_YEAR = 1990
LATEST_YEAR = 2100
"""The years a paper's timestamp may fall in (UTC); arXiv opened in 1991."""

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
"""NUL and surrogate code points: no database column (or UTF-8 encoder) takes them."""


def clean_text(value: str) -> str:
    """`value` without NUL and surrogates, whitespace runs collapsed to one space."""
    return " ".join(_UNSTORABLE.sub("", value).split())


def text(value: object) -> str | None:
    """A string cleaned by `clean_text`; None when not a string or nothing is left."""
    if not isinstance(value, str):
        return None
    return clean_text(value) or None


def count(value: object) -> int | None:
    """A non-negative integer that fits a 32-bit column (0 stays 0), else None.

    Booleans (an `int` subclass in Python) and floats are None too.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value <= MAX_COUNT else None


def timestamp(value: object) -> datetime | None:
    """An ISO 8601 timestamp as an aware datetime, as given (naive ones taken as UTC).

    None when it is unreadable, or when its UTC instant does not exist as a datetime
    ("0001-01-01T00:00:00+05:00") or falls outside EARLIEST_YEAR..LATEST_YEAR.
    """
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    day = utc_day(parsed)
    if day is None or not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        return None
    return parsed


def utc_day(moment: datetime | None) -> date | None:
    """The UTC calendar day of an aware datetime; None when unknown or not representable."""
    if moment is None:
        return None
    try:
        return moment.astimezone(UTC).date()
    except (OverflowError, ValueError):
        return None
