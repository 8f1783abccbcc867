"""/dashboard: the figures, their charts and tables, CSV exports, the lists behind them and
the one-page progress report PDF. Every output renders the one metrics.report.compute()."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from math import ceil
from typing import NamedTuple

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from govflow import links, workdays
from govflow.accounts.models import LocalArea
from govflow.clock import utcnow
from govflow.csvexport import csv_response
from govflow.dashboard import charts, kept
from govflow.extensions import db
from govflow.items.models import Item, ItemArea
from govflow.items.queries import visibility_clause
from govflow.learning import queries as learning_queries
from govflow.metrics import filters as metric_filters
from govflow.metrics import lists, report
from govflow.permissions import can
from govflow.sponsors.models import SponsorAction
from govflow.workflow import vocabulary

bp = Blueprint("dashboard", __name__)


def item_url(item_id: int) -> str:
    """An item's page (another feature's), or its "we have this too" page without it."""
    from govflow.systemic.views import _item_url

    return _item_url(item_id)


def item_urls():
    """item_url for a page of many items (govflow.links.numbered)."""
    return links.numbered(item_url)

PER_PAGE = 25
CSV_LIMIT = 10_000
SYSTEMIC_LIMIT = 20
# How far adopted ideas have spread (govflow/learning): the most tried first.
SPREAD_LIMIT = 20
# The progress report is one page: its month chart shows at most the last year.
PDF_MONTHS = 12
# Sections in page order: (heading, [table keys]).
SECTIONS = [
    ("Handled as locally as possible", ["handled_locally", "handled_locally_by_area",
                                        "handled_locally_by_month"]),
    ("How long unblocking takes", ["time_to_unblock"]),
    ("Open blockers now", ["open_by_tier", "open_by_area"]),
    ("Ideas", ["ideas", "ideas_declined_by_reason"]),
    ("Sponsor actions", ["sponsor_actions"]),
    ("Recurring themes", ["themes_tags", "themes_areas"]),
]
TIER_SERIES = [("bronze", "Bronze"), ("silver", "Silver"), ("gold", "Gold")]


@bp.before_request
@login_required
def _signed_in():
    if not can(current_user, "dashboard.view"):
        abort(403)


class ReadFilters(NamedTuple):
    """The filters as asked for (`parsed`, what was typed), what was wrong with them, the
    filters applied, and the choices the page offers: what the dashboard's form shows."""

    parsed: metric_filters.ParsedFilters
    errors: dict
    filters: metric_filters.MetricFilters
    options: dict


def read_filters(args, now) -> ReadFilters:
    """Parse the filters and check they name real things (no figures computed yet).

    A filter that names nothing is reported and left out, so the page still shows figures.
    """
    parsed = metric_filters.parse(args, workdays.london_date(now))
    options = report.load_options()
    unknown = report.unknown_filters(parsed.filters, options)
    f = parsed.filters
    if unknown:
        known_areas = {a["slug"] for a in options["areas"]}
        f = metric_filters.MetricFilters(
            areas=tuple(a for a in f.areas if a in known_areas),
            organisation=None if "organisation" in unknown else f.organisation,
            tag=None if "tag" in unknown else f.tag,
            date_from=f.date_from, date_to=f.date_to,
        )
    return ReadFilters(parsed, {**parsed.errors, **unknown}, f, options)


def load_report(args):
    """Parse and check the filters, then compute the report."""
    now = utcnow()
    read = read_filters(args, now)
    return read.parsed, read.errors, report.compute(read.filters, now, read.options)


def figure_url(rep: report.Report, params: dict | None, endpoint: str = "dashboard.items"):
    """The list behind a figure: the report's filters, overridden by the figure's own."""
    if not params:
        return None
    args = rep.filters.query_args()
    args.update(params)
    return url_for(endpoint, **args)


def table_csv_url(rep: report.Report, key: str) -> str:
    return url_for("dashboard.table_csv", key=key, **rep.filters.query_args())


