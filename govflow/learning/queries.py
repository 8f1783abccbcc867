"""What the "What we've learnt" library reads: adopted and stopped ideas with their evaluation,
unblocked blockers with what was done and who decided, and where each idea has spread.

Every page reads a fixed number of statements whatever the size of the partnership: the
page's item ids first, then their evaluations, decisions, tags and copies for those ids only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import NamedTuple

from sqlalchemy import Select, and_, func, literal, or_, select, true
from sqlalchemy.orm import aliased, joinedload, selectinload

from govflow import workdays
from govflow.accounts.models import LocalArea
from govflow.decisions.models import Decision
from govflow.extensions import db
from govflow.items.models import Event, Item, ItemArea, Tag, item_tags
from govflow.learning.models import IdeaCopy
from govflow.permissions import visibility_clause
from govflow.query_args import QueryArgs
from govflow.workflow.definition import load

KINDS = ("idea", "blocker", "agreement")
# The triggers whose words are searched along with an item's title and description.
LEARNING_TRIGGERS = ("evaluate", "adopt", "stop", "unblock")
EVALUATION_FIELDS = ("what_happened", "what_learnt", "recommendation")


@cache
def learnt_states() -> dict[str, tuple[str, ...]]:
    """The states in which an item has something to teach, from the workflow files: an idea
    adopted or stopped (the decisions taken after its evaluation), a blocker unblocked and
    what it closes into afterwards."""
    idea = load("idea")
    idea_states = tuple(sorted({
        t.dest for trig in idea.triggers.values() for t in trig.transitions
        if (t.decision or trig.decision) in ("adopted", "stopped") and t.dest}))
    blocker = load("blocker")
    unblocked = {t.dest for t in blocker.triggers["unblock"].transitions if t.dest}
    after = {t.dest for trig in blocker.triggers.values() for t in trig.transitions
             if set(t.sources) & unblocked and t.dest and blocker.states[t.dest].final}
    return {"idea": idea_states, "blocker": tuple(sorted(unblocked | after))}


def adopted_state() -> str:
    """The state an idea is in once adopted across the borough."""
    return next(t.dest for t in load("idea").triggers["adopt"].transitions if t.dest)


@dataclass
class LibraryFilters:
    q: str = ""
    kind: str | None = None
    outcomes: list[str] = field(default_factory=list)  # tag slugs
    features: list[str] = field(default_factory=list)  # tag slugs
    areas: list[str] = field(default_factory=list)  # area slugs
    learnt_from: date | None = None
    learnt_to: date | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args) -> LibraryFilters:
        """From request.args: ?q=&kind=&outcome=&feature=&area=&from=&to= (ISO dates)."""
        read = QueryArgs(args)
        kind = args.get("kind") or None
        outcomes, features, areas = (read.many(name, most=20)
                                     for name in ("outcome", "feature", "area"))
        learnt_from, learnt_to = read.period()
        return cls(q=(args.get("q") or "").strip()[:200], kind=kind if kind in KINDS else None,
                   outcomes=outcomes, features=features, areas=areas,
                   learnt_from=learnt_from, learnt_to=learnt_to, errors=read.errors)

    def as_args(self) -> dict:
        args = {"q": self.q, "kind": self.kind, "outcome": self.outcomes,
                "feature": self.features, "area": self.areas,
                "from": self.learnt_from.isoformat() if self.learnt_from else None,
                "to": self.learnt_to.isoformat() if self.learnt_to else None}
        return {k: v for k, v in args.items() if v}

    @property
    def active(self) -> bool:
        return bool(self.as_args())

    @property
    def words(self) -> list[str]:
        return [w for w in self.q.split() if w][:8]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def like(word: str) -> str:
    return f"%{_escape_like(word)}%"


def _london_midnight_utc(d: date) -> datetime:
    return datetime.combine(d, time(0), tzinfo=workdays.LONDON).astimezone(UTC).replace(
        tzinfo=None)


def learnt_at():
    """When the item had something to teach: an idea's adoption or stop (its closing), a
    blocker's unblocking."""
    return func.coalesce(Item.unblocked_at, Item.closed_at)


