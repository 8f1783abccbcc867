"""The filters every item list shares (pages, CSV, API); which items a person may see is
the access policy's (govflow.permissions.visibility_clause)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import Select, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

from govflow.accounts.models import LocalArea, RoleAssignment
from govflow.extensions import db
from govflow.items.models import Item, ItemArea, Tag, item_tags
from govflow.permissions import sees_every_item, visibility_clause  # noqa: F401 (re-exported)
from govflow.workflow import vocabulary

# Open: waiting on someone (a blocker at a tier or paused, an idea awaiting a decision).
OPEN_STATES = vocabulary.WAITING_STATES
# What an item card shows (templates/items/_cards.html, presenters.deadline_text): no
# descriptions, people or tags, which only the CSV and the item page need.
CARD_COLUMNS = (Item.id, Item.kind, Item.title, Item.state, Item.tier, Item.due_at,
                Item.pause_ends_at)


def _user_area_ids_subquery(user):
    return select(RoleAssignment.area_id).where(
        RoleAssignment.user_id == user.id, RoleAssignment.area_id.is_not(None)
    )


def _in_areas(area_ids):
    """Item's own area or an area added to it is in `area_ids` (a list or a subquery)."""
    extra = select(ItemArea.item_id).where(ItemArea.area_id.in_(area_ids))
    return or_(Item.area_id.in_(area_ids), Item.id.in_(extra))


def visible_items(user) -> Select:
    return select(Item).where(visibility_clause(user))


@dataclass
class ItemFilters:
    kind: str | None = None
    states: list[str] = field(default_factory=list)
    tiers: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)  # area slugs
    tags: list[str] = field(default_factory=list)  # tag slugs
    q: str = ""
    open_only: bool = False
    overdue_only: bool = False

    @classmethod
    def from_args(cls, args) -> ItemFilters:
        """From request.args (a MultiDict): ?kind=&state=&tier=&area=&tag=&q=&open=1."""

        def many(name):
            values = []
            for v in args.getlist(name):
                values.extend(p for p in v.split(",") if p)
            return values

        return cls(
            kind=args.get("kind") or None,
            states=many("state"),
            tiers=many("tier"),
            areas=many("area"),
            tags=many("tag"),
            q=(args.get("q") or "").strip()[:200],
            open_only=args.get("open") in ("1", "true", "yes"),
            overdue_only=args.get("overdue") in ("1", "true", "yes"),
        )


def apply_filters(query: Select, f: ItemFilters, now=None) -> Select:
    if f.kind:
        query = query.where(Item.kind == f.kind)
    if f.states:
        query = query.where(Item.state.in_(f.states))
    if f.tiers:
        query = query.where(Item.tier.in_(f.tiers))
    if f.areas:
        area_ids = select(LocalArea.id).where(LocalArea.slug.in_(f.areas))
        query = query.where(_in_areas(area_ids))
    if f.tags:
        tagged = (
            select(item_tags.c.item_id)
            .join(Tag, Tag.id == item_tags.c.tag_id)
            .where(Tag.slug.in_(f.tags))
        )
        query = query.where(Item.id.in_(tagged))
    if f.q:
        words = [w for w in f.q.split() if w][:8]
        query = query.where(
            and_(*(Item.title.ilike(f"%{_escape_like(w)}%", escape="\\") for w in words))
        )
    if f.open_only:
        query = query.where(Item.state.in_(OPEN_STATES))
    if f.overdue_only:
        from govflow.clock import utcnow

        query = query.where(
            Item.state.in_(vocabulary.clock_states()), Item.due_at < (now or utcnow())
        )
    return query


def filter_condition(f: ItemFilters, now=None):
    """apply_filters' conditions as one SQL condition, or None when no filter is set."""
    return apply_filters(select(Item.id), f, now=now).whereclause


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def overdue_first(query: Select, now=None) -> Select:
    """Overdue open items first (earliest deadline first), then the rest by deadline, then
    those without a deadline (paused ones), each by number.

    Overdue means a deadline before now, so deadline order already puts them first: the
    order needs no CASE on the time, which let no index serve it. `now` is kept for callers.
    """
    return query.order_by(Item.due_at.is_(None), Item.due_at, Item.id)


def count_of(query: Select, *, also=None):
    """How many items `query` selects, counting ids only (so an index can answer).

    With `also` (a condition, e.g. filter_condition's), two counts from one pass over the
    query's items: (all of them, those that also meet the condition)."""
    ids = query.order_by(None).with_only_columns(Item.id, maintain_column_froms=True)
    if also is None:
        return db.session.scalar(select(func.count()).select_from(ids.subquery())) or 0
    both = ids.with_only_columns(func.count(), func.count().filter(also),
                                 maintain_column_froms=True)
    every, narrowed = db.session.execute(both).one()
    return every or 0, narrowed or 0