def build_charts(rep: report.Report, last_months: int | None = None) -> dict[str, charts.Chart]:
    """Charts from the report's tables; `last_months` keeps the month chart to the most
    recent months (the one-page PDF), the table keeps them all."""
    t = rep.tables
    month_rows = t["handled_locally_by_month"].rows
    if last_months:
        month_rows = month_rows[-last_months:]
    out = {}
    shares = [(r.values["tier"], {"count": r.values["share"]})
              for r in t["handled_locally"].rows[:3]]
    out["handled_locally"] = charts.bar_chart(
        "chart-handled-locally", "Share of blockers unblocked at each tier", shares,
        [("count", "Share unblocked")], unit="%")
    out["handled_locally_by_area"] = charts.bar_chart(
        "chart-handled-by-area", "Blockers unblocked at each tier, by area",
        [(r.values["area"], r.values) for r in t["handled_locally_by_area"].rows], TIER_SERIES)
    out["handled_locally_by_month"] = charts.bar_chart(
        "chart-handled-by-month", "Blockers unblocked at each tier, by month",
        [(r.values["month"], r.values) for r in month_rows], TIER_SERIES)
    out["time_to_unblock"] = charts.bar_chart(
        "chart-time-to-unblock", "Working days from raising to unblocking, by tier reached",
        [(r.values["tier"], r.values) for r in t["time_to_unblock"].rows],
        [("median", "Half within"), ("p90", "9 in 10 within")], stacked=False)
    out["open_by_area"] = charts.bar_chart(
        "chart-open-by-area", "Open blockers now at each tier, by area",
        [(r.values["area"], r.values) for r in t["open_by_area"].rows], TIER_SERIES)
    out["open_by_tier"] = charts.bar_chart(
        "chart-open-by-tier", "Open, overdue and paused blockers now, by tier",
        [(r.values["tier"], r.values) for r in t["open_by_tier"].rows[:3]],
        [("open", "Open"), ("overdue", "Overdue"), ("paused", "Paused")], stacked=False)
    out["ideas"] = charts.bar_chart(
        "chart-ideas", "Ideas in the period",
        [(r.values["measure"].split(" (")[0], {"count": r.values["count"]})
         for r in t["ideas"].rows], [("count", "Ideas")])
    out["themes_tags"] = charts.bar_chart(
        "chart-themes-tags", "Tags with the most blockers raised",
        [(r.values["tag"], {"count": r.values["blockers"]}) for r in t["themes_tags"].rows],
        [("count", "Blockers raised")])
    out["themes_areas"] = charts.bar_chart(
        "chart-themes-areas", "Areas with the most blockers raised",
        [(r.values["area"], {"count": r.values["blockers"]}) for r in t["themes_areas"].rows],
        [("count", "Blockers raised")])
    return out


@dataclass(frozen=True)
class SystemicBlocker:
    id: int
    title: str
    tier: str
    state: str
    areas: list[str]  # its own area first, then those added, in the order they were added


def systemic_blockers(user, filters: metric_filters.MetricFilters) -> list[SystemicBlocker]:
    """Open systemic blockers this person may see, most areas first.

    Always two statements (the blockers with their own area; the areas added to them), so
    the page costs the same whether or not there are any.
    """
    from govflow.metrics.populations import item_clauses

    rows = db.session.execute(
        select(Item.id, Item.title, Item.tier, Item.state, LocalArea.name.label("area"))
        .join(LocalArea, LocalArea.id == Item.area_id)
        .where(Item.systemic, Item.state.in_(vocabulary.waiting_states("blocker")),
               visibility_clause(user), *item_clauses(filters, "blocker"))
        # In the order of ix_items_systemic: read from it, no sort.
        .order_by(Item.areas_added.desc(), Item.created_at, Item.id)
        .limit(SYSTEMIC_LIMIT)
    ).all()
    added: dict[int, list[str]] = {}
    for item_id, name in db.session.execute(
        select(ItemArea.item_id, LocalArea.name)
        .join(LocalArea, LocalArea.id == ItemArea.area_id)
        .where(ItemArea.item_id.in_([r.id for r in rows]))
        .order_by(ItemArea.id)
    ):
        added.setdefault(item_id, []).append(name)
    return [SystemicBlocker(r.id, r.title, r.tier, r.state, [r.area, *added.get(r.id, [])])
            for r in rows]


