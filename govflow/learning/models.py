"""The link between an adopted idea and the copies other areas have tried ("Try this in my area")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govflow.accounts.models import LocalArea, User
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.items.models import Item


class IdeaCopy(db.Model):
    """An idea proposed in another area from an adopted one. One copy per area: a second
    "try this here" from the same area finds the first."""

    __tablename__ = "idea_copies"
    __table_args__ = (
        UniqueConstraint("original_id", "area_id", name="uq_idea_copies_original_area"),
        Index("ix_idea_copies_original_id", "original_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    original_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    copy_id: Mapped[int] = mapped_column(ForeignKey("items.id"), unique=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("local_areas.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    original: Mapped[Item] = relationship(foreign_keys=[original_id])
    copy: Mapped[Item] = relationship(foreign_keys=[copy_id])
    area: Mapped[LocalArea] = relationship()
    created_by: Mapped[User] = relationship()
