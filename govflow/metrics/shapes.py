"""The dashboard report's shapes (tables, rows, figures) and the arithmetic behind its
figures: percentiles that SQLite and PostgreSQL work out alike, shares, and months."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction

from sqlalchemy import case, func, select

from govflow.accounts.models import TIER_LABELS
from govflow.extensions import db
from govflow.metrics.filters import MetricFilters
from govflow.workflow.definition import TIER_ORDER

TIERS = TIER_ORDER
MEDIAN = (1, 2)
P90 = (9, 10)
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


# ---------------------------------------------------------------- result shapes


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "count"  # text | count | percent | days


# A count per tier, headed with the tier's word (the workflow vocabulary's ladder).
TIER_COLUMNS = tuple(Column(t, TIER_LABELS[t]) for t in TIER_ORDER)


@dataclass
class Row:
    values: dict
    # column key -> the parameters of the list behind that figure (see metrics.lists)
    links: dict = field(default_factory=dict)


@dataclass
class Table:
    key: str
    title: str
    description: str
    columns: list[Column]
    rows: list[Row]

    def as_dicts(self) -> list[dict]:
        return [{c.key: r.values.get(c.key) for c in self.columns} for r in self.rows]


@dataclass
class Figure:
    key: str
    label: str
    value: object  # int, float or None (no data)
    kind: str = "count"
    link: dict | None = None


@dataclass
class Report:
    filters: MetricFilters
    now: datetime
    headline: dict[str, Figure]
    tables: dict[str, Table]
    recent_adopted: list[dict]
    area_names: dict[str, str]
    options: dict

    def as_json(self) -> dict:
        return {
            "filters": self.filters.describe(),
            "generated_at": self.now.isoformat(timespec="seconds") + "Z",
            "headline": {k: f.value for k, f in self.headline.items()},
            "tables": {
                key: {"title": t.title, "description": t.description,
                      "columns": [{"key": c.key, "label": c.label, "kind": c.kind}
                                  for c in t.columns],
                      "rows": t.as_dicts()}
                for key, t in self.tables.items()
            },
            "recent_adopted_ideas": [
                {"id": i["id"], "title": i["title"], "area": i["area"], "adopted_on": i["on"]}
                for i in self.recent_adopted
            ],
        }


# ---------------------------------------------------------------- SQL helpers


def percentiles(values, points=(MEDIAN, P90)):
    """Per group: how many values, and each percentile (linear interpolation between the two
    nearest ranks, as PostgreSQL's PERCENTILE_CONT) — in one portable window query.

    `values` is a subquery with columns (grp, value) of integers. For p = num/den over n
    sorted values, the position is h = num·(n−1)/den (0-based): the lower rank lo = ⌊h⌋ and
    the remainder r = num·(n−1) − den·lo give value = (v[lo]·(den−r) + v[lo+1]·r) / den.
    Integer arithmetic throughout, so SQLite and PostgreSQL give identical answers; the
    division by den is exact (a Fraction).
    """
    ranked = select(
        values.c.grp,
        values.c.value,
        func.row_number().over(partition_by=values.c.grp, order_by=values.c.value)
        .label("rn"),
        func.count().over(partition_by=values.c.grp).label("n"),
    ).subquery("ranked")
    columns = [ranked.c.grp, func.max(ranked.c.n).label("n")]
    for num, den in points:
        k = (ranked.c.n - 1) * num
        lo = k // den
        r = k - lo * den
        weight = case((ranked.c.rn == lo + 1, den - r), (ranked.c.rn == lo + 2, r), else_=0)
        columns.append(func.sum(ranked.c.value * weight).label(f"p{num}_{den}"))
    rows = db.session.execute(select(*columns).group_by(ranked.c.grp)).all()
    out = {}
    for row in rows:
        n = int(row.n)
        result = {"n": n}
        for i, (num, den) in enumerate(points):
            result[(num, den)] = _number(Fraction(int(row[2 + i]), den))
        out[row.grp] = result
    return out


def ranked_percentiles(values, points=(MEDIAN, P90)) -> dict:
    """The same answer as percentiles() for one group's values, worked out in Python (for a
    population already fetched): n, and each percentile interpolated between the two
    nearest ranks."""
    ranked = sorted(values)
    n = len(ranked)
    result = {"n": n}
    for num, den in points:
        k = (n - 1) * num
        lo, r = divmod(k, den)
        total = ranked[lo] * (den - r) + (ranked[lo + 1] * r if r else 0)
        result[(num, den)] = _number(Fraction(total, den))
    return result


def _number(value: Fraction):
    return int(value) if value.denominator == 1 else float(value)


def share(part: int, whole: int):
    """A percentage to one decimal place, or None when there is nothing to share."""
    return round(100 * part / whole, 1) if whole else None


# ---------------------------------------------------------------- months


def month_key(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{_MONTHS[int(month) - 1]} {year}"


def months_between(first: date, last: date) -> list[str]:
    out = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(f"{y:04d}-{m:02d}")
        m += 1
        if m > 12:
            y, m = y + 1, 1
    return out


def month_bounds(key: str, f: MetricFilters) -> tuple[date, date]:
    """The part of a month inside the filter's period (for the link behind a month's figure)."""
    year, month = (int(p) for p in key.split("-"))
    first = date(year, month, 1)
    last = (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)
    if f.date_from and f.date_from > first:
        first = f.date_from
    if f.date_to and f.date_to < last:
        last = f.date_to
    return first, last
