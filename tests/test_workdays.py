"""Working-day arithmetic: bank holidays, London time and deadline wording."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from govflow.workdays import (
    DEADLINE_HOUR,
    add_working_days,
    deadline_after,
    due_text,
    extend_by_working_days,
    format_date,
    format_datetime,
    format_time,
    is_working_day,
    next_working_day,
    to_london,
    working_days_between,
    working_days_until,
)

LONDON = ZoneInfo("Europe/London")


def london(y, m, d, hh=0, mm=0):
    """Naive UTC datetime for a London wall-clock time (how the app stores times)."""
    return datetime(y, m, d, hh, mm, tzinfo=LONDON).astimezone(UTC).replace(tzinfo=None)


# --- Christmas 2026: Boxing Day on a Saturday, substitute Monday 28 December ------------


def test_christmas_2026_non_working_days():
    assert is_working_day(date(2026, 12, 24))  # Thursday
    assert not is_working_day(date(2026, 12, 25))  # Christmas Day, Friday
    assert not is_working_day(date(2026, 12, 26))  # Boxing Day, Saturday
    assert not is_working_day(date(2026, 12, 27))  # Sunday
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day (substitute), Monday
    assert is_working_day(date(2026, 12, 29))
    assert is_working_day(date(2026, 12, 30))


def test_christmas_2026_deadline():
    raised = london(2026, 12, 24, 10)
    due = deadline_after(raised, 2)
    assert due == london(2026, 12, 30, 17)
    assert due == datetime(2026, 12, 30, 17, 0)  # GMT in winter: London == UTC
    assert format_datetime(due) == "Wednesday 30 December 2026 at 5pm"


def test_weekend_holiday_counts_days_not_entries():
    # Boxing Day 2026 (Sat 26) and its substitute (Mon 28) are two library entries; only
    # the Monday removes a working day. 24 Dec -> 31 Dec: Thu 24 excluded, then Tue 29,
    # Wed 30, Thu 31 are the only working days.
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 31)) == 3
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    # 2027: Christmas (Sat 25) and Boxing Day (Sun 26) move to Mon 27 and Tue 28.
    assert not is_working_day(date(2027, 12, 27))
    assert not is_working_day(date(2027, 12, 28))
    assert next_working_day(date(2027, 12, 24)) == date(2027, 12, 29)
    assert working_days_between(date(2027, 12, 24), date(2027, 12, 31)) == 3


# --- Easter 2027 ---------------------------------------------------------------------


def test_easter_2027():
    assert not is_working_day(date(2027, 3, 26))  # Good Friday
    assert not is_working_day(date(2027, 3, 29))  # Easter Monday
    assert next_working_day(date(2027, 3, 25)) == date(2027, 3, 30)
    # Raised Thursday 25 March (BST starts Sunday 28 March 2027).
    due = deadline_after(london(2027, 3, 25, 15, 30), 2)
    assert to_london(due).date() == date(2027, 3, 31)
    assert to_london(due).hour == DEADLINE_HOUR
    assert due == datetime(2027, 3, 31, 16, 0)  # 5pm BST is 4pm UTC


def test_working_days_between_across_bank_holiday_weekend():
    # Thu 25 March -> Thu 1 April 2027 spans Good Friday, the weekend and Easter Monday.
    assert working_days_between(date(2027, 3, 25), date(2027, 4, 1)) == 3
    assert working_days_between(date(2027, 3, 26), date(2027, 3, 29)) == 0
    assert working_days_between(date(2027, 4, 1), date(2027, 3, 25)) == 0
    assert working_days_between(date(2027, 3, 25), date(2027, 3, 25)) == 0


def test_working_days_between_matches_day_by_day_count():
    start = date(2025, 11, 3)
    for span in (1, 2, 5, 6, 7, 13, 40, 400, 1200):
        for offset in range(7):
            s = start + timedelta(days=offset)
            e = s + timedelta(days=span)
            slow = sum(1 for k in range(1, span + 1) if is_working_day(s + timedelta(days=k)))
            assert working_days_between(s, e) == slow, (s, e)


def test_working_days_between_long_span():
    # 2020-2029: 10 years of weekdays minus weekday bank holidays; just check it is sane
    # and agrees with stepping through in yearly pieces.
    total = working_days_between(date(2019, 12, 31), date(2029, 12, 31))
    pieces = sum(
        working_days_between(date(y - 1, 12, 31), date(y, 12, 31)) for y in range(2020, 2030)
    )
    assert total == pieces
    assert 2490 < total < 2530


# --- British Summer Time vs Greenwich Mean Time --------------------------------------


def test_bst_and_gmt_conversion():
    # Summer: 5pm BST = 16:00 UTC.
    due = deadline_after(datetime(2026, 7, 6, 9, 0), 3)  # Monday 6 July
    assert due == datetime(2026, 7, 9, 16, 0)
    assert to_london(due).hour == 17
    # Winter: 5pm GMT = 17:00 UTC.
    due = deadline_after(datetime(2026, 11, 2, 9, 0), 3)  # Monday 2 November
    assert due == datetime(2026, 11, 5, 17, 0)


def test_london_date_not_utc_date():
    # 23:30 UTC on Sunday 5 July 2026 is 00:30 BST on Monday 6 July: the London date is
    # the Monday, so the Monday itself does not count and day 1 is Tuesday.
    due = deadline_after(datetime(2026, 7, 5, 23, 30), 1)
    assert to_london(due).date() == date(2026, 7, 7)


def test_aware_datetimes_accepted():
    aware = datetime(2026, 7, 6, 9, 0, tzinfo=UTC)
    assert deadline_after(aware, 3) == datetime(2026, 7, 9, 16, 0)


# --- raised at the weekend, and day zero ---------------------------------------------


def test_raised_on_saturday_counts_from_monday():
    raised = london(2026, 6, 13, 11)  # Saturday
    assert deadline_after(raised, 1) == london(2026, 6, 15, 17)  # Monday is day 1
    assert deadline_after(raised, 2) == london(2026, 6, 16, 17)


def test_raised_early_in_the_morning_day_itself_does_not_count():
    raised = london(2026, 6, 15, 8)  # Monday 08:00
    assert deadline_after(raised, 1) == london(2026, 6, 16, 17)


def test_add_working_days_zero_and_negative():
    assert add_working_days(date(2026, 6, 15), 0) == date(2026, 6, 15)
    assert add_working_days(date(2026, 6, 13), 0) == date(2026, 6, 15)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 6, 15), -1)


# --- working_days_until and due_text -------------------------------------------------


def test_working_days_until_signed():
    due = london(2026, 12, 30, 17)
    assert working_days_until(due, london(2026, 12, 30, 9)) == 0
    assert working_days_until(due, london(2026, 12, 30, 18)) == 0
    assert working_days_until(due, london(2026, 12, 29, 9)) == 1
    assert working_days_until(due, london(2026, 12, 24, 9)) == 2
    assert working_days_until(due, london(2026, 12, 31, 9)) == -1
    assert working_days_until(due, london(2027, 1, 5, 9)) == -3  # 1 Jan is a holiday


def test_due_text_all_branches():
    due = london(2026, 12, 30, 17)
    assert due_text(due, london(2026, 12, 30, 9)) == "Due today by 5pm"
    assert due_text(due, london(2026, 12, 29, 9)) == "Due in 1 working day"
    assert due_text(due, london(2026, 12, 24, 9)) == "Due in 2 working days"
    assert due_text(due, london(2026, 12, 30, 17, 1)) == "Overdue since 5pm today"
    assert due_text(due, london(2026, 12, 31, 9)) == "Overdue by 1 working day"
    assert due_text(due, london(2027, 1, 6, 9)) == "Overdue by 4 working days"
    # Exactly at the deadline is not yet overdue.
    assert due_text(due, due) == "Due today by 5pm"


def test_due_text_weekend_edges():
    friday = london(2026, 6, 12, 17)
    assert due_text(friday, london(2026, 6, 13, 10)) == ("Overdue since Friday 12 June 2026 at 5pm")
    assert due_text(friday, london(2026, 6, 15, 9)) == "Overdue by 1 working day"
    saturday = london(2026, 6, 13, 12)
    assert due_text(saturday, london(2026, 6, 12, 10)) == ("Due by Saturday 13 June 2026 at midday")


# --- extending after a pause ---------------------------------------------------------


def test_extend_by_working_days_keeps_london_clock_time():
    due = london(2026, 12, 24, 17)
    assert extend_by_working_days(due, 2) == london(2026, 12, 30, 17)
    assert extend_by_working_days(due, 0) == due
    # Across the clocks going forward (28 March 2027) the UTC hour changes.
    due = london(2027, 3, 25, 17)
    assert due == datetime(2027, 3, 25, 17, 0)
    assert extend_by_working_days(due, 1) == datetime(2027, 3, 30, 16, 0)
    with pytest.raises(ValueError):
        extend_by_working_days(due, -1)


# --- formatting ----------------------------------------------------------------------


def test_formatting():
    assert format_date(date(2026, 12, 29)) == "29 December 2026"
    assert format_date(date(2027, 3, 1)) == "1 March 2027"
    assert format_datetime(datetime(2026, 12, 29, 17, 0)) == "Tuesday 29 December 2026 at 5pm"
    assert format_datetime(datetime(2026, 7, 7, 8, 30)) == "Tuesday 7 July 2026 at 9:30am"
    assert format_time(london(2026, 7, 7, 12)) == "midday"
    assert format_time(london(2026, 7, 7, 0)) == "midnight"
    assert format_time(london(2026, 7, 7, 12, 15)) == "12:15pm"
    assert format_time(london(2026, 7, 7, 0, 5)) == "12:05am"
    # A stored (UTC) datetime is shown as its London date.
    assert format_date(datetime(2026, 7, 5, 23, 30)) == "6 July 2026"
    assert to_london(datetime(2026, 7, 7, 8, 30)).tzinfo is not None
