"""Items (blockers and ideas), their tags, affected areas, comments and append-only events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.schema import CheckConstraint, ForeignKey, Index, UniqueConstraint
from sqlalchemy.types import JSON, Boolean, DateTime, Integer, String, Text

from govflow.accounts.models import TIERS, LocalArea, Organisation, User
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.model_parts import Named, ReviewDate, Versioned, in_list, link_table, one_of
from govflow.records.chain import Chained, seal_rows_on_insert
from govflow.workflow import vocabulary

# The kinds and states are the workflow files' (workflows/*.yaml), in file order.
KINDS = vocabulary.KINDS
BLOCKER_STATES = vocabulary.states("blocker")
IDEA_STATES = vocabulary.states("idea")
TAG_KINDS = ("feature", "outcome")


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove a history row."""


def refuse_changes(model) -> None:
    """Make the ORM refuse UPDATE and DELETE of a history model (the database refuses too)."""

    def _refuse(mapper, connection, target):
        raise AppendOnlyError(f"{model.__tablename__} rows are append-only")

    event.listen(model, "before_update", _refuse)
    event.listen(model, "before_delete", _refuse)


class Tag(Named, db.Model):
    """One of the framework's six features or four outcomes."""

    __tablename__ = "tags"
    __table_args__ = one_of(kind=TAG_KINDS)

    kind: Mapped[str] = mapped_column(String(20))
    group: Mapped[str] = mapped_column(String(40), default="", server_default="")
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class WorkflowPlace:
    """Where an item stands: its kind (blocker or idea), state and tier. The tallies count items
    by the same three, so both tables take them from here."""

    kind: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(20))
    tier: Mapped[str] = mapped_column(String(10))


item_tags = link_table("item_tags", item_id="items.id", tag_id="tags.id")


