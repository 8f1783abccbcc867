"""The notification outbox; each row is also the person's in-app inbox entry."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govflow.accounts.models import User
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.model_parts import one_of

EMAIL_STATUSES = ("pending", "sending", "sent", "failed", "not_sent")


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        *one_of(email_status=EMAIL_STATUSES),
        Index("ix_notifications_user_read", "user_id", "read_at"),
        Index("ix_notifications_email_due", "email_status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="", server_default="")
    link: Mapped[str] = mapped_column(String(300), default="", server_default="")
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"), index=True)
    # Same key, same person: written once (deadline warnings, digests, reminders).
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    email_status: Mapped[str] = mapped_column(
        String(10), default="pending", server_default="pending"
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str] = mapped_column(Text, default="", server_default="")

    user: Mapped[User] = relationship()


# How a person is emailed about one kind (govflow/notifications/preferences.py).
PREFERENCE_CHOICES = ("now", "digest", "off")


class NotificationPreference(db.Model):
    """One person's choice for one kind of notification; no row means "now"."""

    __tablename__ = "notification_preferences"
    __table_args__ = one_of(how=PREFERENCE_CHOICES)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    how: Mapped[str] = mapped_column(String(10))
