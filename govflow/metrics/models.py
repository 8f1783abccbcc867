"""The working-day calendar: one row per date, so SQL can count working days with two joins."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from govflow.extensions import db


class WorkingDay(db.Model):
    """A London calendar date: when it starts and ends in UTC, and its working-day number.

    `number` counts the working days from the start of the calendar up to and including this
    date, so the working days d with start < d <= end are number(end) − number(start) — the
    same as workdays.working_days_between. Stored datetimes are naive UTC; a datetime
    belongs to the row with starts_at <= at < ends_at (London midnight to London midnight).
    """

    __tablename__ = "working_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime, unique=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    working: Mapped[bool] = mapped_column(Boolean)
    number: Mapped[int] = mapped_column(Integer)
    # "2026-03": grouping by month without dialect-specific date functions.
    month: Mapped[str] = mapped_column(String(7), index=True)