def figures_html(f: metric_filters.MetricFilters, now, options) -> tuple[Markup, datetime]:
    """The page's figures, tables and charts, rendered, and the moment they were worked out.

    They are the same for everyone with these filters (partnership-wide counts; the lists
    behind them apply each person's visibility), so they are kept for a short while
    (govflow.dashboard.kept) instead of being recomputed for every visitor.
    """
    if kept.seconds() <= 0:
        return _render_figures(f, now, options), now
    key = kept.key_for(f.query_args(), workdays.london_date(now), kept.data_version())
    figures = kept.fetch(key)
    if figures is None:
        # One process works them out; others asking for the same figures meanwhile wait for
        # it and then find them kept, rather than all computing them at once.
        with kept.working_on(key):
            figures = kept.fetch(key)
            if figures is None:
                figures = {"html": str(_render_figures(f, now, options)), "at": now.isoformat()}
                kept.keep(key, figures)
    # Our own autoescaped render, kept as text in our own store.
    return Markup(figures["html"]), datetime.fromisoformat(figures["at"])  # noqa: S704


def _render_figures(f: metric_filters.MetricFilters, now, options) -> Markup:
    """The figures, tables and charts, then the outcome indicators against target: both the
    same for everyone with these filters."""
    rep = report.compute(f, now, options)
    return Markup(render_template(  # noqa: S704 - render_template's autoescaped output
        "dashboard/_figures.html",
        rep=rep,
        sections=SECTIONS,
        charts=build_charts(rep),
        figure_url=lambda params: figure_url(rep, params),
        csv_url=lambda key: table_csv_url(rep, key),
        **_outcomes(f),
    ))


@bp.get("/dashboard")
def index():
    now = utcnow()
    read = read_filters(request.args, now)
    f = read.filters
    figures, figures_at = figures_html(f, now, read.options)
    return render_template(
        "dashboard/index.html",
        page_title="Dashboard",
        **read._asdict(),
        figures=figures,
        figures_at_text=f"{workdays.format_time(figures_at)} on {workdays.format_date(figures_at)}",
        systemic=systemic_blockers(current_user, f),
        spread=learning_queries.spread(current_user, limit=SPREAD_LIMIT),
        item_url=item_urls(),
        pdf_url=url_for("dashboard.report_pdf", **f.query_args()),
        sections=SECTIONS,
    )


def _outcomes(f: metric_filters.MetricFilters) -> dict:
    """The outcome indicators against target: for the one area filtered on, else the whole
    partnership (govflow/outcomes)."""
    from govflow.outcomes.views import indicator_context

    area = None
    if len(f.areas) == 1:
        area = db.session.scalar(select(LocalArea).where(LocalArea.slug == f.areas[0]))
    return indicator_context(area)


@bp.get("/dashboard/<key>.csv")
def table_csv(key: str):
    _parsed, _errors, rep = load_report(request.args)
    table = rep.tables.get(key)
    if table is None:
        abort(404)
    f = rep.filters
    period = f"{f.date_from or 'start'}-to-{f.date_to or 'now'}"
    return csv_response(
        f"govflow-{key.replace('_', '-')}-{period}",
        [c.label for c in table.columns],
        [[r.values.get(c.key) for c in table.columns] for r in table.rows],
    )


def _figure_query(rep: report.Report, spec: lists.FigureSpec):
    ids = lists.ids(spec, rep.filters, rep.now)
    if spec.lists == "actions":
        return (select(SponsorAction).where(SponsorAction.id.in_(ids))
                .order_by(SponsorAction.due_on, SponsorAction.id)), None
    visible = select(Item).where(Item.id.in_(ids), visibility_clause(current_user))
    everyone = select(func.count()).select_from(ids.subquery())
    return visible.order_by(Item.id.desc()), everyone


def _figure_from_args(args):
    """The figure a list page or its CSV is about (404 if the arguments name none), the
    filters' errors, the report they make, and the figure's statement (with the count of
    everyone's rows, for items)."""
    spec = lists.FigureSpec.from_args(args)
    if spec is None:
        abort(404)
    _parsed, errors, rep = load_report_filters_only(args)
    query, everyone = _figure_query(rep, spec)
    rows_with = ([selectinload(SponsorAction.area), selectinload(SponsorAction.sponsor)]
                 if spec.lists == "actions" else [selectinload(Item.area)])
    return spec, errors, rep, query.options(*rows_with), everyone


