"""Decision log entries. Immutable: a correction is a new decision that supersedes the old."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.schema import CheckConstraint, ForeignKey, Index
from sqlalchemy.types import Boolean, DateTime, String, Text

from govflow.accounts.models import TIERS, User
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.items.models import Event, Item, refuse_changes
from govflow.model_parts import ReviewDate, one_of
from govflow.records.chain import Chained, seal_rows_on_insert

OUTCOMES = (
    "approved",
    "declined",
    "unblocked",
    "referred_down",
    "escalation_refused",
    "escalated",
    "evaluated",
    "adopted",
    "stopped",
    "noted",
)
# What each outcome is called wherever a decision is shown: the decision log, a decision's
# page, the minutes, the printed item, CSV and search. "Referred down" says what the
# workflow's refer_down trigger says ("with support or permission").
OUTCOME_LABELS = {
    "approved": "Approved",
    "declined": "Declined",
    "unblocked": "Unblocked",
    "referred_down": "Referred down with support or permission",
    "escalation_refused": "Escalation refused",
    "escalated": "Escalated",
    "evaluated": "Evaluated",
    "adopted": "Adopted",
    "stopped": "Stopped",
    "noted": "Noted",
}
REASON_CATEGORIES = {
    "statutory_duty": "Statutory duty",
    "safeguarding_risk": "Safeguarding risk",
    "cost": "Cost",
    "duplicates_existing_offer": "Duplicates an existing offer",
    "not_enough_information": "Not enough information",
    "other": "Other",
}


class Decision(ReviewDate, Chained, db.Model):
    __tablename__ = "decisions"
    __table_args__ = (
        *one_of(outcome=OUTCOMES, tier=TIERS),
        # A decline must say why not and what would make it a yes.
        CheckConstraint(
            "outcome <> 'declined' OR (why_not <> '' AND what_would_make_yes <> ''"
            " AND reason_category IS NOT NULL)",
            name="decline_reasons",
        ),
        CheckConstraint(
            "(by_default AND decided_by_id IS NULL) OR (NOT by_default AND decided_by_id IS NOT NULL)",
            name="decider",
        ),
        Index("ix_decisions_decided_at", "decided_at"),
        # The decision log's "Decided by" filter and its list of people who have decided.
        Index("ix_decisions_decided_by_id", "decided_by_id"),
        # Which decisions on a page were corrected. The unique constraint's index would do,
        # but once SQLite has statistics (ANALYZE) it counts that index's NULLs as one value
        # 30,000 rows deep and scans the table instead; this one holds corrections only.
        Index("ix_decisions_corrections", "supersedes_id",
              sqlite_where=text("supersedes_id IS NOT NULL"),
              postgresql_where=text("supersedes_id IS NOT NULL")),
        Index("ix_decisions_chain", "item_id", "chain_seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    tier: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str] = mapped_column(String(30))
    summary: Mapped[str] = mapped_column(Text, default="", server_default="")
    rationale: Mapped[str] = mapped_column(Text, default="", server_default="")
    reason_category: Mapped[str | None] = mapped_column(String(40))
    why_not: Mapped[str] = mapped_column(Text, default="", server_default="")
    what_would_make_yes: Mapped[str] = mapped_column(Text, default="", server_default="")
    conditions: Mapped[str] = mapped_column(Text, default="", server_default="")
    alternatives: Mapped[str] = mapped_column(Text, default="", server_default="")
    conflicts: Mapped[str] = mapped_column(Text, default="", server_default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    by_default: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    decided_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    delay_explanation: Mapped[str] = mapped_column(Text, default="", server_default="")
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    # One successor at most: a decision is superseded once, by exactly one correction.
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), unique=True)
    # Taken at a meeting whose quorum was not met (the forum allows it): why it was not,
    # e.g. "2 members present of the 3 needed". NULL otherwise, and in every row before it.
    without_quorum: Mapped[str | None] = mapped_column(Text)

    item: Mapped[Item] = relationship()
    # The event the decision came with; for a correction, the event that says what was wrong.
    event: Mapped[Event | None] = relationship(viewonly=True)
    decided_by: Mapped[User | None] = relationship()
    meeting = relationship("Meeting")
    supersedes: Mapped[Decision | None] = relationship(
        remote_side=[id], foreign_keys=[supersedes_id], back_populates="superseded_by"
    )
    superseded_by: Mapped[Decision | None] = relationship(
        foreign_keys=[supersedes_id], back_populates="supersedes", uselist=False, viewonly=True
    )

    @property
    def deputy_for_name(self) -> str | None:
        """Whom the decider stood in for, as their deputy (from the decision's event)."""
        return self.event.deputy_for_name if self.event is not None else None

    @property
    def reason_category_label(self) -> str:
        return REASON_CATEGORIES.get(self.reason_category or "", "")


refuse_changes(Decision)
seal_rows_on_insert(Decision)
