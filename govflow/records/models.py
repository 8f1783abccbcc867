"""The heads of the record's hash chains, the daily roots they fold into, and verifications."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from govflow.clock import utcnow
from govflow.extensions import db


class RecordChain(db.Model):
    """Where one chain stands: an item's, a sponsor action's or a meeting's record.

    One row per chain, so a writer locks only the chain it appends to: people working on
    different items never wait for each other (see docs/record-integrity.md)."""

    __tablename__ = "record_chains"
    __table_args__ = (UniqueConstraint("kind", "subject_id", name="uq_record_chains_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    subject_id: Mapped[int] = mapped_column(Integer)
    length: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RecordRoot(db.Model):
    """A day's root: one SHA-256 over every chain's head as it stood at the end of that day
    (London). Append-only; sent to the central forum's secretaries and printed on exports."""

    __tablename__ = "record_roots"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    root_hash: Mapped[str] = mapped_column(String(64))
    entries: Mapped[int] = mapped_column(Integer)
    chains: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RecordVerification(db.Model):
    """One run of the record check by the daily sweep: when, and what it found."""

    __tablename__ = "record_verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    intact: Mapped[bool | None] = mapped_column(Boolean)
    entries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    breaks: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    first_break: Mapped[str] = mapped_column(Text, default="", server_default="")
