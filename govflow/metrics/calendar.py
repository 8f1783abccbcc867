"""Fills the working_days calendar table from govflow.workdays (`govflow calendar fill`)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func, insert, select, text

from govflow import workdays
from govflow.metrics.models import WorkingDay

# Wide enough for any item the partnership will hold; the sweep extends the end as time passes.
DEFAULT_FIRST_YEAR = 2015
DEFAULT_LAST_YEAR = 2040
# The sweep keeps at least this many years of calendar ahead of today.
YEARS_AHEAD = 2


def rows(first: date, last: date) -> list[dict]:
    """Calendar rows for first..last inclusive, numbered from first."""
    out = []
    number = 0
    day = first
    midnight = time(0)
    while day <= last:
        working = workdays.is_working_day(day)
        number += int(working)
        out.append(
            {
                "day": day,
                "starts_at": workdays._london_to_naive_utc(day, midnight),
                "ends_at": workdays._london_to_naive_utc(day + timedelta(days=1), midnight),
                "working": working,
                "number": number,
                "month": f"{day.year:04d}-{day.month:02d}",
            }
        )
        day += timedelta(days=1)
    return out


def span(connection) -> tuple[date | None, date | None]:
    first, last = connection.execute(
        select(func.min(WorkingDay.day), func.max(WorkingDay.day))
    ).one()
    return _as_date(first), _as_date(last)


def _as_date(value):
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def fill(connection, first_year: int = DEFAULT_FIRST_YEAR,
         last_year: int = DEFAULT_LAST_YEAR) -> tuple[date, date, int]:
    """Rebuild the calendar to cover at least first_year..last_year (and what it had).

    The numbering runs from the first date, so extending the start renumbers every row: the
    table is rebuilt whole, in the caller's transaction. A rebuild also picks up bank
    holidays the holidays library has learnt since the last fill (a coronation, a jubilee).
    """
    old_first, old_last = span(connection)
    first = date(first_year, 1, 1)
    last = date(last_year, 12, 31)
    if old_first is not None:
        first, last = min(first, old_first), max(last, old_last)
    if connection.dialect.name == "postgresql":
        # Two sweeps extending it at once would otherwise collide on the primary key.
        connection.execute(text("LOCK TABLE working_days IN EXCLUSIVE MODE"))
    connection.execute(delete(WorkingDay))
    new_rows = rows(first, last)
    connection.execute(insert(WorkingDay), new_rows)
    return first, last, len(new_rows)


def ensure_covers(connection, today: date) -> bool:
    """Extend the calendar if it ends less than YEARS_AHEAD years after today (the sweep)."""
    first, last = span(connection)
    wanted_last = today.year + YEARS_AHEAD
    if last is not None and last >= date(wanted_last, 12, 31) and first <= today:
        return False
    first_year = min(first.year if first else DEFAULT_FIRST_YEAR, today.year)
    fill(connection, first_year, max(wanted_last, last.year if last else wanted_last))
    return True


def london_midnight(d: date) -> datetime:
    return workdays._london_to_naive_utc(d, time(0))
