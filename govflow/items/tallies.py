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

import logging
from collections.abc import Callable

from sqlalchemy import and_, false, func, literal, or_, select, text, union_all

from govflow.db import writing
from govflow.extensions import db
from govflow.items.models import Item, ItemArea, ItemTally
from govflow.items.queries import OPEN_STATES, ItemFilters, QueueScope

log = logging.getLogger(__name__)

# Columns narrowing a count: a filter on these alone can be answered from the tallies.
Narrowing = Callable[[object], object]  # (ItemTally or Item) -> SQL condition


def narrowing(filters: ItemFilters) -> Narrowing | None:
    """The filters as a condition on tier, state and kind (for tallies or items alike),
    or None when they filter on anything else, which only the items can answer."""
    if filters.areas or filters.tags or filters.q or filters.overdue_only:
        return None

    def condition(cols):
        parts = []
        if filters.kind:
            parts.append(cols.kind == filters.kind)
        if filters.states:
            parts.append(cols.state.in_(filters.states))
        if filters.tiers:
            parts.append(cols.tier.in_(filters.tiers))
        if filters.open_only:
            parts.append(cols.state.in_(OPEN_STATES))
        return and_(*parts) if parts else None

    return condition


def _tallied(scope: QueueScope, cols=ItemTally):
    """The scope on the tallies: each item under its own area and organisation."""
    reach = []
    if scope.area_ids:
        reach.append(cols.area_id.in_(scope.area_ids))
    if scope.organisation_id is not None:
        reach.append(cols.organisation_id == scope.organisation_id)
    parts = [cols.tier == scope.tier, cols.state.in_(scope.states)]
    if reach:
        parts.append(or_(*reach))
    return and_(*parts)


def _added_only(scope: QueueScope):
    """Items in the scope only through an added area: not already tallied under their own
    area or organisation. None when the scope has no areas."""
    if not scope.area_ids:
        return None
    added = select(ItemArea.item_id).where(ItemArea.area_id.in_(scope.area_ids))
    parts = [Item.tier == scope.tier, Item.state.in_(scope.states),
             Item.area_id.not_in(scope.area_ids), Item.id.in_(added)]
    if scope.organisation_id is not None:
        parts.append(or_(Item.organisation_id.is_(None),
                         Item.organisation_id != scope.organisation_id))
    return and_(*parts)


def queue_counts(scopes: dict[str, QueueScope], *, current: str | None = None,
                 narrow: Narrowing | None = None) -> tuple[dict[str, int], int | None]:
    """Each queue's count, and (with `current` and `narrow`) how many of the current queue's
    items the filters leave: one statement. The second value is None without `narrow`."""
    def cells(cols, condition_of):
        out = []
        for scope in scopes.values():
            out.append(condition_of(scope, cols))
        if current is not None and narrow is not None:
            extra = narrow(cols)
            base = condition_of(scopes[current], cols)
            out.append(base if extra is None or base is None else and_(base, extra))
        return out

    tally_cells = cells(ItemTally, lambda s, cols: _tallied(s, cols))
    added_cells = cells(Item, lambda s, cols: _added_only(s))
    # Only the tiers and states asked about: the key index then skips the other rows.
    tiers = sorted({s.tier for s in scopes.values()})
    states = sorted({state for s in scopes.values() for state in s.states})
    parts = [select(literal(0).label("part"),
                    *(func.coalesce(func.sum(ItemTally.n).filter(c), 0) for c in tally_cells))
             .where(ItemTally.tier.in_(tiers), ItemTally.state.in_(states))]
    if any(c is not None for c in added_cells):
        added_areas = sorted({a for s in scopes.values() for a in s.area_ids})
        parts.append(
            select(literal(1), *(func.count().filter(c if c is not None else false())
                                 for c in added_cells))
            .where(Item.id.in_(select(ItemArea.item_id)
                               .where(ItemArea.area_id.in_(added_areas))))
        )
    rows = db.session.execute(union_all(*parts) if len(parts) > 1 else parts[0]).all()
    totals = [sum(int(row[i + 1] or 0) for row in rows) for i in range(len(tally_cells))]
    counts = dict(zip(scopes, totals, strict=False))
    narrowed = totals[-1] if current is not None and narrow is not None else None
    return counts, narrowed


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
        db.session.commit()
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
