"""compute(): every dashboard figure in a fixed number of SQL aggregate queries.

The page, its CSV exports, the PDF progress report and GET /api/v1/metrics all render the
one Report this returns, so they cannot disagree. Figures are partnership-wide counts (no
item detail); the list behind each figure shows the items the person may see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, literal, select

from govflow import workdays
from govflow.accounts.models import TIER_LABELS, LocalArea, Organisation, User
from govflow.decisions.models import REASON_CATEGORIES
from govflow.extensions import db
from govflow.items.models import Item, Tag, item_tags
from govflow.metrics import populations as P
from govflow.metrics.filters import MetricFilters
from govflow.metrics.shapes import (
    MEDIAN,
    P90,
    TIER_COLUMNS,
    TIERS,
    Column,
    Figure,
    Report,
    Row,
    Table,
    month_bounds,
    month_label,
    months_between,
    percentiles,
    ranked_percentiles,
    share,
)

TOP_THEMES = 10
RECENT_ADOPTED = 5


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


@dataclass
class _Run:
    """What every part of one compute() shares: the filters, the moment, the areas, and the
    tables and headline figures filled in as the parts run."""

    f: MetricFilters
    now: datetime
    options: dict
    today: date = field(init=False)
    area_by_id: dict = field(init=False)
    tables: dict[str, Table] = field(default_factory=dict)
    headline: dict[str, Figure] = field(default_factory=dict)

    def __post_init__(self):
        self.today = workdays.london_date(self.now)
        self.area_by_id = {a["id"]: a for a in self.options["areas"]}

    def area_link(self, area_id, **params) -> dict:
        return {**params, "area": self.area_by_id[area_id]["slug"]}

    def area_name(self, area_id) -> str:
        return self.area_by_id[area_id]["name"]

    def fig(self, key, label, value, kind="count", link=None) -> None:
        self.headline[key] = Figure(key, label, value, kind, link)


@dataclass(frozen=True)
class _Unblocked:
    """Blockers unblocked in the period: by tier, in all, and their working days."""

    tier_totals: dict[str, int]
    total: int
    times: dict[str, dict]


@dataclass(frozen=True)
class _OpenNow:
    totals: dict[str, int]
    reopened: int


@dataclass(frozen=True)
class _Ideas:
    rows: list[tuple]  # (key, label, count, link)
    to_decision: dict
    milestones: object  # the milestones population, for the recently adopted list


def compute(f: MetricFilters, now: datetime, options: dict | None = None) -> Report:
    """Every figure on the dashboard for these filters, as at `now` (naive UTC)."""
    run = _Run(f, now, options or load_options())
    unblocked = _unblocked_tables(run)
    open_now = _open_now_tables(run)
    ideas = _ideas_tables(run)
    action_totals = _sponsor_actions_table(run)
    _themes_tables(run)
    recent_adopted = _recent_adopted(ideas.milestones)
    _headline(run, unblocked, open_now, ideas, action_totals)
    area_names = {a["slug"]: a["name"] for a in run.options["areas"]}
    return Report(f, now, run.headline, run.tables, recent_adopted, area_names, run.options)


# ---------------------------------------------------------------- where blockers were unblocked


def _unblocked_tables(run: _Run) -> _Unblocked:
    f = run.f
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
    total = sum(tier_totals.values())

    _handled_locally_table(run, tier_totals, total)
    _handled_locally_by_area_table(run, by_area_tier)
    _handled_locally_by_month_table(run, month_counts)
    times = _time_to_unblock_table(run, unblocked_rows)
    return _Unblocked(tier_totals, total, times)


def _handled_locally_table(run: _Run, tier_totals: dict, total: int) -> None:
    rows = [
        Row({"tier": TIER_LABELS[t], "unblocked": tier_totals[t],
             "share": share(tier_totals[t], total)},
            {"unblocked": {"figure": "unblocked", "tier": t}})
        for t in TIERS
    ]
    rows.append(Row({"tier": "All tiers", "unblocked": total,
                     "share": 100.0 if total else None},
                    {"unblocked": {"figure": "unblocked"}}))
    run.tables["handled_locally"] = Table(
        "handled_locally", "Where blockers were unblocked",
        "Blockers unblocked in the period, by the tier that unblocked them (each blocker "
        "once, at its last unblocking in the period). Handled as locally as possible means "
        "a high share at Bronze.",
        [Column("tier", "Tier", "text"), Column("unblocked", "Blockers unblocked"),
         Column("share", "Share (%)", "percent")],
        rows,
    )


def _handled_locally_by_area_table(run: _Run, by_area_tier) -> None:
    unblocked_by_area: dict[int, dict] = {}
    for row in by_area_tier:
        unblocked_by_area.setdefault(row.area_id, dict.fromkeys(TIERS, 0))[row.tier] = row.n
    rows = []
    for area in run.options["areas"]:
        counts = unblocked_by_area.get(area["id"])
        if counts is None:
            continue
        row_links = {t: run.area_link(area["id"], figure="unblocked", tier=t) for t in TIERS}
        row_links["total"] = run.area_link(area["id"], figure="unblocked")
        rows.append(Row({"area": area["name"], **_with_share_at_bronze(counts)}, row_links))
    run.tables["handled_locally_by_area"] = _unblocked_where_table(
        "handled_locally_by_area", "Where blockers were unblocked, by area",
        "A blocker that affects several areas counts in each of them.",
        Column("area", "Area", "text"), rows)


def _handled_locally_by_month_table(run: _Run, month_counts: dict) -> None:
    f = run.f
    first_month = f.date_from or (
        date.fromisoformat(min(month_counts) + "-01") if month_counts else run.today
    )
    rows = []
    for key in months_between(first_month, f.date_to or run.today):
        counts = month_counts.get(key, dict.fromkeys(TIERS, 0))
        start, end = month_bounds(key, f)
        period = {"from": start.isoformat(), "to": end.isoformat()}
        row_links = {t: {"figure": "unblocked", "tier": t, **period} for t in TIERS}
        row_links["total"] = {"figure": "unblocked", **period}
        rows.append(Row({"month": month_label(key), **_with_share_at_bronze(counts)}, row_links))
    run.tables["handled_locally_by_month"] = _unblocked_where_table(
        "handled_locally_by_month", "Where blockers were unblocked, by month",
        "Blockers unblocked each month (London time), by the tier that unblocked them.",
        Column("month", "Month", "text"), rows)


def _with_share_at_bronze(counts: dict) -> dict:
    """Blockers unblocked at each tier, their total, and the share of them at Bronze."""
    total = sum(counts.values())
    return {**counts, "total": total, "share_bronze": share(counts["bronze"], total)}


def _unblocked_where_table(key: str, title: str, note: str, first: Column, rows) -> Table:
    """A 'where blockers were unblocked' table: one row per area or month."""
    return Table(key, title, note, [first, *TIER_COLUMNS, Column("total", "Total"),
                                    Column("share_bronze", "Share at Bronze (%)", "percent")],
                 rows)


def _time_to_unblock_table(run: _Run, unblocked_rows) -> dict[str, dict]:
    """Working days from raising to unblocking, by tier and in all; returns the percentiles."""
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
    run.tables["time_to_unblock"] = Table(
        "time_to_unblock", "Working days from raising to unblocking",
        "Working days (Monday to Friday, not bank holidays) from the day a blocker was raised "
        "to the day it was unblocked, by the tier that unblocked it.",
        [Column("tier", "Tier reached", "text"), Column("unblocked", "Blockers unblocked"),
         Column("median", "Half within (working days)", "days"),
         Column("p90", "9 in 10 within (working days)", "days")],
        rows,
    )
    return times


# ---------------------------------------------------------------- open now


def _int(row, name):
    return int(getattr(row, name) or 0) if row is not None else 0


def _open_now_tables(run: _Run) -> _OpenNow:
    f = run.f
    open_ = P.open_blockers(f, run.now)
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
    totals = _open_by_tier_table(run, open_tier)
    _open_by_area_table(run, open_area)
    return _OpenNow(totals, reopened_count)


def _open_by_tier_table(run: _Run, open_tier: dict) -> dict[str, int]:
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
    run.tables["open_by_tier"] = Table(
        "open_by_tier", "Open blockers now, by tier",
        "Blockers open now, whatever the period: overdue (past the tier's deadline) and "
        "paused (waiting on another agency) are part of the open total.",
        [Column("tier", "Tier", "text"), Column("open", "Open"), Column("overdue", "Overdue"),
         Column("paused", "Paused")],
        rows,
    )
    return totals


def _open_by_area_table(run: _Run, open_area) -> None:
    per_area: dict[int, dict] = {}
    for row in open_area:
        counts = per_area.setdefault(row.area_id, {**dict.fromkeys(TIERS, 0), "overdue": 0,
                                                   "paused": 0})
        counts[row.tier] = row.n
        counts["overdue"] += int(row.overdue or 0)
        counts["paused"] += int(row.paused or 0)
    rows = []
    for area in run.options["areas"]:
        counts = per_area.get(area["id"])
        if counts is None:
            continue
        total = sum(counts[t] for t in TIERS)
        row_links = {t: run.area_link(area["id"], figure="open", tier=t) for t in TIERS}
        row_links["total"] = run.area_link(area["id"], figure="open")
        row_links["overdue"] = run.area_link(area["id"], figure="open", flag="overdue")
        row_links["paused"] = run.area_link(area["id"], figure="open", flag="paused")
        rows.append(Row({"area": area["name"], **counts, "total": total}, row_links))
    run.tables["open_by_area"] = Table(
        "open_by_area", "Open blockers now, by area",
        "A blocker that affects several areas counts in each of them.",
        [Column("area", "Area", "text"), *TIER_COLUMNS,
         Column("total", "Total"), Column("overdue", "Overdue"),
         Column("paused", "Paused")],
        rows,
    )


# ---------------------------------------------------------------- ideas


def _ideas_tables(run: _Run) -> _Ideas:
    f = run.f
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
    rows = _idea_rows(proposed_count, by_result, by_state)
    _ideas_table(run, rows)
    _ideas_declined_by_reason_table(run, by_reason)
    return _Ideas(rows, to_decision, milestones)


def _idea_rows(proposed_count: int, by_result: dict, by_state: dict) -> list[tuple]:
    return [
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


def _ideas_table(run: _Run, idea_rows: list[tuple]) -> None:
    run.tables["ideas"] = Table(
        "ideas", "Ideas",
        "Ideas proposed in the period, and ideas with each decision or step in the period. "
        "A corrected decision counts as its correction.",
        [Column("measure", "Ideas", "text"), Column("count", "Number")],
        [Row({"measure": label, "count": n}, {"count": link}) for _k, label, n, link in idea_rows],
    )


def _ideas_declined_by_reason_table(run: _Run, by_reason: dict) -> None:
    rows = [
        Row({"reason": label, "count": by_reason.get(key, 0)},
            {"count": {"figure": "idea_decisions", "result": "declined", "reason": key}})
        for key, label in REASON_CATEGORIES.items()
    ]
    run.tables["ideas_declined_by_reason"] = Table(
        "ideas_declined_by_reason", "Ideas declined, by reason",
        "Why ideas were declined in the period (an idea declined twice for different reasons "
        "counts under each).",
        [Column("reason", "Reason", "text"), Column("count", "Ideas declined")],
        rows,
    )


# ---------------------------------------------------------------- sponsor actions


def _sponsor_actions_table(run: _Run) -> dict[str, int]:
    """The sponsor actions due in the period, by sponsor and area; returns the totals."""
    actions = P.sponsor_actions(run.f, run.today)
    action_rows = db.session.execute(
        select(actions.c.sponsor_id, User.display_name, actions.c.area_id, actions.c.result,
               func.count().label("n"))
        .join(User, User.id == actions.c.sponsor_id)
        .group_by(actions.c.sponsor_id, User.display_name, actions.c.area_id, actions.c.result)
    ).all()
    per_sponsor: dict[tuple, dict] = {}
    for row in action_rows:
        key = (row.display_name, run.area_name(row.area_id), row.sponsor_id, row.area_id)
        per_sponsor.setdefault(key, dict.fromkeys(P.ACTION_RESULTS, 0))[row.result] = row.n
    rows = []
    action_totals = dict.fromkeys(P.ACTION_RESULTS, 0)
    for (name, area_name, sponsor_id, area_id), counts in sorted(per_sponsor.items()):
        for k, v in counts.items():
            action_totals[k] += v
        row_links = {
            r: run.area_link(area_id, figure="actions", sponsor=str(sponsor_id), result=r)
            for r in P.ACTION_RESULTS
        }
        rows.append(Row({"sponsor": name, "area": area_name, **counts}, row_links))
    rows.append(Row({"sponsor": "All sponsors", "area": "All areas", **action_totals},
                    {r: {"figure": "actions", "result": r} for r in P.ACTION_RESULTS}))
    run.tables["sponsor_actions"] = Table(
        "sponsor_actions", "Sponsor actions",
        "Sponsor actions due in the period, by sponsor and area. Overdue: still open after "
        "the due date. The tag filter does not apply; the organisation is the sponsor's.",
        [Column("sponsor", "Sponsor", "text"), Column("area", "Area", "text"),
         Column("open", "Open, not yet due"), Column("overdue", "Overdue"),
         Column("done_on_time", "Done on time"), Column("done_late", "Done late"),
         Column("dropped", "Dropped")],
        rows,
    )
    return action_totals


# ---------------------------------------------------------------- recurring themes


def _themes_tables(run: _Run) -> None:
    raised = P.raised_blockers(run.f)
    tag_rows = db.session.execute(
        select(Tag.slug, Tag.name, func.count(func.distinct(raised.c.item_id)).label("n"))
        .select_from(raised)
        .join(item_tags, item_tags.c.item_id == raised.c.item_id)
        .join(Tag, Tag.id == item_tags.c.tag_id)
        .group_by(Tag.slug, Tag.name)
        .order_by(func.count(func.distinct(raised.c.item_id)).desc(), Tag.name)
        .limit(TOP_THEMES)
    ).all()
    run.tables["themes_tags"] = Table(
        "themes_tags", "Recurring themes: tags with the most blockers",
        "Blockers raised in the period, by the framework feature or outcome they were "
        "tagged with.",
        [Column("tag", "Tag", "text"), Column("blockers", "Blockers raised")],
        [Row({"tag": r.name, "blockers": r.n},
             {"blockers": {"figure": "raised", "tag": r.slug}}) for r in tag_rows],
    )
    links = P.area_links(run.f)
    area_rows = db.session.execute(
        select(links.c.area_id, func.count(func.distinct(raised.c.item_id)).label("n"))
        .select_from(raised)
        .join(links, links.c.item_id == raised.c.item_id)
        .group_by(links.c.area_id)
        .order_by(func.count(func.distinct(raised.c.item_id)).desc(), links.c.area_id)
        .limit(TOP_THEMES)
    ).all()
    area_rows = sorted(area_rows, key=lambda r: (-r.n, run.area_name(r.area_id)))
    run.tables["themes_areas"] = Table(
        "themes_areas", "Recurring themes: areas with the most blockers",
        "Blockers raised in the period, by the areas they affect.",
        [Column("area", "Area", "text"), Column("blockers", "Blockers raised")],
        [Row({"area": run.area_name(r.area_id), "blockers": r.n},
             {"blockers": run.area_link(r.area_id, figure="raised")}) for r in area_rows],
    )


def _recent_adopted(milestones) -> list[dict]:
    """The ideas adopted most recently (titles only: no people, no item detail)."""
    adopted = db.session.execute(
        select(Item.id, Item.title, LocalArea.name.label("area"), milestones.c.at)
        .join(milestones, milestones.c.item_id == Item.id)
        .join(LocalArea, LocalArea.id == Item.area_id)
        .where(milestones.c.state == "adopted")
        .order_by(milestones.c.at.desc(), Item.id.desc())
        .limit(RECENT_ADOPTED)
    ).all()
    return [
        {"id": r.id, "title": r.title, "area": r.area,
         "on": workdays.london_date(r.at).isoformat()} for r in adopted
    ]


# ---------------------------------------------------------------- headline


def _headline(run: _Run, unblocked: _Unblocked, open_now: _OpenNow, ideas: _Ideas,
              action_totals: dict) -> None:
    fig = run.fig
    all_times = unblocked.times.get("all", {MEDIAN: None, P90: None})
    fig("unblocked", "Blockers unblocked", unblocked.total, link={"figure": "unblocked"})
    for t in TIERS:
        fig(f"share_{t}", f"Unblocked at {TIER_LABELS[t]}",
            share(unblocked.tier_totals[t], unblocked.total), "percent",
            {"figure": "unblocked", "tier": t})
    fig("median_days", "Working days to unblock: half were unblocked within", all_times[MEDIAN], "days",
        {"figure": "unblocked"})
    fig("p90_days", "Working days to unblock: 9 in 10 were unblocked within", all_times[P90], "days",
        {"figure": "unblocked"})
    totals = open_now.totals
    fig("open", "Open blockers now", totals["open"], link={"figure": "open"})
    fig("overdue", "Overdue now", totals["overdue"], link={"figure": "open", "flag": "overdue"})
    fig("paused", "Paused now", totals["paused"], link={"figure": "open", "flag": "paused"})
    fig("systemic", "Systemic blockers open", totals["systemic"],
        link={"figure": "open", "flag": "systemic"})
    fig("reopened", "Reopened after unblocking", open_now.reopened, link={"figure": "reopened"})
    for key, label, n, link in ideas.rows:
        fig(f"ideas_{key}", f"Ideas {label[0].lower()}{label[1:]}", n, link=link)
    fig("ideas_median_days_to_decision", "Working days to decide an idea: half were decided within",
        ideas.to_decision[MEDIAN], "days", {"figure": "decision_times"})
    fig("actions_open", "Sponsor actions due in the period and still open",
        action_totals["open"] + action_totals["overdue"],
        link={"figure": "actions", "result": "open_or_overdue"})
    fig("actions_overdue", "Sponsor actions due in the period and now overdue",
        action_totals["overdue"],
        link={"figure": "actions", "result": "overdue"})
    fig("actions_done_on_time", "Sponsor actions done on time", action_totals["done_on_time"],
        link={"figure": "actions", "result": "done_on_time"})

