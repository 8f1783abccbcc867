"""compute(): every dashboard figure in a fixed number of SQL aggregate queries.

The page, its CSV exports, the PDF progress report and GET /api/v1/metrics all render the
one Report this returns, so they cannot disagree. Figures are partnership-wide counts (no
item detail); the list behind each figure shows the items the person may see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction

from sqlalchemy import case, func, literal, select

from govflow import workdays
from govflow.accounts.models import TIER_LABELS, LocalArea, Organisation, User
from govflow.decisions.models import REASON_CATEGORIES
from govflow.extensions import db
from govflow.items.models import Item, Tag, item_tags
from govflow.metrics import populations as P
from govflow.metrics.filters import MetricFilters
from govflow.workflow.definition import TIER_ORDER

TIERS = TIER_ORDER
MEDIAN = (1, 2)
P90 = (9, 10)
TOP_THEMES = 10
RECENT_ADOPTED = 5
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


def _share(part: int, whole: int):
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


# ---------------------------------------------------------------- compute


def load_options() -> dict:
    """Areas, organisations and tags for the filter form and for naming rows (3 queries)."""
    areas = db.session.execute(
        select(LocalArea.id, LocalArea.slug, LocalArea.name).order_by(LocalArea.name)
    ).all()
    orgs = db.session.execute(
        select(Organisation.id, Organisation.slug, Organisation.name).order_by(Organisation.name)
    ).all()
    tags = db.session.execute(
        select(Tag.slug, Tag.name, Tag.kind).order_by(Tag.position)
    ).all()
    return {
        "areas": [{"id": a.id, "slug": a.slug, "name": a.name} for a in areas],
        "organisations": [{"slug": o.slug, "name": o.name} for o in orgs],
        "tags": [{"slug": t.slug, "name": t.name, "kind": t.kind} for t in tags],
    }


def unknown_filters(f: MetricFilters, options: dict) -> dict[str, str]:
    """Filter values that name nothing (a hand-edited link), as field errors."""
    errors = {}
    slugs = {a["slug"] for a in options["areas"]}
    bad = [a for a in f.areas if a not in slugs]
    if bad:
        errors["area"] = f"There is no area called '{bad[0]}'"
    if f.organisation and f.organisation not in {o["slug"] for o in options["organisations"]}:
        errors["organisation"] = f"There is no organisation called '{f.organisation}'"
    if f.tag and f.tag not in {t["slug"] for t in options["tags"]}:
        errors["tag"] = f"There is no tag called '{f.tag}'"
    return errors


def compute(f: MetricFilters, now: datetime, options: dict | None = None) -> Report:
    """Every figure on the dashboard for these filters, as at `now` (naive UTC)."""
    options = options or load_options()
    today = workdays.london_date(now)
    area_by_id = {a["id"]: a for a in options["areas"]}
    area_names = {a["slug"]: a["name"] for a in options["areas"]}

    def area_link(area_id, **params):
        return {**params, "area": area_by_id[area_id]["slug"]}

    tables: dict[str, Table] = {}
    headline: dict[str, Figure] = {}

    # --- where blockers were unblocked ---------------------------------------------------
    unblocked = P.unblocked(f)
    # One row per blocker (a few thousand at most a year): fetched once, then counted by
    # month and tier and ranked for the percentiles here, instead of in three statements
    # that each worked the population out again.
    unblocked_rows = db.session.execute(
        select(unblocked.c.tier, unblocked.c.month, unblocked.c.days)
    ).all()
    month_tier_counts: dict[tuple[str, str], int] = {}
    for row in unblocked_rows:
        month_tier_counts[(row.month, row.tier)] = month_tier_counts.get((row.month, row.tier), 0) + 1
    links = P.area_links(f)
    by_area_tier = db.session.execute(
        select(links.c.area_id, unblocked.c.tier,
               func.count(func.distinct(unblocked.c.item_id)).label("n"))
        .join(links, links.c.item_id == unblocked.c.item_id)
        .group_by(links.c.area_id, unblocked.c.tier)
    ).all()

    tier_totals = dict.fromkeys(TIERS, 0)
    month_counts: dict[str, dict] = {}
    for (month, tier), n in sorted(month_tier_counts.items()):
        tier_totals[tier] = tier_totals.get(tier, 0) + n
        month_counts.setdefault(month, dict.fromkeys(TIERS, 0))[tier] = n
    total_unblocked = sum(tier_totals.values())

    rows = [
        Row({"tier": TIER_LABELS[t], "unblocked": tier_totals[t],
             "share": _share(tier_totals[t], total_unblocked)},
            {"unblocked": {"figure": "unblocked", "tier": t}})
        for t in TIERS
    ]
    rows.append(Row({"tier": "All tiers", "unblocked": total_unblocked,
                     "share": 100.0 if total_unblocked else None},
                    {"unblocked": {"figure": "unblocked"}}))
    tables["handled_locally"] = Table(
        "handled_locally", "Where blockers were unblocked",
        "Blockers unblocked in the period, by the tier that unblocked them (each blocker "
        "once, at its last unblocking in the period). Handled as locally as possible means "
        "a high share at Bronze.",
        [Column("tier", "Tier", "text"), Column("unblocked", "Blockers unblocked"),
         Column("share", "Share (%)", "percent")],
        rows,
    )

    unblocked_by_area: dict[int, dict] = {}
    for row in by_area_tier:
        unblocked_by_area.setdefault(row.area_id, dict.fromkeys(TIERS, 0))[row.tier] = row.n
    rows = []
    for area in options["areas"]:
        counts = unblocked_by_area.get(area["id"])
        if counts is None:
            continue
        total = sum(counts.values())
        values = {"area": area["name"], **counts, "total": total,
                  "share_bronze": _share(counts["bronze"], total)}
        row_links = {t: area_link(area["id"], figure="unblocked", tier=t) for t in TIERS}
        row_links["total"] = area_link(area["id"], figure="unblocked")
        rows.append(Row(values, row_links))
    tables["handled_locally_by_area"] = Table(
        "handled_locally_by_area", "Where blockers were unblocked, by area",
        "A blocker that affects several areas counts in each of them.",
        [Column("area", "Area", "text"), *TIER_COLUMNS,
         Column("total", "Total"),
         Column("share_bronze", "Share at Bronze (%)", "percent")],
        rows,
    )

    first_month = f.date_from or (
        date.fromisoformat(min(month_counts) + "-01") if month_counts else today
    )
    months = months_between(first_month, f.date_to or today)
    rows = []
    for key in months:
        counts = month_counts.get(key, dict.fromkeys(TIERS, 0))
        total = sum(counts.values())
        start, end = month_bounds(key, f)
        period = {"from": start.isoformat(), "to": end.isoformat()}
        row_links = {t: {"figure": "unblocked", "tier": t, **period} for t in TIERS}
        row_links["total"] = {"figure": "unblocked", **period}
        rows.append(Row({"month": month_label(key), "bronze": counts["bronze"],
                         "silver": counts["silver"], "gold": counts["gold"], "total": total,
                         "share_bronze": _share(counts["bronze"], total)}, row_links))
    tables["handled_locally_by_month"] = Table(
        "handled_locally_by_month", "Where blockers were unblocked, by month",
        "Blockers unblocked each month (London time), by the tier that unblocked them.",
        [Column("month", "Month", "text"), *TIER_COLUMNS,
         Column("total", "Total"),
         Column("share_bronze", "Share at Bronze (%)", "percent")],
        rows,
    )

    # --- working days from raising to unblocking -----------------------------------------
    days_by_group: dict[str, list[int]] = {"all": []}
    for row in unblocked_rows:
        days_by_group.setdefault(row.tier, []).append(row.days)
        days_by_group["all"].append(row.days)
    times = {grp: ranked_percentiles(days) for grp, days in days_by_group.items() if days}
    rows = []
    for t in (*TIERS, "all"):
        stats = times.get(t, {"n": 0, MEDIAN: None, P90: None})
        link = {"figure": "unblocked"} | ({"tier": t} if t != "all" else {})
        rows.append(Row({"tier": TIER_LABELS.get(t, "All tiers"), "unblocked": stats["n"],
                         "median": stats[MEDIAN], "p90": stats[P90]},
                        {"unblocked": link}))
    tables["time_to_unblock"] = Table(
        "time_to_unblock", "Working days from raising to unblocking",
        "Working days (Monday to Friday, not bank holidays) from the day a blocker was raised "
        "to the day it was unblocked, by the tier that unblocked it.",
        [Column("tier", "Tier reached", "text"), Column("unblocked", "Blockers unblocked"),
         Column("median", "Median (working days)", "days"),
         Column("p90", "90th percentile (working days)", "days")],
        rows,
    )

    # --- open now ------------------------------------------------------------------------
    open_ = P.open_blockers(f, now)
    open_tier = {
        row.tier: row
        for row in db.session.execute(
            select(open_.c.tier, func.count().label("n"),
                   func.sum(open_.c.overdue).label("overdue"),
                   func.sum(open_.c.paused).label("paused"),
                   func.sum(open_.c.systemic).label("systemic"))
            .group_by(open_.c.tier)
        ).all()
    }
    links = P.area_links(f)
    open_area = db.session.execute(
        select(links.c.area_id, open_.c.tier, func.count().label("n"),
               func.sum(open_.c.overdue).label("overdue"),
               func.sum(open_.c.paused).label("paused"))
        .join(links, links.c.item_id == open_.c.item_id)
        .group_by(links.c.area_id, open_.c.tier)
    ).all()
    reopened = P.reopened(f)
    reopened_count = db.session.scalar(select(func.count()).select_from(reopened)) or 0

    def _int(row, name):
        return int(getattr(row, name) or 0) if row is not None else 0

    rows = []
    totals = {"open": 0, "overdue": 0, "paused": 0, "systemic": 0}
    for t in TIERS:
        row = open_tier.get(t)
        values = {"tier": TIER_LABELS[t], "open": _int(row, "n"),
                  "overdue": _int(row, "overdue"), "paused": _int(row, "paused")}
        totals["open"] += values["open"]
        totals["overdue"] += values["overdue"]
        totals["paused"] += values["paused"]
        totals["systemic"] += _int(row, "systemic")
        rows.append(Row(values, {
            "open": {"figure": "open", "tier": t},
            "overdue": {"figure": "open", "tier": t, "flag": "overdue"},
            "paused": {"figure": "open", "tier": t, "flag": "paused"},
        }))
    rows.append(Row({"tier": "All tiers", "open": totals["open"], "overdue": totals["overdue"],
                     "paused": totals["paused"]}, {
        "open": {"figure": "open"},
        "overdue": {"figure": "open", "flag": "overdue"},
        "paused": {"figure": "open", "flag": "paused"},
    }))
    tables["open_by_tier"] = Table(
        "open_by_tier", "Open blockers now, by tier",
        "Blockers open now, whatever the period: overdue (past the tier's deadline) and "
        "paused (waiting on another agency) are part of the open total.",
        [Column("tier", "Tier", "text"), Column("open", "Open"), Column("overdue", "Overdue"),
         Column("paused", "Paused")],
        rows,
    )

    per_area: dict[int, dict] = {}
    for row in open_area:
        counts = per_area.setdefault(row.area_id, {**dict.fromkeys(TIERS, 0), "overdue": 0,
                                                   "paused": 0})
        counts[row.tier] = row.n
        counts["overdue"] += int(row.overdue or 0)
        counts["paused"] += int(row.paused or 0)
    rows = []
    for area in options["areas"]:
        counts = per_area.get(area["id"])
        if counts is None:
            continue
        total = sum(counts[t] for t in TIERS)
        row_links = {t: area_link(area["id"], figure="open", tier=t) for t in TIERS}
        row_links["total"] = area_link(area["id"], figure="open")
        row_links["overdue"] = area_link(area["id"], figure="open", flag="overdue")
        row_links["paused"] = area_link(area["id"], figure="open", flag="paused")
        rows.append(Row({"area": area["name"], **counts, "total": total}, row_links))
    tables["open_by_area"] = Table(
        "open_by_area", "Open blockers now, by area",
        "A blocker that affects several areas counts in each of them.",
        [Column("area", "Area", "text"), *TIER_COLUMNS,
         Column("total", "Total"), Column("overdue", "Overdue"),
         Column("paused", "Paused")],
        rows,
    )

    # --- ideas ---------------------------------------------------------------------------
    proposed = P.ideas_proposed(f)
    proposed_count = db.session.scalar(select(func.count()).select_from(proposed)) or 0
    decisions = P.idea_decisions(f)
    by_result = {
        row.result: row.n
        for row in db.session.execute(
            select(decisions.c.result, func.count(func.distinct(decisions.c.item_id)).label("n"))
            .group_by(decisions.c.result)
        ).all()
    }
    by_reason = {
        row.reason: row.n
        for row in db.session.execute(
            select(decisions.c.reason, func.count(func.distinct(decisions.c.item_id)).label("n"))
            .where(decisions.c.result == "declined")
            .group_by(decisions.c.reason)
        ).all()
    }
    milestones = P.idea_milestones(f)
    by_state = {
        row.state: row.n
        for row in db.session.execute(
            select(milestones.c.state, func.count().label("n")).group_by(milestones.c.state)
        ).all()
    }
    decision_days = P.decision_times(f)
    to_decision = percentiles(
        select(literal("all").label("grp"), decision_days.c.days.label("value"))
        .subquery("decision_values"),
        points=(MEDIAN,),
    ).get("all", {"n": 0, MEDIAN: None})

    idea_rows = [
        ("proposed", "Proposed", proposed_count, {"figure": "ideas_proposed"}),
        ("approved", "Approved", by_result.get("approved", 0),
         {"figure": "idea_decisions", "result": "approved"}),
        ("approved_by_default", "Approved by default (no objection in time)",
         by_result.get("approved_by_default", 0),
         {"figure": "idea_decisions", "result": "approved_by_default"}),
        ("declined", "Declined", by_result.get("declined", 0),
         {"figure": "idea_decisions", "result": "declined"}),
        ("challenged", "Challenged", by_state.get("challenged", 0),
         {"figure": "idea_milestones", "state": "challenged"}),
        ("adopted", "Adopted", by_state.get("adopted", 0),
         {"figure": "idea_milestones", "state": "adopted"}),
        ("stopped", "Stopped", by_state.get("stopped", 0),
         {"figure": "idea_milestones", "state": "stopped"}),
    ]
    tables["ideas"] = Table(
        "ideas", "Ideas",
        "Ideas proposed in the period, and ideas with each decision or step in the period. "
        "A corrected decision counts as its correction.",
        [Column("measure", "Ideas", "text"), Column("count", "Number")],
        [Row({"measure": label, "count": n}, {"count": link}) for _k, label, n, link in idea_rows],
    )
    rows = [
        Row({"reason": label, "count": by_reason.get(key, 0)},
            {"count": {"figure": "idea_decisions", "result": "declined", "reason": key}})
        for key, label in REASON_CATEGORIES.items()
    ]
    tables["ideas_declined_by_reason"] = Table(
        "ideas_declined_by_reason", "Ideas declined, by reason",
        "Why ideas were declined in the period (an idea declined twice for different reasons "
        "counts under each).",
        [Column("reason", "Reason", "text"), Column("count", "Ideas declined")],
        rows,
    )

    # --- sponsor actions -----------------------------------------------------------------
    actions = P.sponsor_actions(f, today)
    action_rows = db.session.execute(
        select(actions.c.sponsor_id, User.display_name, actions.c.area_id, actions.c.result,
               func.count().label("n"))
        .join(User, User.id == actions.c.sponsor_id)
        .group_by(actions.c.sponsor_id, User.display_name, actions.c.area_id, actions.c.result)
    ).all()
    per_sponsor: dict[tuple, dict] = {}
    for row in action_rows:
        key = (row.display_name, area_by_id[row.area_id]["name"], row.sponsor_id, row.area_id)
        per_sponsor.setdefault(key, dict.fromkeys(P.ACTION_RESULTS, 0))[row.result] = row.n
    rows = []
    action_totals = dict.fromkeys(P.ACTION_RESULTS, 0)
    for (name, area_name, sponsor_id, area_id), counts in sorted(per_sponsor.items()):
        for k, v in counts.items():
            action_totals[k] += v
        row_links = {
            r: area_link(area_id, figure="actions", sponsor=str(sponsor_id), result=r)
            for r in P.ACTION_RESULTS
        }
        rows.append(Row({"sponsor": name, "area": area_name, **counts}, row_links))
    rows.append(Row({"sponsor": "All sponsors", "area": "All areas", **action_totals},
                    {r: {"figure": "actions", "result": r} for r in P.ACTION_RESULTS}))
    tables["sponsor_actions"] = Table(
        "sponsor_actions", "Sponsor actions",
        "Sponsor actions due in the period, by sponsor and area. Overdue: still open after "
        "the due date. The tag filter does not apply; the organisation is the sponsor's.",
        [Column("sponsor", "Sponsor", "text"), Column("area", "Area", "text"),
         Column("open", "Open, not yet due"), Column("overdue", "Overdue"),
         Column("done_on_time", "Done on time"), Column("done_late", "Done late"),
         Column("dropped", "Dropped")],
        rows,
    )

    # --- recurring themes ----------------------------------------------------------------
    raised = P.raised_blockers(f)
    tag_rows = db.session.execute(
        select(Tag.slug, Tag.name, func.count(func.distinct(raised.c.item_id)).label("n"))
        .select_from(raised)
        .join(item_tags, item_tags.c.item_id == raised.c.item_id)
        .join(Tag, Tag.id == item_tags.c.tag_id)
        .group_by(Tag.slug, Tag.name)
        .order_by(func.count(func.distinct(raised.c.item_id)).desc(), Tag.name)
        .limit(TOP_THEMES)
    ).all()
    tables["themes_tags"] = Table(
        "themes_tags", "Recurring themes: tags with the most blockers",
        "Blockers raised in the period, by the framework feature or outcome they were "
        "tagged with.",
        [Column("tag", "Tag", "text"), Column("blockers", "Blockers raised")],
        [Row({"tag": r.name, "blockers": r.n},
             {"blockers": {"figure": "raised", "tag": r.slug}}) for r in tag_rows],
    )
    links = P.area_links(f)
    area_rows = db.session.execute(
        select(links.c.area_id, func.count(func.distinct(raised.c.item_id)).label("n"))
        .select_from(raised)
        .join(links, links.c.item_id == raised.c.item_id)
        .group_by(links.c.area_id)
        .order_by(func.count(func.distinct(raised.c.item_id)).desc(), links.c.area_id)
        .limit(TOP_THEMES)
    ).all()
    area_rows = sorted(area_rows, key=lambda r: (-r.n, area_by_id[r.area_id]["name"]))
    tables["themes_areas"] = Table(
        "themes_areas", "Recurring themes: areas with the most blockers",
        "Blockers raised in the period, by the areas they affect.",
        [Column("area", "Area", "text"), Column("blockers", "Blockers raised")],
        [Row({"area": area_by_id[r.area_id]["name"], "blockers": r.n},
             {"blockers": area_link(r.area_id, figure="raised")}) for r in area_rows],
    )

    # --- recent adopted ideas (titles only: no people, no item detail) -------------------
    adopted = db.session.execute(
        select(Item.id, Item.title, LocalArea.name.label("area"), milestones.c.at)
        .join(milestones, milestones.c.item_id == Item.id)
        .join(LocalArea, LocalArea.id == Item.area_id)
        .where(milestones.c.state == "adopted")
        .order_by(milestones.c.at.desc(), Item.id.desc())
        .limit(RECENT_ADOPTED)
    ).all()
    recent_adopted = [
        {"id": r.id, "title": r.title, "area": r.area,
         "on": workdays.london_date(r.at).isoformat()} for r in adopted
    ]

    # --- headline ------------------------------------------------------------------------
    all_times = times.get("all", {MEDIAN: None, P90: None})

    def fig(key, label, value, kind="count", link=None):
        headline[key] = Figure(key, label, value, kind, link)

    fig("unblocked", "Blockers unblocked", total_unblocked, link={"figure": "unblocked"})
    for t in TIERS:
        fig(f"share_{t}", f"Unblocked at {TIER_LABELS[t]}",
            _share(tier_totals[t], total_unblocked), "percent",
            {"figure": "unblocked", "tier": t})
    fig("median_days", "Median working days to unblock", all_times[MEDIAN], "days",
        {"figure": "unblocked"})
    fig("p90_days", "90th percentile working days to unblock", all_times[P90], "days",
        {"figure": "unblocked"})
    fig("open", "Open blockers now", totals["open"], link={"figure": "open"})
    fig("overdue", "Overdue now", totals["overdue"], link={"figure": "open", "flag": "overdue"})
    fig("paused", "Paused now", totals["paused"], link={"figure": "open", "flag": "paused"})
    fig("systemic", "Systemic blockers open", totals["systemic"],
        link={"figure": "open", "flag": "systemic"})
    fig("reopened", "Reopened after unblocking", reopened_count, link={"figure": "reopened"})
    for key, label, n, link in idea_rows:
        fig(f"ideas_{key}", f"Ideas {label[0].lower()}{label[1:]}", n, link=link)
    fig("ideas_median_days_to_decision", "Median working days to decide an idea",
        to_decision[MEDIAN], "days", {"figure": "decision_times"})
    fig("actions_open", "Sponsor actions open", action_totals["open"] + action_totals["overdue"],
        link={"figure": "actions", "result": "open_or_overdue"})
    fig("actions_overdue", "Sponsor actions overdue", action_totals["overdue"],
        link={"figure": "actions", "result": "overdue"})
    fig("actions_done_on_time", "Sponsor actions done on time", action_totals["done_on_time"],
        link={"figure": "actions", "result": "done_on_time"})

    return Report(f, now, headline, tables, recent_adopted, area_names, options)

