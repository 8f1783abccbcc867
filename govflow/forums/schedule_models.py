"""A forum's rhythm of meetings (the series the sweep keeps eight weeks ahead) and the
private calendar feeds people subscribe to."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govflow.accounts.models import User
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.model_parts import one_of

FREQUENCIES = ("weekly", "monthly")
# Monthly meetings fall on the first, second, third, fourth or last such weekday.
WEEKS_OF_MONTH = (1, 2, 3, 4, 5)


class MeetingRhythm(db.Model):
    """How often a forum meets. Never edited: a new rhythm ends the old one (ended_at), so
    the meetings each one made stay tied to the series they came from."""

    __tablename__ = "meeting_rhythms"
    __table_args__ = (
        *one_of(frequency=FREQUENCIES),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint(
            "(frequency = 'weekly' AND week_of_month IS NULL) OR "
            "(frequency = 'monthly' AND week_of_month BETWEEN 1 AND 5)",
            name="week_of_month",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id"), index=True)
    frequency: Mapped[str] = mapped_column(String(10))
    weekday: Mapped[int] = mapped_column(Integer)  # Monday 0 … Sunday 6
    week_of_month: Mapped[int | None] = mapped_column(Integer)
    # London clock times: each meeting is placed in London time on its own day, so a
    # 9:30 meeting stays at 9:30 across the clock change.
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)
    place: Mapped[str] = mapped_column(String(300), default="", server_default="")
    chair_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)

    forum = relationship("Forum")
    chair: Mapped[User] = relationship(foreign_keys=[chair_id])


class CalendarFeed(db.Model):
    """A private calendar address: a forum's meetings (forum_id set) or one person's own
    meetings (forum_id empty). Only a SHA-256 of its secret is kept; the address is shown
    once, and a revoked feed answers 404 from then on."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    forum_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()
    forum = relationship("Forum")
