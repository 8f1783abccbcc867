"""The working_days calendar table counts working days exactly as govflow.workdays does."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import literal, select

from govflow import workdays
from govflow.extensions import db
from govflow.metrics import calendar
from govflow.metrics.models import WorkingDay
from govflow.metrics.populations import day_of
from govflow.sweep import SweepContext


def numbers() -> dict:
    rows = db.session.execute(select(WorkingDay.day, WorkingDay.number)).all()
    return {calendar._as_date(d): n for d, n in rows}


def test_calendar_differences_equal_working_days_between(app):
    number = numbers()
    assert min(number) == date(2015, 1, 1) and max(number) == date(2040, 12, 31)
    day = date(2015, 1, 1)
    checked = 0
    while day < date(2040, 12, 1):
        for gap in (1, 3, 4, 11, 30):
            later = day + timedelta(days=gap)
            assert number[later] - number[day] == workdays.working_days_between(day, later)
            checked += 1
        day += timedelta(days=13)
    assert checked > 3000
    # Christmas 2026: Friday 25 and the substitute Monday 28 December are not working days.
    assert number[date(2026, 12, 29)] - number[date(2026, 12, 24)] == 1


def test_utc_moments_fall_on_their_london_day(app):
    def london_day(moment):
        return calendar._as_date(db.session.scalar(select(day_of(literal(moment)))))

    assert london_day(datetime(2026, 4, 14, 23, 30)) == date(2026, 4, 15)  # BST
    assert london_day(datetime(2026, 1, 14, 23, 30)) == date(2026, 1, 14)  # GMT
    assert london_day(datetime(2026, 3, 28, 23, 59)) == date(2026, 3, 28)  # last GMT night
    assert london_day(datetime(2026, 10, 24, 23, 0)) == date(2026, 10, 25)


def test_calendar_fill_command_extends_and_renumbers(runner):
    result = runner.invoke(args=["calendar", "fill", "--from-year", "2014", "--to-year", "2041"])
    assert result.exit_code == 0, result.output
    assert "from 2014-01-01 to 2041-12-31" in result.output
    number = numbers()
    assert number[date(2014, 1, 1)] == 0  # a Wednesday bank holiday: none counted yet
    first, last = date(2020, 2, 3), date(2041, 6, 3)
    assert number[last] - number[first] == workdays.working_days_between(first, last)
    bad = runner.invoke(args=["calendar", "fill", "--from-year", "2030", "--to-year", "2020"])
    assert bad.exit_code != 0


def test_the_sweep_keeps_the_calendar_two_years_ahead(app):
    from govflow.metrics.sweep import extend_calendar

    ctx = SweepContext(now=datetime(2026, 6, 1, 9, 0))
    extend_calendar(ctx)
    assert not ctx.counts  # 2040 is far enough ahead
    ctx = SweepContext(now=datetime(2040, 6, 1, 9, 0))
    extend_calendar(ctx)
    assert ctx.counts["calendar extended"] == 1
    assert max(numbers()) == date(2042, 12, 31)
    again = SweepContext(now=datetime(2040, 6, 1, 9, 0))
    extend_calendar(again)
    assert not again.counts