def learnt_items(user, f: LibraryFilters) -> Select:
    """SELECT of the ids of the library's items this person may see, matching the filters."""
    states = learnt_states()
    kinds = [f.kind] if f.kind in states else list(states)
    query = select(Item.id).where(
        or_(*(and_(Item.kind == k, Item.state.in_(states[k])) for k in kinds)),
        # A blocker closed without ever being unblocked has nothing to teach.
        or_(Item.kind != "blocker", Item.unblocked_at.is_not(None)),
        visibility_clause(user),
    )
    for slugs in (f.outcomes, f.features):
        if slugs:
            tagged = (select(item_tags.c.item_id).join(Tag, Tag.id == item_tags.c.tag_id)
                      .where(Tag.slug.in_(slugs)))
            query = query.where(Item.id.in_(tagged))
    if f.areas:
        area_ids = select(LocalArea.id).where(LocalArea.slug.in_(f.areas))
        query = query.where(or_(Item.area_id.in_(area_ids), Item.id.in_(
            select(ItemArea.item_id).where(ItemArea.area_id.in_(area_ids)))))
    if f.learnt_from:
        query = query.where(learnt_at() >= _london_midnight_utc(f.learnt_from))
    if f.learnt_to:
        query = query.where(learnt_at() < _london_midnight_utc(f.learnt_to + timedelta(days=1)))
    for word in f.words:
        in_history = select(Event.item_id).where(
            Event.trigger.in_(LEARNING_TRIGGERS), Event.reason.ilike(like(word), escape="\\"))
        query = query.where(or_(Item.title.ilike(like(word), escape="\\"),
                                Item.description.ilike(like(word), escape="\\"),
                                Item.id.in_(in_history)))
    return query