def page_of(query: Select, offset: int, limit: int, *options) -> list[Item]:
    """One page of `query`'s items in overdue_first order, loading only that page.

    Sorting "deadline, then no deadline" as one key makes the database sort every matching
    item (30,000 at Gold) to return 25. Read as two runs instead — items with a deadline by
    (due_at, id), then those without by id — each run comes straight from an index in
    order (ix_items_queue_order, ix_items_due) and stops after the page; the second run is only
    read for the page where the first one ends, or after it.
    """
    page = _page_ids(query, offset, limit)
    if not page:
        return []
    items = {i.id: i for i in db.session.scalars(
        select(Item).where(Item.id.in_(page)).options(*options))}
    return [items[i] for i in page if i in items]


def _page_ids(query: Select, offset: int, limit: int, *, dated_page=None) -> list[int]:
    """The ids on one page of `query` in overdue_first order (see page_of); `dated_page`,
    when given, is what the run with a deadline gave for this page already."""
    ids = query.order_by(None).with_only_columns(Item.id, maintain_column_froms=True)
    dated = ids.where(Item.due_at.is_not(None))
    if dated_page is None:
        dated_page = list(db.session.scalars(
            dated.order_by(Item.due_at, Item.id).offset(offset).limit(limit)))
    page = list(dated_page)
    if len(page) < limit:
        if page or offset == 0:
            dated_count = offset + len(page)
        else:  # the page is past the last item with a deadline: how far past?
            dated_count = db.session.scalar(
                select(func.count()).select_from(dated.subquery())) or 0
        page += db.session.scalars(
            ids.where(Item.due_at.is_(None)).order_by(Item.id)
            .offset(max(0, offset - dated_count)).limit(limit - len(page)))
    return page


def card_page(query: Select, offset: int, limit: int) -> list:
    """page_of's page as plain rows of what an item card shows (CARD_COLUMNS, the area's
    name and slug as area_name and area_slug), for the list pages.

    Usually one statement: the page of the run with a deadline, read from its index in
    order, as a subquery of the statement that reads the rows; the rows are then put back
    in that order here. Only a page where that run ends (or after it) reads more. Building
    25 ORM items with their areas, through the identity map, cost a list page about 3 ms.
    """
    ids = query.order_by(None).with_only_columns(Item.id, maintain_column_froms=True)
    dated = (ids.where(Item.due_at.is_not(None))
             .order_by(Item.due_at, Item.id).offset(offset).limit(limit))
    rows = db.session.execute(_card_rows().where(Item.id.in_(dated))).all()
    rows.sort(key=lambda r: (r.due_at, r.id))
    if len(rows) < limit:
        page = _page_ids(query, offset, limit, dated_page=[r.id for r in rows])
        if len(page) > len(rows):
            extra = page[len(rows):]
            found = {r.id: r for r in db.session.execute(
                _card_rows().where(Item.id.in_(extra))).all()}
            rows += [found[i] for i in extra if i in found]
    return rows


# The table view's orders besides the deadline (card_page's): by area name, or by status in
# the order the workflow files list their states; each then by deadline and number.
TABLE_SORTS = ("deadline", "area", "status")


def sorted_card_page(query: Select, sort: str, offset: int, limit: int) -> list:
    """card_page's rows in `sort` order (TABLE_SORTS), for the list pages' table view."""
    if sort not in TABLE_SORTS[1:]:
        return card_page(query, offset, limit)
    ids = query.order_by(None).with_only_columns(Item.id, maintain_column_froms=True)
    if sort == "area":
        area = aliased(LocalArea)
        ids = ids.outerjoin(area, area.id == Item.area_id).order_by(area.name)
    else:
        order = {state: n for n, state in enumerate(vocabulary.ALL_STATES)}
        ids = ids.order_by(case(order, value=Item.state, else_=len(order)))
    page = list(db.session.scalars(
        ids.order_by(Item.due_at.is_(None), Item.due_at, Item.id).offset(offset).limit(limit)))
    found = {r.id: r for r in db.session.execute(_card_rows().where(Item.id.in_(page))).all()}
    return [found[i] for i in page if i in found]


def soonest_cards(clause, limit: int) -> list:
    """card_page's rows (and raised_by_id) for the items `clause` selects, soonest deadline
    first (those with none last), at most `limit` of them: Home's lists."""
    return list(db.session.execute(
        _card_rows().add_columns(Item.raised_by_id).where(clause)
        .order_by(Item.due_at.is_(None), Item.due_at, Item.id).limit(limit)).all())


@cache
def _card_rows() -> Select:
    """The card columns with the area's, built once per process (immutable; .where copies)."""
    return (select(*CARD_COLUMNS, LocalArea.name.label("area_name"),
                   LocalArea.slug.label("area_slug"))
            .outerjoin(LocalArea, LocalArea.id == Item.area_id))


@dataclass(frozen=True)
class QueueScope:
    """What one queue holds: open items at `tier` and, when `area_ids` or `organisation_id`
    is set, in one of those areas (its own area or one added to it) or of that organisation.

    A queue is always within what its person may see (visibility_clause): Bronze areas are
    areas they work in, a Head of Service sees their organisation, executives see every
    item. So a queue's count needs no visibility clause, and the tallies can answer it
    (govflow/items/tallies.py)."""

    tier: str
    area_ids: tuple[int, ...] = ()
    organisation_id: int | None = None
    states: tuple[str, ...] = OPEN_STATES

    def clause(self):
        reach = []
        if self.area_ids:
            reach.append(_in_areas(list(self.area_ids)))
        if self.organisation_id is not None:
            reach.append(Item.organisation_id == self.organisation_id)
        parts = [Item.tier == self.tier]
        if reach:
            parts.append(or_(*reach))
        return and_(*parts, Item.state.in_(self.states))