@bp.get("/dashboard/items")
def items():
    """The list behind a dashboard figure (items, or sponsor actions), paginated."""
    spec, errors, rep, query, everyone = _figure_from_args(request.args)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, ceil(total / PER_PAGE))
    try:
        page = min(max(1, int(request.args.get("page", 1))), pages)
    except ValueError:
        page = 1
    rows = db.session.scalars(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    all_count = db.session.scalar(everyone) if everyone is not None else total
    args = {**rep.filters.query_args(), **spec.query_args()}
    return render_template(
        "dashboard/items.html",
        page_title=spec.heading(),
        spec=spec,
        rows=rows,
        total=total,
        all_count=all_count,
        page=page,
        pages=pages,
        rep=rep,
        errors=errors,
        url_for_page=lambda n: url_for("dashboard.items", page=n, **args),
        csv_url=url_for("dashboard.items_csv", **args),
        back_url=url_for("dashboard.index", **rep.filters.query_args()),
        item_url=item_urls(),
        due_text=lambda item: workdays.due_text(item.due_at, rep.now) if item.due_at else "",
    )


def load_report_filters_only(args):
    """Filters for a list page: parsed and checked like the dashboard's, without computing
    every figure (a list needs only its own population)."""
    now = utcnow()
    parsed = metric_filters.parse(args, workdays.london_date(now))
    options = report.load_options()
    errors = {**parsed.errors, **report.unknown_filters(parsed.filters, options)}
    area_names = {a["slug"]: a["name"] for a in options["areas"]}
    rep = report.Report(parsed.filters, now, {}, {}, [], area_names, options)
    return parsed, errors, rep


@bp.get("/dashboard/items.csv")
def items_csv():
    spec, _errors, _rep, query, _everyone = _figure_from_args(request.args)
    rows = db.session.scalars(query.limit(CSV_LIMIT)).all()
    if spec.lists == "actions":
        return csv_response(
            f"govflow-{spec.figure}",
            ["Action", "What", "Area", "Sponsor", "Due", "Status"],
            [[a.id, a.what, a.area.name, a.sponsor.display_name, a.due_on, a.status]
             for a in rows],
        )
    return csv_response(
        f"govflow-{spec.figure}",
        ["Item", "Kind", "Title", "Area", "State", "Tier", "Systemic", "Raised"],
        [[i.id, i.kind, i.title, i.area.name, i.state, i.tier, i.systemic, i.created_at]
         for i in rows],
    )


@bp.get("/dashboard/report.pdf")
def report_pdf():
    """The progress report: headline figures, two charts, themes, adopted ideas on the first
    page; the outcome indicators and "You said, we did" on the second.

    Figures only on the first page; ?detail=1 adds the systemic blockers' titles and the
    sponsors' names.
    """
    pdf, name = progress_report_pdf(request.args, current_user)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{name}"',
        "Cache-Control": "no-store",
    })


def progress_report_pdf(args, user, *, public: bool = False) -> tuple[bytes, str]:
    """The report's PDF and file name for these filters, as this person may see it (the page
    above, and the weekly email rendered for each person who subscribed)."""
    from govflow.outcomes import report as outcomes_report
    from govflow.pdf import render_pdf

    _parsed, _errors, rep = load_report(args)
    detail = args.get("detail") == "1"
    chart_set = build_charts(rep, last_months=PDF_MONTHS)
    f = rep.filters
    area_names = [rep.area_names.get(a, a) for a in f.areas]
    scope = ", ".join(area_names) if area_names else "All areas"
    period = _period_words(f)
    title = f"Progress report: {scope}, {period}"
    pdf = render_pdf(
        "print/progress_report.html",
        title=title,
        rep=rep,
        scope=scope,
        period=period,
        charts=chart_set,
        detail=detail,
        systemic=systemic_blockers(user, rep.filters) if detail else [],
        spread={row.id: row for row in learning_queries.spread(
            user, ids=[idea["id"] for idea in rep.recent_adopted])},
        generated=workdays.format_datetime(rep.now),
        created=rep.now,
        **outcomes_report.extras(user, f.areas, public=public),
    )
    name = f"govflow-progress-report-{f.date_from or 'start'}-to-{f.date_to or 'now'}.pdf"
    return pdf, name


def _period_words(f) -> str:
    if f.date_from and f.date_to:
        return f"{workdays.format_date(f.date_from)} to {workdays.format_date(f.date_to)}"
    if f.date_from:
        return f"since {workdays.format_date(f.date_from)}"
    if f.date_to:
        return f"up to {workdays.format_date(f.date_to)}"
    return "all time"