class Item(WorkflowPlace, ReviewDate, Versioned, db.Model):
    __tablename__ = "items"
    __table_args__ = (
        *one_of(kind=KINDS, tier=TIERS),
        CheckConstraint(
            f"(kind = 'blocker' AND {in_list('state', BLOCKER_STATES)})"
            f" OR (kind = 'idea' AND {in_list('state', IDEA_STATES)})",
            name="state",
        ),
        CheckConstraint("funding_pence IS NULL OR funding_pence >= 0", name="funding"),
        Index("ix_items_state_due", "state", "due_at"),
        # tier too: a Bronze queue's "your areas" part is then counted from the index alone.
        Index("ix_items_area_state_tier", "area_id", "state", "tier"),
        # The lists (items/queries.py): a queue's tab counts are read from the first index
        # alone, and a page in deadline order straight from the second, in order, without
        # sorting every item at the tier. id is named so PostgreSQL keeps the tie-break in
        # order too (in SQLite it is the rowid); the trailing columns answer the filters.
        Index("ix_items_queue_counts", "tier", "state", "kind", "area_id", "organisation_id"),
        Index("ix_items_queue_order", "tier", "due_at", "id", "state", "kind", "area_id"),
        Index("ix_items_due", "due_at", "id"),
        # Adopted ideas newest first (learning/queries.py spread, on the dashboard): read in
        # order from here instead of sorting every adopted idea (migration 0029). The query
        # names kind and state as literals, which a partial index needs on SQLite.
        Index("ix_items_adopted_ideas", "closed_at",
              sqlite_where=text("kind = 'idea' AND state = 'adopted'"),
              postgresql_where=text("kind = 'idea' AND state = 'adopted'")),
        # The few restricted items (migration 0014): the access policy reads them to keep
        # counts from the tallies to what a person may see.
        Index("ix_items_restricted", "id", sqlite_where=text("restricted = 1"),
              postgresql_where=text("restricted")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Blockers: the effect on families' support.  Ideas: why (the outcomes it serves).
    effect: Mapped[str] = mapped_column(Text, default="", server_default="")
    why: Mapped[str] = mapped_column(Text, default="", server_default="")
    who_involved: Mapped[str] = mapped_column(Text, default="", server_default="")
    support_needed: Mapped[str] = mapped_column(Text, default="", server_default="")
    funding_pence: Mapped[int | None] = mapped_column(Integer)

    area_id: Mapped[int] = mapped_column(ForeignKey("local_areas.id"))
    # Indexed: a Head of Service sees their organisation's items (queries.visibility_clause).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"),
                                                        index=True)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    due_at: Mapped[datetime | None] = mapped_column(DateTime)
    paused_at: Mapped[datetime | None] = mapped_column(DateTime)
    pause_ends_at: Mapped[datetime | None] = mapped_column(DateTime)
    systemic: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # How many other areas have said "we have this too" (ItemArea rows): kept by ItemArea's
    # insert (below), not by editing the item, so the item's version does not move.
    areas_added: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    flagged_for_forum_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Restricted (a staff matter, something commercially sensitive, a live safeguarding
    # concern): seen only by the people govflow.permissions.sees_restricted names. Set and
    # cleared only by the workflow engine (restrict / unrestrict), with an event each time.
    restricted: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    restricted_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    warning_sent_for: Mapped[datetime | None] = mapped_column(DateTime)

    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    last_event_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    unblocked_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    area: Mapped[LocalArea] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    raised_by: Mapped[User] = relationship(foreign_keys=[raised_by_id])
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    tags: Mapped[list[Tag]] = relationship(secondary=item_tags, order_by="Tag.position")
    events: Mapped[list[Event]] = relationship(
        back_populates="item", order_by="Event.id", viewonly=True
    )
    extra_areas: Mapped[list[ItemArea]] = relationship(
        back_populates="item", order_by="ItemArea.id", viewonly=True
    )

    @property
    def funding_pounds(self):
        return None if self.funding_pence is None else self.funding_pence / 100

    @property
    def is_open(self) -> bool:
        """Still waiting on someone: a blocker at a tier or paused, an idea awaiting a decision."""
        return self.state in vocabulary.WAITING_STATES

    def __repr__(self) -> str:
        return f"<Item {self.id} {self.kind} {self.state}>"


class ItemArea(db.Model):
    """Another area that has the same blocker ("we have this too")."""

    __tablename__ = "item_areas"
    __table_args__ = (
        UniqueConstraint("item_id", "area_id", name="uq_item_areas_item_area"),
        # An area's lists and queue counts look up the items added to it (migration 0012).
        Index("ix_item_areas_area_id_item_id", "area_id", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("local_areas.id"))
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    effect: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    item: Mapped[Item] = relationship(back_populates="extra_areas")
    area: Mapped[LocalArea] = relationship()
    added_by: Mapped[User] = relationship()


# The dashboard's systemic list, most areas first, then the longest waiting: read in that
# order from an index of the systemic items alone (migrations 0011, 0035), instead of
# counting every open systemic blocker's areas and sorting them.
Index("ix_items_systemic", Item.areas_added.desc(), Item.created_at, Item.id, Item.state,
      sqlite_where=text("systemic = 1"), postgresql_where=text("systemic"))


@event.listens_for(ItemArea, "after_insert")
def _count_area_added(_mapper, connection, link: ItemArea) -> None:
    """Each added area counts on its item in the same flush: an UPDATE of that column alone,
    which is not an edit of the item (its version, which open forms send back, stays)."""
    items = Item.__table__
    connection.execute(items.update().where(items.c.id == link.item_id)
                       .values(areas_added=items.c.areas_added + 1))


class Comment(Chained, db.Model):
    """A comment on an item. Append-only, like the item's history: a correction is a new
    comment that supersedes the old one."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_chain", "item_id", "chain_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), unique=True)

    author: Mapped[User] = relationship()


class Event(Chained, db.Model):
    """One entry in an item's history. Append-only: the ORM and the database refuse changes."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_item_id_id", "item_id", "id"),
        # The dashboard's unblockings, reopenings and idea milestones (migration 0007).
        Index("ix_events_to_state_item_id", "to_state", "item_id"),
        Index("ix_events_trigger_item_id", "trigger", "item_id"),
        Index("ix_events_chain", "item_id", "chain_seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    trigger: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    from_tier: Mapped[str | None] = mapped_column(String(10))
    to_tier: Mapped[str] = mapped_column(String(10))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    item: Mapped[Item] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()

    @classmethod
    def in_place(cls, item: Item, trigger: str, *, actor, reason: str, details: dict,
                 at: datetime) -> Event:
        """An entry that leaves the item where it was (the same state and tier): a
        restriction, a corrected decision."""
        return cls(item_id=item.id, trigger=trigger, from_state=item.state, to_state=item.state,
                   from_tier=item.tier, to_tier=item.tier, actor_id=actor.id, reason=reason,
                   details=details, at=at)

    @property
    def deputy_for_name(self) -> str | None:
        """Whom the actor stood in for, as their deputy (their name when it happened)."""
        return ((self.details or {}).get("as_deputy_for") or {}).get("name")


refuse_changes(Event)
refuse_changes(Comment)
seal_rows_on_insert(Event, Comment)


class ItemTally(WorkflowPlace, db.Model):
    """How many items there are of each tier, state, kind, area and organisation, kept by the
    database itself: its triggers (migration 0012) append a row of +1 for an item added or
    moved in, and one of -1 for an item moved out or removed, in the same transaction as the
    change. A count is the sum of `n` over the rows that match, so it is exact on either
    database however many writers there are (appending takes no lock another writer waits
    for). The sweep folds the rows into one per combination (govflow/items/tallies.py).
    The queue tabs read their counts here instead of counting up to 30,000 items."""

    __tablename__ = "item_tallies"
    __table_args__ = (
        Index("ix_item_tallies_key", "tier", "state", "kind", "area_id", "organisation_id", "n"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(Integer)
    organisation_id: Mapped[int | None] = mapped_column(Integer)
    n: Mapped[int] = mapped_column(Integer)
