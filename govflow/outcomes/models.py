"""Outcome indicators (with a baseline and a target per area, and quarterly figures), what
families told us, progress-report subscriptions and the public page's switch."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govflow.accounts.models import LocalArea, User
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.items.models import Item, Tag
from govflow.model_parts import link_table, one_of

# Which way is better: a higher figure (families helped early) or a lower one (referrals).
BETTER = ("higher", "lower")
# How the partnership's figure is made from the areas': counts add up, rates are averaged.
COMBINE = ("sum", "mean")
FIGURE_SOURCES = ("form", "csv", "seed")


class Indicator(db.Model):
    """One measure of progress towards one of the framework's four outcomes."""

    __tablename__ = "indicators"
    __table_args__ = (
        *one_of(better=BETTER, combine=COMBINE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("tags.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(60))
    better: Mapped[str] = mapped_column(String(10))
    combine: Mapped[str] = mapped_column(String(10), default="sum", server_default="sum")
    source: Mapped[str] = mapped_column(Text, default="", server_default="")
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    outcome: Mapped[Tag] = relationship()


class IndicatorTarget(db.Model):
    """An indicator's starting point and aim in one area."""

    __tablename__ = "indicator_targets"
    __table_args__ = (UniqueConstraint("indicator_id", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    area_id: Mapped[int] = mapped_column(ForeignKey("local_areas.id"), index=True)
    baseline: Mapped[float] = mapped_column(Float)
    target: Mapped[float] = mapped_column(Float)


class IndicatorFigure(db.Model):
    """An indicator's figure in one area for one quarter ("2026-Q3"); entered again, replaced."""

    __tablename__ = "indicator_figures"
    __table_args__ = (
        UniqueConstraint("indicator_id", "area_id", "quarter"),
        *one_of(source=FIGURE_SOURCES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    area_id: Mapped[int] = mapped_column(ForeignKey("local_areas.id"), index=True)
    quarter: Mapped[str] = mapped_column(String(7), index=True)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(10), default="form", server_default="form")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


family_feedback_items = link_table("family_feedback_items", feedback_id="family_feedback.id",
                                   item_id="items.id")


class FamilyFeedback(db.Model):
    """What families told us in one area at one session (or in one month): how many were
    heard, the themes, short anonymised quotes, and the blockers and ideas it gave rise to."""

    __tablename__ = "family_feedback"
    __table_args__ = (CheckConstraint("families_heard >= 0", name="families_heard"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("local_areas.id"), index=True)
    heard_on: Mapped[date] = mapped_column(Date, index=True)
    session: Mapped[str] = mapped_column(String(200), default="", server_default="")
    families_heard: Mapped[int] = mapped_column(Integer)
    themes: Mapped[str] = mapped_column(Text)
    quotes: Mapped[str] = mapped_column(Text, default="", server_default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    area: Mapped[LocalArea] = relationship()
    recorded_by: Mapped[User] = relationship()
    items: Mapped[list[Item]] = relationship(secondary=family_feedback_items,
                                             order_by=Item.id)

    @property
    def quote_list(self) -> list[str]:
        return [q.strip() for q in self.quotes.splitlines() if q.strip()]


class ReportSubscription(db.Model):
    """A person who gets the weekly progress report by email: for the partnership (no area)
    or for one area."""

    __tablename__ = "report_subscriptions"
    __table_args__ = (UniqueConstraint("user_id", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # "partnership" or an area's slug; with area_id, so one person has each scope once.
    scope: Mapped[str] = mapped_column(String(80))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("local_areas.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship()
    area: Mapped[LocalArea | None] = relationship()


class Publication(db.Model):
    """The one row that says whether the public page (no sign-in) is switched on."""

    __tablename__ = "publication"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_page: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime | None] = mapped_column(DateTime)
