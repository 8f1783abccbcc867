"""Who follows what: one row per person and thing (an item, a forum or an area)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from govflow.clock import utcnow
from govflow.extensions import db
from govflow.model_parts import one_of

THINGS = ("item", "forum", "area")


class Follow(db.Model):
    __tablename__ = "follows"
    __table_args__ = (
        *one_of(thing=THINGS),
        # "Who follows this?" when something changes.
        Index("ix_follows_thing", "thing", "thing_id"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    thing: Mapped[str] = mapped_column(String(10), primary_key=True)
    thing_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
