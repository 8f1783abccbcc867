"""The search index: one row per thing people can find, kept current by govflow/search/index.py.

The words are indexed by the database itself: an FTS5 table over `title` and `body` on
SQLite, a GIN index over a generated tsvector column on PostgreSQL (migration 0020_search;
neither is in the models' metadata, see govflow/migrate.py SEARCH_OBJECTS). Each row says
which item it belongs to, if any, so the access policy can leave out restricted ones.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from govflow.extensions import db


class SearchDocument(db.Model):
    __tablename__ = "search_documents"
    __table_args__ = (
        UniqueConstraint("kind", "ref_id", name="uq_search_documents_kind_ref"),
        Index("ix_search_documents_item", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # blocker, idea, decision, meeting, ...
    ref_id: Mapped[int] = mapped_column(Integer)  # the id of the thing in its own table
    # The item it is about (for the access policy's restricted items), if any.
    item_id: Mapped[int | None] = mapped_column(Integer)
    area_id: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(30), default="", server_default="")
    happened_at: Mapped[datetime | None] = mapped_column(DateTime)
    title: Mapped[str] = mapped_column(Text, default="", server_default="")
    body: Mapped[str] = mapped_column(Text, default="", server_default="")
