"""Sponsor actions and their append-only history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govflow.accounts.models import LocalArea, User
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.items.models import AppendOnlyError, Item, refuse_changes
from govflow.model_parts import Versioned, one_of
from govflow.records.chain import Chained, seal_rows_on_insert

ACTION_STATUSES = ("open", "done", "dropped")
# What an action's history records of it: all of these when it is recorded, `what` and
# `due_on` when they change, `outcome_note` when it is closed. The check compares the action
# with what its history says.
RECORDED_FIELDS = ("what", "due_on", "area_id", "sponsor_id", "owner_id", "created_by_id",
                   "item_id", "meeting_id")


def recorded(action, names=RECORDED_FIELDS) -> dict:
    """The action's values as its history records them (dates as ISO text)."""
    values = {}
    for name in names:
        value = getattr(action, name)
        values[name] = value.isoformat() if isinstance(value, date) else value
    return values


class SponsorAction(Versioned, db.Model):
    __tablename__ = "sponsor_actions"
    __table_args__ = (
        *one_of(status=ACTION_STATUSES),
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

    area: Mapped[LocalArea] = relationship()
    sponsor: Mapped[User] = relationship(foreign_keys=[sponsor_id])
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    item: Mapped[Item | None] = relationship()
    meeting = relationship("Meeting", foreign_keys=[meeting_id])
    history: Mapped[list[SponsorActionEvent]] = relationship(
        order_by="SponsorActionEvent.id", viewonly=True
    )


class SponsorActionEvent(Chained, db.Model):
    """One entry in a sponsor action's history: a change of status, or of what the action is
    or when it is due. `fields` holds the action's recorded values this entry set (all of
    them when the action is recorded), so the check can tell an action edited behind its
    history."""

    __tablename__ = "sponsor_action_events"
    __table_args__ = (Index("ix_sponsor_action_events_chain", "action_id", "chain_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("sponsor_actions.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    from_status: Mapped[str | None] = mapped_column(String(10))
    to_status: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    fields: Mapped[dict | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()


def refuse_deletes(model) -> None:
    """Make the ORM refuse DELETE of a row people are held to account by (the database too)."""

    def _refuse(mapper, connection, target):
        raise AppendOnlyError(f"{model.__tablename__} rows are never deleted")

    event.listen(model, "before_delete", _refuse)


refuse_changes(SponsorActionEvent)
seal_rows_on_insert(SponsorActionEvent)
# An action is done or dropped with a note, never deleted: the record is the accountability.
refuse_deletes(SponsorAction)
