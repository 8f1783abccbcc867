"""The submission keys already used: who used which key, and what the first use led to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govflow.clock import utcnow
from govflow.extensions import db

KEY_LENGTH = 255


class SubmissionKey(db.Model):
    """A key a person has used. The primary key (person, key) is what settles a race: two
    sends of one key both insert this row, and the database lets only one of them commit.
    The row is written in the transaction of the change it guards, so a submission that
    fails or is refused leaves no row and the key can be sent again."""

    __tablename__ = "submission_keys"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    # A form: where its first submission went (the redirect's address).
    outcome_url: Mapped[str | None] = mapped_column(String(2000))
    # An API call: the first response, and what the request was, so a key reused for a
    # different request is refused rather than answered with another call's result.
    request_hash: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(100))
    body: Mapped[str | None] = mapped_column(Text)
