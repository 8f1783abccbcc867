"""Absences and deputies: a person away for a date range, and who acts for them meanwhile."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govflow.clock import utcnow
from govflow.extensions import db


class Absence(db.Model):
    """A person away from `starts_on` to `ends_on` (London dates, both included), with the
    deputy who sees their to-do list and acts with their powers meanwhile (or none named:
    the sweep then warns of deadlines that fall in it). Ended early by `cancelled_at`."""

    __tablename__ = "absences"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
        CheckConstraint("deputy_id IS NULL OR deputy_id <> user_id", name="not_own_deputy"),
        Index("ix_absences_deputy_id_starts_on", "deputy_id", "starts_on"),
        Index("ix_absences_user_id_starts_on", "user_id", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)

    user = relationship("User", foreign_keys=[user_id])
    deputy = relationship("User", foreign_keys=[deputy_id])


def london_today() -> date:
    from govflow.workdays import london_date

    return london_date(utcnow())


def deputies_today() -> dict[int, int]:
    """{person away: their deputy} for every absence with a deputy that covers today. The
    access policy asks for every item on a page and notifications for every person told, so
    it is read once a request (few rows: the absences of one day)."""
    from flask import g, has_app_context

    today = london_today()
    cache = g.setdefault("govflow_deputies", {}) if has_app_context() else {}
    if today not in cache:
        rows = db.session.execute(select(Absence.user_id, Absence.deputy_id).where(
            Absence.deputy_id.is_not(None), Absence.cancelled_at.is_(None),
            Absence.starts_on <= today, Absence.ends_on >= today)).all()
        cache[today] = {user_id: deputy_id for user_id, deputy_id in rows}
    return cache[today]


def people_covered_by(deputy_id: int) -> frozenset[int]:
    """The people away today who named `deputy_id` as their deputy, worked out once a request
    per deputy: the access policy asks for every item and decision on a page."""
    from flask import g, has_app_context

    key = (london_today(), "covered by", deputy_id)
    cache = g.setdefault("govflow_deputies", {}) if has_app_context() else {}
    if key not in cache:
        cache[key] = frozenset(
            away for away, deputy in deputies_today().items() if deputy == deputy_id)
    return cache[key]


def forget_deputies() -> None:
    """After an absence is recorded or ended: the next question reads them again."""
    from flask import g, has_app_context

    if has_app_context():
        g.pop("govflow_deputies", None)