def queue_scopes(user) -> list[tuple[str, str, QueueScope]]:
    """(key, heading, scope) for each queue this person works, most senior first (the
    Queue page opens on the first): the Queue page, Home and the daily digest read it.

    Gold: every item at Gold for executives; a sponsor's areas for a sponsor who is not one.
    Silver: a Head of Service's organisation and areas; a sponsor's areas otherwise. Bronze:
    the areas they facilitate or sponsor. A sponsor may act at every tier in their areas
    (workflows/*.yaml), so each tier has a tab."""
    queues = []
    roles = user.roles
    sponsored = tuple(sorted(user.sponsored_area_ids))
    if "executive" in roles:
        queues.append(("gold", "Gold: everything at Gold", QueueScope("gold")))
    elif sponsored:
        queues.append(("gold", "Gold: the areas you sponsor", QueueScope("gold", sponsored)))
    if "head_of_service" in roles and (user.area_ids or user.organisation_id is not None):
        queues.append(("silver", "Silver: your service and areas",
                       QueueScope("silver", tuple(sorted(user.area_ids)), user.organisation_id)))
    elif sponsored:
        queues.append(("silver", "Silver: the areas you sponsor",
                       QueueScope("silver", sponsored)))
    bronze_areas = tuple(sorted(user.facilitated_area_ids | user.sponsored_area_ids))
    if bronze_areas:
        queues.append(("bronze", "Bronze: your areas", QueueScope("bronze", bronze_areas)))
    return queues


def queues_for(user) -> list[tuple[str, str, object]]:
    """(key, heading, SQL clause) for each queue this person works (see queue_scopes)."""
    return [(key, heading, scope.clause()) for key, heading, scope in queue_scopes(user)]


@cache
def _item_statement():
    """Built once per process with the item's id as a parameter: building it (options,
    joins) on every request cost more than running it.

    The item with its people, areas, organisation and tags in one statement. Its
    collections are joined flat for contains_eager: joinedload's nested
    "LEFT JOIN (item_tags JOIN tags)" made SQLite scan the whole of item_tags. The
    nine-table join takes PostgreSQL about 2 ms to plan, but only for its first few runs on
    a connection: psycopg then prepares it and PostgreSQL keeps a generic plan (a request
    that wrote nothing ends with COMMIT, which keeps it: govflow.db)."""
    extra_area = aliased(LocalArea)
    return (
        select(Item).where(Item.id == bindparam("item_id"))
        .outerjoin(item_tags, item_tags.c.item_id == Item.id)
        .outerjoin(Tag, Tag.id == item_tags.c.tag_id)
        .outerjoin(ItemArea, ItemArea.item_id == Item.id)
        .outerjoin(extra_area, extra_area.id == ItemArea.area_id)
        .options(
            joinedload(Item.area), joinedload(Item.raised_by), joinedload(Item.owner),
            joinedload(Item.organisation), contains_eager(Item.tags),
            contains_eager(Item.extra_areas).contains_eager(ItemArea.area, alias=extra_area),
        )
        .order_by(Tag.position, ItemArea.id)
    )


def load_item(item_id: int) -> Item | None:
    """One item with what its page and the API show and what the permission checks read
    (area, people, organisation, tags, other areas), or None. The caller checks that the
    person may see it."""
    return db.session.execute(_item_statement(),
                              {"item_id": item_id}).unique().scalar_one_or_none()


# The features whose sections of an item's page ask "has this item any?" (each module's
# item_page_has(item_id, user_id) gives {name: EXISTS clause}); a feature that is not there
# adds nothing.
ITEM_PAGE_PARTS = ("govflow.follows.queries", "govflow.agreements.queries",
                   "govflow.forums.referrals", "govflow.sponsors.queries",
                   "govflow.attachments.queries")


def item_page_has(item_id: int, user_id: int) -> dict[str, bool]:
    """What the other features' sections of an item's page have to show, in one statement:
    {"following": …, "agreements": …, "referrals": …, "sponsor_actions": …,
    "attachments": …}. Each section asked on its own (five statements, each a round trip on
    PostgreSQL), though most items have none of them; a section loads its rows only when it
    has some."""
    statement = _item_page_has_statement()
    if statement is None:
        return {}
    row = db.session.execute(statement, {"item_id": item_id, "user_id": user_id}).one()
    return {name: bool(value) for name, value in row._mapping.items()}


@cache
def _item_page_has_statement():
    from govflow.hooks import domain_hooks

    item_id, user_id = bindparam("item_id"), bindparam("user_id")
    clauses = {}
    for hook in domain_hooks(ITEM_PAGE_PARTS, "item_page_has"):
        clauses.update(hook(item_id, user_id))
    return select(*(clause.label(name) for name, clause in clauses.items())) if clauses else None
