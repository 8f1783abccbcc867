"""Quarters as figures are reported ("2026-Q3"), and how people read them."""

from __future__ import annotations

import re
from datetime import date

_QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
EARLIEST_YEAR = 2000


def parse(text: str) -> tuple[int, int] | None:
    """(year, quarter) for "2026-Q3" (any case, spaces trimmed), or None."""
    m = _QUARTER_RE.match((text or "").strip().upper())
    if not m:
        return None
    year, q = int(m.group(1)), int(m.group(2))
    return (year, q) if year >= EARLIEST_YEAR else None


def key(year: int, q: int) -> str:
    return f"{year}-Q{q}"


def of_date(d: date) -> str:
    return key(d.year, (d.month - 1) // 3 + 1)


def label(quarter: str) -> str:
    """ "July to September 2026" for "2026-Q3"."""
    return _named(quarter, None)


def short_label(quarter: str) -> str:
    """ "Jul to Sep 2026": a chart's row label."""
    return _named(quarter, 3)


def _named(quarter: str, letters: int | None) -> str:
    """The quarter's first and last months (cut to `letters`) and year; anything that is not
    a quarter comes back as it is."""
    parsed = parse(quarter)
    if parsed is None:
        return quarter
    year, q = parsed
    return f"{_MONTHS[3 * q - 3][:letters]} to {_MONTHS[3 * q - 1][:letters]} {year}"


def previous(quarter: str, n: int = 1) -> str:
    year, q = parse(quarter)
    index = year * 4 + (q - 1) - n
    return key(index // 4, index % 4 + 1)


def last_completed(today: date, n: int) -> list[str]:
    """The n quarters that have ended by `today`, oldest first."""
    latest = previous(of_date(today))
    return [previous(latest, i) for i in range(n - 1, -1, -1)]


def is_future(quarter: str, today: date) -> bool:
    """A quarter that has not started yet: no figures can exist for it."""
    return quarter > of_date(today)
