"""Referrals from a local group to the central forum: what was sent up, with the group's
note, and the central forum's answer that comes back to the group as a matter arising."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govflow.accounts.models import User
from govflow.clock import utcnow
from govflow.extensions import db


class Referral(db.Model):
    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id"), index=True)
    # The local meeting it was referred from (none when referred from an item's page).
    from_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))
    to_forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    note: Mapped[str] = mapped_column(Text)
    referred_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    referred_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The central meeting that answered it.
    answer_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))

    from_forum = relationship("Forum", foreign_keys=[from_forum_id])
    to_forum = relationship("Forum", foreign_keys=[to_forum_id])
    from_meeting = relationship("Meeting", foreign_keys=[from_meeting_id])
    answer_meeting = relationship("Meeting", foreign_keys=[answer_meeting_id])
    item = relationship("Item")
    referred_by: Mapped[User] = relationship(foreign_keys=[referred_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
