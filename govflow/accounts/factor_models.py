"""A person's second factor: their authenticator app's secret and their recovery codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govflow.clock import utcnow
from govflow.extensions import db
from govflow.sealed import Sealed


class SecondFactor(db.Model):
    """Time-based one-time codes (RFC 6238) for one person, once they have set them up.

    `last_step` is the 30-second step of the last code accepted: a code is refused unless
    its step is later, so a code seen over someone's shoulder cannot be used again."""

    __tablename__ = "second_factors"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    # Sealed with the app's key (govflow.sealed): a copy of the database does not give codes.
    secret: Mapped[str] = mapped_column(Sealed(255))
    enabled_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_step: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    user = relationship("User")


class RecoveryCode(db.Model):
    """A one-time code for when the phone is lost: only its SHA-256 is kept, and it is
    marked used the first time it signs someone in."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
