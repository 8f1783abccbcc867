"""Sponsor actions and their append-only history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govflow.accounts.models import LocalArea, User, _in
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.items.models import AppendOnlyError, Item, refuse_changes

ACTION_STATUSES = ("open", "done", "dropped")


class SponsorAction(db.Model):
    __tablename__ = "sponsor_actions"
    __table_args__ = (
        CheckConstraint(_in("status", ACTION_STATUSES), name="status"),
        CheckConstraint(
            "status = 'open' OR outcome_note <> ''", name="closed_needs_note"
        ),
        Index("ix_sponsor_actions_status_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("local_areas.id"), index=True)
    sponsor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    what: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open", server_default="open")
    outcome_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The due date each reminder/flag was sent for, so the sweep sends each exactly once.
    reminder_sent_for: Mapped[date | None] = mapped_column(Date)
    overdue_flagged_for: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    area: Mapped[LocalArea] = relationship()
    sponsor: Mapped[User] = relationship(foreign_keys=[sponsor_id])
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    item: Mapped[Item | None] = relationship()
    meeting = relationship("Meeting", foreign_keys=[meeting_id])
    history: Mapped[list[SponsorActionEvent]] = relationship(
        order_by="SponsorActionEvent.id", viewonly=True
    )


class SponsorActionEvent(db.Model):
    __tablename__ = "sponsor_action_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("sponsor_actions.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    from_status: Mapped[str | None] = mapped_column(String(10))
    to_status: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()


def refuse_deletes(model) -> None:
    """Make the ORM refuse DELETE of a row people are held to account by (the database too)."""

    def _refuse(mapper, connection, target):
        raise AppendOnlyError(f"{model.__tablename__} rows are never deleted")

    event.listen(model, "before_delete", _refuse)


refuse_changes(SponsorActionEvent)
# An action is done or dropped with a note, never deleted: the record is the accountability.
refuse_deletes(SponsorAction)
