"""The queue tabs' counts, from the tallies the database keeps (models.ItemTally).

A queue (queries.QueueScope) is a tier, open states and, for Bronze and Silver, areas or an
organisation. The tallies hold each item under its own area, so a queue's count is:

    the tallies of its tier and states whose area is one of the queue's areas (or whose
    organisation is the queue's)
  + the items in the queue only through an area added to them ("we have this too"): read
    from item_areas, a few hundred rows at most.

Both parts come from one statement, for every tab at once. Filters on kind, state and tier
narrow the tallies too; any other filter (areas, tags, words, overdue) is counted from the
items, as before. Counts are exact: the tallies change in the same transaction as the items
(tests compare them with counting the items, on both databases, for every queue).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, false, func, literal, or_, select, text, union_all

from govflow import transaction
from govflow.db import writing
from govflow.extensions import db
from govflow.items.models import Item, ItemArea, ItemTally
from govflow.items.queries import OPEN_STATES, ItemFilters, QueueScope

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class Narrowing:
    """Filters on kind, state and tier only: the tallies can answer them."""

    kind: str | None = None
    states: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    open_only: bool = False

    @property
    def shape(self) -> tuple:
        return (self.kind is not None, bool(self.states), bool(self.tiers), self.open_only)

    def params(self) -> dict:
        return {"n_kind": self.kind, "n_states": list(self.states), "n_tiers": list(self.tiers)}


def narrowing(filters: ItemFilters) -> Narrowing | None:
    """The filters as a Narrowing, or None when they filter on anything else (areas, tags,
    words, overdue), which only the items can answer."""
    if filters.areas or filters.tags or filters.q or filters.overdue_only:
        return None
    return Narrowing(filters.kind or None, tuple(filters.states), tuple(filters.tiers),
                     filters.open_only)


def _narrowed(shape: tuple, cols):
    has_kind, has_states, has_tiers, open_only = shape
    parts = []
    if has_kind:
        parts.append(cols.kind == bindparam("n_kind"))
    if has_states:
        parts.append(cols.state.in_(bindparam("n_states", expanding=True)))
    if has_tiers:
        parts.append(cols.tier.in_(bindparam("n_tiers", expanding=True)))
    if open_only:
        parts.append(cols.state.in_(OPEN_STATES))
    return parts


# A queue's shape: (tier, states, has areas, has an organisation). Its areas and
# organisation are parameters (areas_<n>, org_<n>), so each shape's statement is built and
# compiled once per process, not on every visit (building it cost more than running it).


def _tallied(n: int, shape: tuple):
    """Queue n on the tallies: each item under its own area and organisation."""
    tier, states, has_areas, has_org = shape
    reach = []
    if has_areas:
        reach.append(ItemTally.area_id.in_(bindparam(f"areas_{n}", expanding=True)))
    if has_org:
        reach.append(ItemTally.organisation_id == bindparam(f"org_{n}"))
    parts = [ItemTally.tier == tier, ItemTally.state.in_(states)]
    if reach:
        parts.append(or_(*reach))
    return parts


def _added_only(n: int, shape: tuple):
    """Items in queue n only through an added area: not already tallied under their own
    area or organisation. None when the queue has no areas."""
    tier, states, has_areas, has_org = shape
    if not has_areas:
        return None
    areas = bindparam(f"areas_{n}", expanding=True)
    added = select(ItemArea.item_id).where(ItemArea.area_id.in_(areas))
    parts = [Item.tier == tier, Item.state.in_(states), Item.area_id.not_in(areas),
             Item.id.in_(added)]
    if has_org:
        parts.append(or_(Item.organisation_id.is_(None),
                         Item.organisation_id != bindparam(f"org_{n}")))
    return parts


@functools.lru_cache(maxsize=256)
def _statement(shapes: tuple, current: int | None, narrow: tuple | None):
    def cells(condition_of, cols):
        out = [condition_of(n, shape) for n, shape in enumerate(shapes)]
        if current is not None:
            base = out[current]
            out.append(None if base is None else [*base, *_narrowed(narrow, cols)])
        return out

    tally_cells = cells(_tallied, ItemTally)
    added_cells = cells(_added_only, Item)
    # Only the tiers and states asked about: the key index then skips the other rows.
    tiers = sorted({shape[0] for shape in shapes})
    states = sorted({state for shape in shapes for state in shape[1]})
    parts = [select(literal(0).label("part"),
                    *(func.coalesce(func.sum(ItemTally.n).filter(and_(*c)), 0)
                      for c in tally_cells))
             .where(ItemTally.tier.in_(tiers), ItemTally.state.in_(states))]
    if any(c is not None for c in added_cells):
        parts.append(
            select(literal(1), *(func.count().filter(and_(*c) if c is not None else false())
                                 for c in added_cells))
            .where(Item.id.in_(select(ItemArea.item_id).where(
                ItemArea.area_id.in_(bindparam("added_areas", expanding=True)))))
        )
    return union_all(*parts) if len(parts) > 1 else parts[0]


def queue_counts(scopes: dict[str, QueueScope], *, current: str | None = None,
                 narrow: Narrowing | None = None) -> tuple[dict[str, int], int | None]:
    """Each queue's count, and (with `current` and `narrow`) how many of the current queue's
    items the filters leave: one statement. The second value is None without `narrow`."""
    shapes = tuple((s.tier, tuple(s.states), bool(s.area_ids), s.organisation_id is not None)
                   for s in scopes.values())
    narrowed_at = list(scopes).index(current) if current in scopes and narrow else None
    params = narrow.params() if narrowed_at is not None else {}
    for n, scope in enumerate(scopes.values()):
        if scope.area_ids:
            params[f"areas_{n}"] = list(scope.area_ids)
        if scope.organisation_id is not None:
            params[f"org_{n}"] = scope.organisation_id
    if any(s.area_ids for s in scopes.values()):
        params["added_areas"] = sorted({a for s in scopes.values() for a in s.area_ids})
    statement = _statement(shapes, narrowed_at,
                           narrow.shape if narrowed_at is not None else None)
    rows = db.session.execute(statement, params).all()
    totals = [sum(int(row[i + 1] or 0) for row in rows) for i in range(len(rows[0]) - 1)]
    counts = dict(zip(scopes, totals, strict=False))
    return counts, (totals[-1] if narrowed_at is not None else None)


def open_items_by_area(area_ids) -> dict[tuple[int, str], int]:
    """(area id, kind) -> open items, each counted in its own area (from the tallies) and in
    every area added to it (from item_areas): the Areas page and API. One statement."""
    area_ids = list(area_ids)
    own = (select(ItemTally.area_id, ItemTally.kind, func.sum(ItemTally.n))
           .where(ItemTally.state.in_(OPEN_STATES), ItemTally.area_id.in_(area_ids))
           .group_by(ItemTally.area_id, ItemTally.kind))
    added = (select(ItemArea.area_id, Item.kind, func.count())
             .join(Item, Item.id == ItemArea.item_id)
             .where(ItemArea.area_id.in_(area_ids), Item.state.in_(OPEN_STATES),
                    Item.area_id != ItemArea.area_id)
             .group_by(ItemArea.area_id, Item.kind))
    counts: dict[tuple[int, str], int] = {}
    for area_id, kind, n in db.session.execute(union_all(own, added)):
        counts[(area_id, kind)] = counts.get((area_id, kind), 0) + int(n or 0)
    return {key: n for key, n in counts.items() if n}


# --- keeping the tallies small -------------------------------------------------------------


FOLD_POSTGRESQL = text("""
    WITH gone AS (DELETE FROM item_tallies
                  RETURNING tier, state, kind, area_id, organisation_id, n),
         summed AS (INSERT INTO item_tallies (tier, state, kind, area_id, organisation_id, n)
                    SELECT tier, state, kind, area_id, organisation_id, sum(n) FROM gone
                    GROUP BY tier, state, kind, area_id, organisation_id HAVING sum(n) <> 0
                    RETURNING 1)
    SELECT (SELECT count(*) FROM gone)""")
FOLD_SQLITE = text("""
    INSERT INTO item_tallies (tier, state, kind, area_id, organisation_id, n)
    SELECT tier, state, kind, area_id, organisation_id, sum(n) FROM item_tallies
    WHERE id <= :last
    GROUP BY tier, state, kind, area_id, organisation_id HAVING sum(n) <> 0""")


def fold() -> int:
    """Fold the tallies' rows into one per combination (dropping those that sum to nothing).
    Exact while items change: on PostgreSQL one statement deletes the rows it can see and
    inserts their sums, so a row another transaction has not committed yet stays as it is;
    on SQLite the write lock is held throughout. Returns how many rows were folded."""
    with writing():
        if db.engine.dialect.name == "postgresql":
            folded = db.session.execute(FOLD_POSTGRESQL).scalar_one()
        else:
            last = db.session.scalar(select(func.max(ItemTally.id))) or 0
            folded = db.session.scalar(
                select(func.count()).select_from(ItemTally).where(ItemTally.id <= last)) or 0
            db.session.execute(FOLD_SQLITE, {"last": last})
            db.session.execute(text("DELETE FROM item_tallies WHERE id <= :last"),
                               {"last": last})
        transaction.commit()
    return int(folded)


def sweep_steps():
    return [fold_tallies]


def fold_tallies(ctx) -> None:
    if ctx.dry_run:
        return
    rows = fold()
    log.info("item tallies: folded %s rows", rows)


# The reconciliation check (govflow check): tallies against counting the items.
CHECK_SQL = (
    "item_tallies_match_items",
    "the queue counts' tallies equal the items of each tier, state, kind, area and "
    "organisation",
    "SELECT count(*) FROM items",
    """SELECT 'tallies say ' || coalesce(t.n, 0) || ' items at ' || k.tier || '/' || k.state
              || '/' || k.kind || ' in area ' || k.area_id || ' but there are '
              || coalesce(i.n, 0)
       FROM (SELECT tier, state, kind, area_id, coalesce(organisation_id, 0) AS org
               FROM items
             UNION
             SELECT tier, state, kind, area_id, coalesce(organisation_id, 0)
               FROM item_tallies) k
       LEFT JOIN (SELECT tier, state, kind, area_id, coalesce(organisation_id, 0) AS org,
                         sum(n) AS n
                    FROM item_tallies GROUP BY 1, 2, 3, 4, 5) t
         ON t.tier = k.tier AND t.state = k.state AND t.kind = k.kind
            AND t.area_id = k.area_id AND t.org = k.org
       LEFT JOIN (SELECT tier, state, kind, area_id, coalesce(organisation_id, 0) AS org,
                         count(*) AS n
                    FROM items GROUP BY 1, 2, 3, 4, 5) i
         ON i.tier = k.tier AND i.state = k.state AND i.kind = k.kind
            AND i.area_id = k.area_id AND i.org = k.org
       WHERE coalesce(t.n, 0) <> coalesce(i.n, 0)
       ORDER BY k.tier, k.state, k.kind, k.area_id, k.org""",
)
