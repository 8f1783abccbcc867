"""Which decisions a person may see, and the filters the decision log, its CSV and the API share."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from govflow import workdays
from govflow.accounts.models import TIERS, LocalArea, User
from govflow.decisions.models import OUTCOME_LABELS, OUTCOMES, REASON_CATEGORIES, Decision
from govflow.edge import id_or_none
from govflow.extensions import db
from govflow.forums.models import Forum, Meeting
from govflow.items.models import KINDS, Event, Item, ItemArea
from govflow.permissions import item_visible_clause, sees_every_item
from govflow.query_args import QueryArgs

BY_DEFAULT = "default"


@dataclass
class DecisionFilters:
    kind: str | None = None
    areas: list[str] = field(default_factory=list)  # area slugs
    tiers: list[str] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    forums: list[str] = field(default_factory=list)  # forum slugs (decisions made in meetings)
    deciders: list[str] = field(default_factory=list)  # user ids, or "default"
    decided_from: date | None = None
    decided_to: date | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args) -> DecisionFilters:
        """From request.args: ?kind=&area=&tier=&outcome=&forum=&decider=&from=&to= (ISO dates).

        Values that are not known are dropped, and a date that is not a date is reported in
        `errors` (the page shows it beside the field) and not applied.
        """
        read = QueryArgs(args)
        kind = args.get("kind") or None
        decided_from, decided_to = read.period("Decided from", "Decided to")
        return cls(
            kind=kind if kind in KINDS else None,
            areas=read.many("area"),
            tiers=read.many("tier", TIERS),
            outcomes=read.many("outcome", OUTCOMES),
            forums=read.many("forum"),
            deciders=[d for d in read.many("decider") if d == BY_DEFAULT or id_or_none(d)],
            decided_from=decided_from,
            decided_to=decided_to,
            errors=read.errors,
        )

    def as_args(self) -> dict:
        """The filters as query-string arguments (for page links and the CSV link)."""
        args = {
            "kind": self.kind,
            "area": self.areas,
            "tier": self.tiers,
            "outcome": self.outcomes,
            "forum": self.forums,
            "decider": self.deciders,
            "from": self.decided_from.isoformat() if self.decided_from else None,
            "to": self.decided_to.isoformat() if self.decided_to else None,
        }
        return {k: v for k, v in args.items() if v}

    @property
    def active(self) -> bool:
        return bool(self.as_args())


def _london_midnight_utc(d: date) -> datetime:
    local = datetime.combine(d, time(0), tzinfo=workdays.LONDON)
    return local.astimezone(UTC).replace(tzinfo=None)


def visible_decisions(user) -> Select:
    """Decisions on items the person may see (the access policy's rule, as the item lists).

    No join to items: someone who may see every item counts the whole log from an index of
    decisions alone; anyone else's hidden items (restricted ones they are not involved in,
    few) are a subquery the database reads once through the index of restricted items."""
    if sees_every_item(user):
        return select(Decision)
    return select(Decision).where(item_visible_clause(user, Decision.item_id))


def count_of(query: Select) -> int:
    """How many decisions `query` selects, counting ids only."""
    ids = query.order_by(None).with_only_columns(Decision.id, maintain_column_froms=True)
    return db.session.scalar(select(func.count()).select_from(ids.subquery())) or 0


def apply_filters(query: Select, f: DecisionFilters) -> Select:
    # Conditions on the item are subqueries on items: visible_decisions does not join them.
    if f.kind:
        query = query.where(Decision.item_id.in_(select(Item.id).where(Item.kind == f.kind)))
    if f.areas:
        area_ids = select(LocalArea.id).where(LocalArea.slug.in_(f.areas))
        extra = select(ItemArea.item_id).where(ItemArea.area_id.in_(area_ids))
        query = query.where(or_(
            Decision.item_id.in_(select(Item.id).where(Item.area_id.in_(area_ids))),
            Decision.item_id.in_(extra),
        ))
    if f.tiers:
        query = query.where(Decision.tier.in_(f.tiers))
    if f.outcomes:
        query = query.where(Decision.outcome.in_(f.outcomes))
    if f.forums:
        meetings = (
            select(Meeting.id).join(Forum, Forum.id == Meeting.forum_id)
            .where(Forum.slug.in_(f.forums))
        )
        query = query.where(Decision.meeting_id.in_(meetings))
    if f.deciders:
        ids = [int(d) for d in f.deciders if d != BY_DEFAULT]
        clauses = []
        if ids:
            clauses.append(Decision.decided_by_id.in_(ids))
        if BY_DEFAULT in f.deciders:
            clauses.append(Decision.by_default.is_(True))
        query = query.where(or_(*clauses))
    # Dates are London calendar days: "decided on 23 December" means that day in the UK.
    if f.decided_from:
        query = query.where(Decision.decided_at >= _london_midnight_utc(f.decided_from))
    if f.decided_to:
        query = query.where(
            Decision.decided_at < _london_midnight_utc(f.decided_to + timedelta(days=1))
        )
    return query


def newest_first(query: Select) -> Select:
    return query.order_by(Decision.decided_at.desc(), Decision.id.desc())


def with_details(query: Select) -> Select:
    """Load what a log entry shows in a fixed number of queries, however many entries."""
    return query.options(
        joinedload(Decision.item).joinedload(Item.area),
        # Whether the person may correct an entry depends on the item's areas, extra ones too.
        joinedload(Decision.item).selectinload(Item.extra_areas),
        joinedload(Decision.decided_by),
        # Joined, not selected apart: each is at most one row per entry, and a query of its
        # own cost more than the join (25 entries: 4.6 -> 3.5 ms to load).
        joinedload(Decision.event),  # "as deputy for …", kept on the event
        joinedload(Decision.meeting).joinedload(Meeting.forum),
        joinedload(Decision.superseded_by),  # by the unique index of supersedes_id
        joinedload(Decision.supersedes),
    )


# ---------------------------------------------------------------- the log's entries as rows


class DecisionEntry(NamedTuple):
    """One entry of the decision log, for the API and the log's pages alike: the decision, its
    item's kind, title, state and area, who decided, the meeting's forum and start, and its
    correction; and what the pages show or the access policy asks beside (the area's and
    forum's names, the item's raiser, owner and organisation, why a correction was made)."""

    id: int
    item_id: int
    tier: str
    outcome: str
    summary: str
    rationale: str
    reason_category: str | None
    why_not: str
    what_would_make_yes: str
    conditions: str
    alternatives: str
    conflicts: str
    review_on: date | None
    decided_by_id: int | None
    by_default: bool
    decided_at: datetime
    recorded_at: datetime
    delay_explanation: str
    meeting_id: int | None
    supersedes_id: int | None
    kind: str
    title: str
    state: str
    area: str
    decided_by_name: str | None
    meeting_starts_at: datetime | None
    forum: str | None
    superseded_by_id: int | None
    deputy_for_name: str | None
    without_quorum: str | None
    # The item's, for the access policy (item_roles reads them by these names).
    area_id: int
    organisation_id: int | None
    raised_by_id: int | None
    owner_id: int | None
    area_name: str
    forum_id: int | None
    forum_name: str | None
    # The reason given with the decision's event: for a correction, what was wrong.
    event_reason: str | None

    @property
    def reason_category_label(self) -> str:
        return REASON_CATEGORIES.get(self.reason_category or "", "")


@functools.cache
def _entry_columns() -> tuple:
    """DecisionEntry's columns, built once per process (building them cost as much as running
    the statement). The area, person, forum and correction are subqueries per row rather
    than joins: PostgreSQL planned an eight-table join afresh on every request (2 ms)."""
    later = aliased(Decision)
    return (
        Decision.id, Decision.item_id, Decision.tier, Decision.outcome, Decision.summary,
        Decision.rationale, Decision.reason_category, Decision.why_not,
        Decision.what_would_make_yes, Decision.conditions, Decision.alternatives,
        Decision.conflicts, Decision.review_on, Decision.decided_by_id, Decision.by_default,
        Decision.decided_at, Decision.recorded_at, Decision.delay_explanation,
        Decision.meeting_id, Decision.supersedes_id,
        Item.kind, Item.title, Item.state,
        select(LocalArea.slug).where(LocalArea.id == Item.area_id)
        .scalar_subquery().label("area"),
        select(User.display_name).where(User.id == Decision.decided_by_id)
        .scalar_subquery().label("decided_by_name"),
        Meeting.starts_at.label("meeting_starts_at"),
        select(Forum.slug).where(Forum.id == Meeting.forum_id)
        .scalar_subquery().label("forum"),
        select(later.id).where(later.supersedes_id == Decision.id)
        .scalar_subquery().label("superseded_by_id"),
        # "As deputy for …": the name the decision's event kept.
        select(Event.details["as_deputy_for"]["name"].as_string())
        .where(Event.id == Decision.event_id).scalar_subquery().label("deputy_for_name"),
        Decision.without_quorum,
        Item.area_id, Item.organisation_id, Item.raised_by_id, Item.owner_id,
        select(LocalArea.name).where(LocalArea.id == Item.area_id)
        .scalar_subquery().label("area_name"),
        Meeting.forum_id,
        select(Forum.name).where(Forum.id == Meeting.forum_id)
        .scalar_subquery().label("forum_name"),
        select(Event.reason).where(Event.id == Decision.event_id)
        .scalar_subquery().label("event_reason"),
    )


def entries_page(query: Select, offset: int, limit: int) -> tuple[list[DecisionEntry], int]:
    """One page of the log's entries, newest first, and how many entries the query selects:
    one statement, where loading decisions as ORM objects (with their items, people,
    meetings, corrections and the items' other areas) took five.

    The page's ids come first, from the decided_at index alone: joined before the LIMIT,
    every skipped entry was joined too (page 40 of the log cost 8 ms on SQLite, 12 on
    PostgreSQL). Only the ids and the count are built per request; the entry's columns and
    joins are built once (building them cost more than running them)."""
    ids = query.order_by(None).with_only_columns(Decision.id, maintain_column_froms=True)
    page = newest_first(ids).offset(offset).limit(limit)
    total = select(func.count()).select_from(ids.subquery()).scalar_subquery().label("total")
    rows = db.session.execute(
        _entries_select().add_columns(total).where(Decision.id.in_(page))
        .order_by(Decision.decided_at.desc(), Decision.id.desc())
    ).all()
    # The count rides on the page's rows; past the last page there are none to carry it.
    count = rows[0].total if rows else count_of(query)
    return [DecisionEntry(*row[:-1]) for row in rows], count


@functools.cache
def _entries_select() -> Select:
    return (
        select(*_entry_columns())
        .select_from(Decision)
        .join(Item, Item.id == Decision.item_id)
        .outerjoin(Meeting, Meeting.id == Decision.meeting_id)
    )


def _entries_where(*criteria) -> Select:
    return _entries_select().where(*criteria)


def entry(decision_id: int) -> DecisionEntry | None:
    """One entry of the log, by the decision's number."""
    row = db.session.execute(_entries_where(Decision.id == decision_id)).first()
    return DecisionEntry(*row) if row is not None else None


def entries_by_id(ids: list[int]) -> list[DecisionEntry]:
    """The log's entries for these decisions, in the order of `ids` (missing ones left out)."""
    found = {row.id: DecisionEntry(*row)
             for row in db.session.execute(_entries_where(Decision.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def entries_of_item(item_id: int) -> list[DecisionEntry]:
    """Every decision on one item, newest first."""
    return [DecisionEntry(*row) for row in db.session.execute(
        _entries_where(Decision.item_id == item_id).order_by(Decision.id.desc()))]


# ---------------------------------------------------------------- the log's filter form


class Choice(NamedTuple):
    value: str
    label: str


@dataclass(frozen=True)
class FilterOptions:
    """What the decision log's filters offer: (value, label) pairs for each."""

    kinds: list[tuple[str, str]]
    areas: list[Choice]
    tiers: list[tuple[str, str]]
    outcomes: list[tuple[str, str]]
    forums: list[Choice]
    deciders: list[tuple[str, str]]


def filter_options() -> FilterOptions:
    deciders_statement, areas_statement, forums_statement = _option_statements()
    deciders = db.session.execute(deciders_statement).all()
    areas = db.session.execute(areas_statement).all()
    forums = db.session.execute(forums_statement).all()
    return FilterOptions(
        kinds=[("", "Blockers and ideas"), ("blocker", "Blockers"), ("idea", "Ideas")],
        areas=[Choice(*row) for row in areas],
        tiers=[(t, t.capitalize()) for t in TIERS],
        outcomes=[(o, OUTCOME_LABELS[o]) for o in OUTCOMES],
        forums=[Choice(*row) for row in forums],
        deciders=[(BY_DEFAULT, "By default (nobody answered in time)")]
        + [(str(i), name) for i, name in deciders],
    )


@functools.cache
def _option_statements() -> tuple[Select, Select, Select]:
    """The filters' three statements, built once per process (every view of the log runs
    them, and building them cost about as much as the two small ones take to run)."""
    # Who has decided anything: the decided_by index read one person at a time, each step
    # the smallest id after the last (a few hundred index probes), rather than one probe per
    # person who ever had an account (2,000, 2.9 ms on PostgreSQL; now 2.0) or a list of all
    # 30,000 decisions' deciders.
    ids = select(func.min(Decision.decided_by_id).label("id")).cte("deciders", recursive=True)
    after = (select(func.min(Decision.decided_by_id)).where(Decision.decided_by_id > ids.c.id)
             .scalar_subquery())
    ids = ids.union_all(select(after).where(ids.c.id.is_not(None)))
    deciders = (select(User.id, User.display_name).join(ids, User.id == ids.c.id)
                .order_by(User.display_name))
    areas = select(LocalArea.slug, LocalArea.name).where(LocalArea.active).order_by(LocalArea.name)
    forums = select(Forum.slug, Forum.name).order_by(Forum.name)
    return deciders, areas, forums