def count_of(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


class Evaluation(NamedTuple):
    what_happened: str
    what_learnt: str
    recommendation: str
    at: datetime


@dataclass
class LibraryEntry:
    item: Item
    evaluation: Evaluation | None
    decision: Decision | None  # the adoption, stop or unblocking
    copies: list = field(default_factory=list)  # CopyRow, for ideas


def page_of(query: Select, offset: int, limit: int) -> list[LibraryEntry]:
    """One page of the library, newest learning first, with what each entry shows."""
    ids = list(db.session.scalars(
        query.order_by(learnt_at().desc(), Item.id.desc()).offset(offset).limit(limit)))
    if not ids:
        return []
    items = {i.id: i for i in db.session.scalars(
        select(Item).where(Item.id.in_(ids))
        .options(joinedload(Item.area), selectinload(Item.tags)))}
    evaluations = evaluations_of(ids)
    decisions = learning_decisions(ids)
    copies = copies_of(ids)
    return [LibraryEntry(items[i], evaluations.get(i), decisions.get(i), copies.get(i, []))
            for i in ids if i in items]


def evaluations_of(item_ids) -> dict[int, Evaluation]:
    """The latest evaluation recorded on each idea (what the evaluate trigger asked)."""
    out = {}
    for event in db.session.scalars(
            select(Event).where(Event.item_id.in_(list(item_ids)), Event.trigger == "evaluate")
            .order_by(Event.id)):
        details = event.details or {}
        out[event.item_id] = Evaluation(*(str(details.get(k) or "") for k in EVALUATION_FIELDS),
                                        event.at)
    return out


def learning_decisions(item_ids) -> dict[int, Decision]:
    """The latest adoption, stop or unblocking decision of each item, with who decided."""
    out = {}
    for d in db.session.scalars(
            select(Decision).where(Decision.item_id.in_(list(item_ids)),
                                   Decision.outcome.in_(("adopted", "stopped", "unblocked")))
            .options(joinedload(Decision.decided_by)).order_by(Decision.id)):
        out[d.item_id] = d
    return out


class CopyRow(NamedTuple):
    original_id: int
    copy_id: int
    area_id: int
    area_name: str
    state: str
    restricted: bool


def copies_of(original_ids) -> dict[int, list[CopyRow]]:
    """Where each idea has been tried since: the copies' areas and states, by area name."""
    out: dict[int, list[CopyRow]] = {}
    rows = db.session.execute(
        select(IdeaCopy.original_id, IdeaCopy.copy_id, IdeaCopy.area_id,
               LocalArea.name, Item.state, Item.restricted)
        .join(Item, Item.id == IdeaCopy.copy_id)
        .join(LocalArea, LocalArea.id == IdeaCopy.area_id)
        .where(IdeaCopy.original_id.in_(list(original_ids)))
        .order_by(LocalArea.name))
    for row in rows:
        out.setdefault(row[0], []).append(CopyRow(*row))
    return out


def original_of(copy_id: int) -> IdeaCopy | None:
    return db.session.scalar(
        select(IdeaCopy).where(IdeaCopy.copy_id == copy_id)
        .options(joinedload(IdeaCopy.original).joinedload(Item.area)))


def copy_in_area(original_id: int, area_id: int) -> IdeaCopy | None:
    return db.session.scalar(select(IdeaCopy).where(IdeaCopy.original_id == original_id,
                                                    IdeaCopy.area_id == area_id))


class SpreadRow(NamedTuple):
    id: int
    title: str
    area_name: str
    tried: int  # areas that have proposed it since
    going: int  # of those, approved, trialling, evaluated or adopted there
    areas: int  # every active area, the original's included


def spread(user, limit: int = 50, ids=None, unrestricted: bool = False) -> list[SpreadRow]:
    """How far each adopted idea (or each of `ids`) has spread: how many other areas have
    tried it, and in how many it has gone ahead, most tried first, then newest. Three
    statements, whatever the number of ideas. `unrestricted`: the unrestricted ideas, for
    a forum's agenda (no one person)."""
    # Two parts, so neither sorts every adopted idea (8 ms at 100,000 items on SQLite): the
    # ideas tried elsewhere (few: found through the copies, counted idea by idea through
    # the index of copies by original), then the rest newest first, read in order from
    # ix_items_adopted_ideas. The second part always runs, so the page's statements do not
    # depend on the data.
    tried, going = _spread_counts()
    # Literals, not parameters: SQLite uses the partial index ix_items_adopted_ideas only
    # for a statement that names its kind and state.
    adopted = (Item.kind == literal("idea", literal_execute=True),
               Item.state == literal(adopted_state(), literal_execute=True),
               Item.restricted.is_(False) if unrestricted else visibility_clause(user),
               Item.id.not_in(select(IdeaCopy.copy_id)),
               Item.id.in_(list(ids)) if ids is not None else true())
    originals = select(IdeaCopy.original_id)
    rows = [SpreadRow(r[0], r[1], r[2], int(r[3]), int(r[4] or 0), 0)
            for r in db.session.execute(
                select(Item.id, Item.title, LocalArea.name, tried, going)
                .join(LocalArea, LocalArea.id == Item.area_id)
                .where(*adopted, Item.id.in_(originals))
                .order_by(tried.desc(), Item.closed_at.desc(), Item.id)
                .limit(limit))]
    rows += [SpreadRow(r[0], r[1], r[2], 0, 0, 0) for r in db.session.execute(
        select(Item.id, Item.title, LocalArea.name)
        .join(LocalArea, LocalArea.id == Item.area_id)
        .where(*adopted, Item.id.not_in(originals))
        .order_by(Item.closed_at.desc(), Item.id)
        .limit(limit - len(rows)))]
    areas = db.session.scalar(select(func.count()).select_from(LocalArea)
                              .where(LocalArea.active)) or 0
    return [row._replace(areas=areas) for row in rows]


@cache
def _spread_counts():
    """How many areas have tried an idea, and in how many it has gone ahead: correlated
    counts, built once per process (an alias of Item costs more to build than the whole
    statement takes to run)."""
    copy = aliased(Item)
    tried = (select(func.count()).select_from(IdeaCopy)
             .where(IdeaCopy.original_id == Item.id).scalar_subquery().label("tried"))
    going = (select(func.count()).select_from(IdeaCopy)
             .join(copy, copy.id == IdeaCopy.copy_id)
             .where(IdeaCopy.original_id == Item.id, copy.state.in_(_going_states()))
             .scalar_subquery())
    return tried, going


@cache
def _going_states() -> tuple[str, ...]:
    """An idea that has gone ahead: approved and every state after it but stopped."""
    idea = load("idea")
    approved = {t.dest for t in idea.triggers["approve"].transitions if t.dest}
    going, frontier = set(approved), set(approved)
    while frontier:
        nxt = {t.dest for trig in idea.triggers.values() if trig.name not in ("withdraw", "stop")
               for t in trig.transitions if set(t.sources) & frontier and t.dest} - going
        going |= nxt
        frontier = nxt
    return tuple(sorted(going))


def not_tried_in(area_id: int, limit: int = 20) -> list[tuple[int, str, str]]:
    """Ideas adopted in other areas that this area has not tried: (id, title, area name).
    Unrestricted ideas only (an agenda is read by the forum's whole membership)."""
    return [tuple(r) for r in db.session.execute(
        select(Item.id, Item.title, LocalArea.name)
        .join(LocalArea, LocalArea.id == Item.area_id)
        .where(Item.kind == "idea", Item.state == adopted_state(), Item.area_id != area_id,
               Item.restricted.is_(False),
               Item.id.not_in(select(IdeaCopy.original_id).where(IdeaCopy.area_id == area_id)),
               Item.id.not_in(select(IdeaCopy.copy_id)))
        .order_by(Item.closed_at.desc(), Item.id).limit(limit))]
