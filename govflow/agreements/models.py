"""Agreements: data-sharing protocols, confidentiality agreements and ground rules, with their
parties, areas, what may be shared with whom and why, owner and review date."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govflow.accounts.models import LocalArea, User
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.items.models import Item
from govflow.model_parts import Versioned, link_table, one_of

# The kinds of agreement, as people read them.
AGREEMENT_KINDS = {
    "data_sharing": "Data-sharing protocol",
    "confidentiality": "Confidentiality agreement",
    "ground_rules": "Ground rules",
}

agreement_areas = link_table("agreement_areas", agreement_id="agreements.id",
                             area_id="local_areas.id")


class Agreement(Versioned, db.Model):
    __tablename__ = "agreements"
    __table_args__ = (
        *one_of(kind=AGREEMENT_KINDS),
        # The sweep looks for agreements falling due for review, oldest first.
        Index("ix_agreements_review_on", "review_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    parties: Mapped[str] = mapped_column(Text, default="", server_default="")
    # What may be shared, with whom, and on what basis (the lawful basis, or the consent).
    what_shared: Mapped[str] = mapped_column(Text, default="", server_default="")
    shared_with: Mapped[str] = mapped_column(Text, default="", server_default="")
    basis: Mapped[str] = mapped_column(Text, default="", server_default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    review_on: Mapped[date] = mapped_column(Date)
    # The blocker or decision that produced it, if any.
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"), index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The sweep's marks, each the review date it was done for: the owner reminded, and the
    # agreement lapsed (a blocker raised in its areas, lapse_item_id).
    reminder_sent_for: Mapped[date | None] = mapped_column(Date)
    lapsed_for: Mapped[date | None] = mapped_column(Date)
    lapse_item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))


    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    item: Mapped[Item | None] = relationship(foreign_keys=[item_id])
    lapse_item: Mapped[Item | None] = relationship(foreign_keys=[lapse_item_id])
    decision = relationship("Decision")
    areas: Mapped[list[LocalArea]] = relationship(secondary=agreement_areas,
                                                  order_by="LocalArea.name")

    @property
    def kind_label(self) -> str:
        return AGREEMENT_KINDS.get(self.kind, self.kind)

    def __repr__(self) -> str:
        return f"<Agreement {self.id} {self.kind}>"
