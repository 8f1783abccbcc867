"""Working-day deadlines: England bank holidays, London local dates, plain-English wording."""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")

# Deadlines are "by 5pm" on the working day, London time.
DEADLINE_HOUR = 17

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# --- bank holidays -------------------------------------------------------------------


@lru_cache(maxsize=256)
def _bank_holidays(year: int) -> frozenset[date]:
    """Dates (not entries) of England bank holidays in one year.

    The library lists a holiday that falls at a weekend *and* its substitute day, so
    Boxing Day 2026 gives Saturday 26 and Monday 28 December. Keeping only the set of
    dates means both are non-working and neither is counted twice. Years outside the
    library's range come back empty, so far-future dates fall back to weekends only.
    """
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


@lru_cache(maxsize=256)
def _weekday_holidays(year: int) -> tuple[date, ...]:
    """One year's bank holidays on Monday–Friday, in date order."""
    return tuple(sorted(d for d in _bank_holidays(year) if d.weekday() < 5))


def _weekday_holidays_in(start: date, end: date) -> int:
    """How many bank holidays on Monday–Friday fall in start < d <= end."""
    # Counted by bisection: a list page works out 25 deadlines (checking every holiday of
    # each year was a third of the time each took).
    count = 0
    for year in range(start.year, end.year + 1):
        days = _weekday_holidays(year)
        count += bisect_right(days, end) - bisect_right(days, start)
    return count


# --- working days --------------------------------------------------------------------


def _as_date(d: date) -> date:
    # datetime is a subclass of date; a stored datetime is naive UTC, so use its London
    # date rather than its UTC one (they differ between midnight and 1am in summer).
    return london_date(d) if isinstance(d, datetime) else d


def is_working_day(d: date) -> bool:
    """Monday to Friday and not an England bank holiday."""
    d = _as_date(d)
    return d.weekday() < 5 and d not in _bank_holidays(d.year)


def next_working_day(d: date) -> date:
    """The first working day strictly after d."""
    d = _as_date(d) + timedelta(days=1)
    while not is_working_day(d):
        d += timedelta(days=1)
    return d


def add_working_days(d: date, n: int) -> date:
    """The n-th working day strictly after d.

    n == 0 means "d itself if it is a working day, otherwise the next working day".
    """
    if n < 0:
        raise ValueError("n must be 0 or more")
    d = _as_date(d)
    if n == 0:
        return d if is_working_day(d) else next_working_day(d)
    for _ in range(n):
        d = next_working_day(d)
    return d


