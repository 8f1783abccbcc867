"""Dates people type: one parser and one range (1900-2100) for every date input.

Query filters (YYYY-MM-DD), GOV.UK date fields (day, month, year boxes), workflow fields
and the API all read dates through here, so a decision cannot be back-dated to year 1 and
`?to=9999-12-31` is a message beside the field, not an overflow in the database.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)


def range_message(label: str) -> str:
    return f"{label} must be between {EARLIEST.year} and {LATEST.year}"


class OutOfRange(ValueError):
    """A real date, but outside what govflow accepts (its message says the range)."""


def check_range(value: date, label: str) -> date:
    """The date (or datetime), or OutOfRange saying the range."""
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise OutOfRange(range_message(label))
    return value


# An ISO date whose year has more digits than any real one ("99999-01-01", "+10000-01-01").
_YEAR = re.compile(r"\s*[+-]?(\d{4,})-\d{1,2}-\d{1,2}\s*$")


def parse_iso(text, label: str, example: str = "2027-03-27") -> date:
    """A YYYY-MM-DD date within the range, or ValueError with a message for the person."""
    if not isinstance(text, str):
        raise ValueError(f"{label} must be a date like {example}")
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        # A year beyond the range (99999-01-01, 0000-01-01) is told the range; a day that no
        # month has (2026-02-31) in a year within it is not a real date.
        year = _YEAR.match(text)
        if year and year.group(1).isascii() \
                and not EARLIEST.year <= int(year.group(1)) <= LATEST.year:
            raise OutOfRange(range_message(label)) from None
        raise ValueError(f"{label} must be a real date, like {example}") from None
    return check_range(value, label)


def parse_iso_moment(text, label: str, example: str = "2027-03-27") -> date | datetime:
    """A date, or a date and time (as naive UTC), within the range."""
    if isinstance(text, str) and "T" in text:
        try:
            moment = datetime.fromisoformat(text.strip())
        except ValueError:
            raise ValueError(f"{label} must be a real date, like {example}") from None
        check_range(moment, label)  # first: converting 0001-01-01T00:00+01:00 overflows
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        return moment
    return parse_iso(text, label, example)


def from_parts(day: str, month: str, year: str, label: str) -> date:
    """A date from the GOV.UK day, month and year boxes: OutOfRange for a year outside the
    range, ValueError for anything else that is not a real date (callers word that)."""
    parts = [str(p).strip() for p in (day, month, year)]
    if not all(p.isdigit() and p.isascii() and len(p) <= 4 for p in parts):
        raise ValueError("not a real date")
    d, m, y = (int(p) for p in parts)
    if not EARLIEST.year <= y <= LATEST.year:
        raise OutOfRange(range_message(label))
    return date(y, m, d)


def check_json_dates(body, schema: dict) -> dict[str, str]:
    """Field errors for the body's `format: date` / `date-time` strings outside the range."""
    errors: dict[str, str] = {}
    if not isinstance(body, dict):
        return errors
    for name, prop in (schema.get("properties") or {}).items():
        value = body.get(name)
        if prop.get("format") in ("date", "date-time") and isinstance(value, str) and value:
            try:
                parse_iso_moment(value, name)
            except ValueError as err:
                errors[name] = str(err)
    return errors
