"""An attachment and the thing it belongs to. The file's bytes live outside the database
(govflow.attachments.storage); the row holds its SHA-256, name, size and type, and joins the
record's hash chains, so `govflow check` finds an edited row or a swapped file."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govflow.accounts.models import User
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.items.models import refuse_changes
from govflow.records.chain import Chained, seal_rows_on_insert


class AttachmentOwner(db.Model):
    """One thing that has attachments (an item, a decision, a meeting…): its attachments
    form one chain of the record, whose subject is this row. `kind` names an entry of
    govflow.attachments.owners.OWNERS."""

    __tablename__ = "attachment_owners"
    __table_args__ = (UniqueConstraint("kind", "owner_id", name="uq_attachment_owners_owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[int] = mapped_column(Integer)


class Attachment(Chained, db.Model):
    """A file kept with a thing. Never deleted or edited: a new version supersedes it."""

    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint("size >= 0", name="size"),
        # Kept only when the uploader confirmed it holds no personal details of children
        # or families.
        CheckConstraint("no_personal_details", name="confirmed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_ref_id: Mapped[int] = mapped_column(ForeignKey("attachment_owners.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(300), default="", server_default="")
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The uploader confirmed the file holds no personal details of children or families.
    no_personal_details: Mapped[bool] = mapped_column(Boolean)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"), unique=True)

    owner_ref: Mapped[AttachmentOwner] = relationship()
    uploaded_by: Mapped[User] = relationship()

    @property
    def owner_kind(self) -> str:
        return self.owner_ref.kind

    @property
    def owner(self):
        """The thing it belongs to (for the access policy, which imports no domain code)."""
        from govflow.attachments.owners import load_owner

        return load_owner(self.owner_ref.kind, self.owner_ref.owner_id)


refuse_changes(Attachment)
refuse_changes(AttachmentOwner)
seal_rows_on_insert(Attachment)