def _weekdays_since_epoch(d: date) -> int:
    # Ordinal 1 (0001-01-01) is a Monday, so whole weeks contribute 5 days each and the
    # part-week contributes up to 5.
    days = d.toordinal()
    return (days // 7) * 5 + min(days % 7, 5)


def working_days_between(start: date, end: date) -> int:
    """Number of working days d with start < d <= end (0 if end <= start)."""
    start, end = _as_date(start), _as_date(end)
    if end <= start:
        return 0
    weekdays = _weekdays_since_epoch(end) - _weekdays_since_epoch(start)
    return weekdays - _weekday_holidays_in(start, end)


# --- time zones ----------------------------------------------------------------------


def _as_utc(dt: datetime) -> datetime:
    # The app stores naive UTC; accept aware datetimes too rather than mis-reading them.
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def to_london(dt_utc: datetime) -> datetime:
    """Aware Europe/London datetime for a (naive, UTC) stored datetime."""
    return _as_utc(dt_utc).astimezone(LONDON)


def london_date(dt_utc: datetime) -> date:
    """The London calendar date of a (naive, UTC) stored datetime."""
    return to_london(dt_utc).date()


def _london_to_naive_utc(d: date, clock: time) -> datetime:
    local = datetime.combine(d, clock.replace(tzinfo=None), tzinfo=LONDON)
    return local.astimezone(UTC).replace(tzinfo=None)


def deadline_after(start_utc: datetime, n: int) -> datetime:
    """Naive UTC datetime of 5pm London time on the n-th working day after start_utc.

    The London date the item was raised never counts, whatever the hour; raised at a
    weekend or on a bank holiday, the next working day is day 1.
    """
    due_date = add_working_days(london_date(start_utc), n)
    return _london_to_naive_utc(due_date, time(DEADLINE_HOUR))


def extend_by_working_days(due_utc: datetime, n: int) -> datetime:
    """The same London clock time, n working days later (after the clock was paused).

    Clock changes happen at weekends, so the London time always exists on the new date;
    the UTC hour may differ by one if the move crosses a clock change.
    """
    if n < 0:
        raise ValueError("n must be 0 or more")
    if n == 0:
        return _as_utc(due_utc).replace(tzinfo=None)
    local = to_london(due_utc)
    new_date = add_working_days(local.date(), n)
    return _london_to_naive_utc(new_date, local.timetz())


def working_days_until(due_utc: datetime, now_utc: datetime) -> int:
    """Signed working days from now to due, by London date.

    Positive N: due in N working days. 0: due today (or no working day lies between the
    two dates). Negative N: overdue by N working days. This compares dates only, so a
    deadline at 5pm today is still 0 at 6pm; use due_text or compare datetimes to know
    whether the moment itself has passed.
    """
    due_d = london_date(due_utc)
    now_d = london_date(now_utc)
    if due_d >= now_d:
        return working_days_between(now_d, due_d)
    return -working_days_between(due_d, now_d)


def _plural_days(n: int) -> str:
    return f"{n} working day" if n == 1 else f"{n} working days"


def due_text(due_utc: datetime, now_utc: datetime) -> str:
    """Plain-English status of a deadline.

    - "Due today by 5pm" — due later today (London date).
    - "Due in 1 working day" / "Due in 3 working days".
    - "Due by Saturday 2 January 2027 at 5pm" — due on a non-working day with no working
      day before it (only for deadlines not made by deadline_after).
    - "Overdue since 5pm today" — the deadline passed earlier today.
    - "Overdue since Friday 12 March 2027 at 5pm" — passed, but no working day has
      started since (for example, it is now the weekend).
    - "Overdue by 1 working day" / "Overdue by 4 working days".
    """
    due = _as_utc(due_utc)
    now = _as_utc(now_utc)
    due_d = london_date(due)
    now_d = london_date(now)
    passed = now > due
    days = working_days_between(due_d, now_d) if passed else working_days_between(now_d, due_d)
    some_days, same_day, no_working_day = _DUE_WORDS[passed]
    if days > 0:
        return some_days.format(days=_plural_days(days))
    if due_d == now_d:
        return same_day.format(time=format_time(due))
    return no_working_day.format(when=format_datetime(due))


# Whether the deadline has passed -> how it reads with working days between it and now, on
# the same day, and with only non-working days between.
_DUE_WORDS = {
    False: ("Due in {days}", "Due today by {time}", "Due by {when}"),
    True: ("Overdue by {days}", "Overdue since {time} today", "Overdue since {when}"),
}


# --- formatting (GOV.UK style) -------------------------------------------------------


def format_time(dt_utc: datetime) -> str:
    """London clock time GOV.UK style: "5pm", "9:30am", "midday", "midnight"."""
    return _clock_text(to_london(dt_utc))


def _clock_text(local: datetime) -> str:
    hour, minute = local.hour, local.minute
    if minute == 0 and hour == 0:
        return "midnight"
    if minute == 0 and hour == 12:
        return "midday"
    suffix = "am" if hour < 12 else "pm"
    hour12 = hour % 12 or 12
    return f"{hour12}{suffix}" if minute == 0 else f"{hour12}:{minute:02d}{suffix}"


def format_date(d: date) -> str:
    """ "29 December 2026". A datetime is taken as naive UTC and shown as its London date."""
    d = _as_date(d)
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def format_date_and_time(dt_utc: datetime) -> str:
    """ "2 March 2025 at 2:05pm", in London time (a history entry's moment)."""
    local = to_london(dt_utc)
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year} at {_clock_text(local)}"


def format_datetime(dt_utc: datetime) -> str:
    """ "Tuesday 29 December 2026 at 5pm", in London time."""
    local = to_london(dt_utc)
    day = local.date()
    return f"{_WEEKDAYS[day.weekday()]} {format_date(day)} at {format_time(dt_utc)}"
