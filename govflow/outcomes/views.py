"""/outcomes: the outcome indicators (trends against target, charts with tables beside them),
entering and importing figures, what families told us; the weekly report's subscription
(from the account page), the public page and its switch."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from govflow import workdays
from govflow.accounts.models import LocalArea
from govflow.clock import utcnow
from govflow.csvexport import csv_response
from govflow.dashboard import charts
from govflow.domain_errors import Forbidden
from govflow.extensions import db
from govflow.form_flow import attempt
from govflow.outcomes import queries, services
from govflow.outcomes.forms import (
    FamilyFeedbackForm,
    FigureForm,
    ImportForm,
    PublicPageForm,
    SubscriptionForm,
)
from govflow.outcomes.models import ReportSubscription
from govflow.permissions import can
from govflow.workflow import vocabulary

bp = Blueprint("outcomes", __name__)
QUARTERS_SHOWN = 4
MAX_UPLOAD_BYTES = 1_000_000
CSV_LIMIT = 10_000


def _user():
    return current_user._get_current_object()


def _require(action: str, obj=None):
    """The person signed in, if the access policy lets them do `action` (403 if not)."""
    user = _user()
    if not can(user, action, obj):
        abort(403)
    return user


def _areas() -> list[LocalArea]:
    return db.session.scalars(select(LocalArea).order_by(LocalArea.name)).all()


def _number(value) -> str:
    if value is None:
        return "no figure"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def trend_chart(trend: queries.IndicatorTrend, index: int) -> charts.Chart:
    """Baseline, each quarter's figure and the target as bars, their numbers said in words."""
    rows = [("Baseline", {"baseline": trend.baseline})]
    rows += [(p.label, {"figure": p.value}) for p in trend.points]
    rows.append(("Target", {"target": trend.target}))
    chart = charts.bar_chart(
        f"chart-indicator-{index}", f"{trend.name}: figures against the target", rows,
        [("baseline", "Baseline"), ("figure", "Figure"), ("target", "Target")],
        describe_total=False)
    words = [f"Baseline {_number(trend.baseline)}."]
    words += [f"{p.label}: {_number(p.value)}." for p in trend.points]
    words.append(f"Target {_number(trend.target)}. {trend.better_words}. {trend.status}.")
    chart.description = " ".join(words)
    return chart


def indicator_context(area: LocalArea | None) -> dict:
    """What the indicator section (on /outcomes, the dashboard and the report) renders."""
    today = workdays.london_date(utcnow())
    trends = queries.indicator_trends(today, area.id if area else None, QUARTERS_SHOWN)
    return {"trends": trends, "trend_charts": [trend_chart(t, i) for i, t in enumerate(trends)],
            "number": _number, "scope_name": area.name if area else "the whole partnership"}


def _area_from_args() -> tuple[LocalArea | None, list[LocalArea], str | None]:
    areas = _areas()
    slug = (request.args.get("area") or "").strip()
    if not slug:
        return None, areas, None
    found = next((a for a in areas if a.slug == slug), None)
    return found, areas, None if found else "Choose an area from the list"


@bp.get("/outcomes")
@login_required
def index():
    _require("outcomes.view")
    area, areas, area_error = _area_from_args()
    return render_template(
        "outcomes/index.html", page_title="Outcome indicators", areas=areas, area=area,
        area_error=area_error, may_enter=can(current_user, "outcomes.enter_figures"),
        **indicator_context(area))


@bp.get("/outcomes/figures.csv")
@login_required
def figures_csv():
    """Every figure (or one area's), with the import file's columns first, so a downloaded
    file can be corrected and imported again."""
    _require("outcomes.view")
    area, _areas_, area_error = _area_from_args()
    if area_error:
        abort(404)
    rows = queries.figures_for_export(area.id if area else None)
    return csv_response(
        f"govflow-outcome-figures-{area.slug if area else 'all-areas'}",
        [*services.CSV_COLUMNS, "indicator name", "area name"],
        [[r.indicator, r.area, r.quarter, r.value, r.indicator_name, r.area_name] for r in rows])


@bp.route("/outcomes/figures/new", methods=["GET", "POST"])
@login_required
def new_figure():
    user = _require("outcomes.enter_figures")
    form = FigureForm()
    form.indicator.choices = [("", "Choose an indicator")] + queries.indicator_options()
    form.area.choices = [("", "Choose an area")] + [
        (a.slug, a.name) for a in _areas() if can(user, "outcomes.enter_figures", a)]
    tried = attempt(form, lambda: services.record_figure(
        user, indicator_slug=form.indicator.data, area_slug=form.area.data,
        quarter=form.quarter.data or "", value=form.value.data or ""))
    if tried.done:
        figure = tried.result
        flash(f"Figure saved: {_number(figure.value)} for {services.quarters.label(figure.quarter)}.",
              "success")
        return redirect(url_for("outcomes.index"))
    return render_template("outcomes/new_figure.html", page_title="Enter a figure",
                           form=form), tried.status


@bp.route("/outcomes/figures/import", methods=["GET", "POST"])
@login_required
def import_figures():
    _require("outcomes.enter_figures")
    form = ImportForm()
    row_errors, status, message = [], 200, None
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(MAX_UPLOAD_BYTES + 1) if upload else b""
        if not data:
            form.file.errors = ["Choose a CSV file"]
            status = 400
        elif len(data) > MAX_UPLOAD_BYTES:
            form.file.errors = ["The file must be smaller than 1 MB"]
            status = 400
        else:
            try:
                count = services.import_figures(_user(), data.decode("utf-8"))
            except UnicodeDecodeError:
                form.file.errors = ["The file must be a CSV file saved as UTF-8"]
                status = 400
            except Forbidden:
                abort(403)
            except services.ImportRejected as err:
                row_errors, message, status = err.row_errors, err.message, err.status
                form.file.errors = [err.message]
            else:
                flash(f"{count} figure{'s' if count != 1 else ''} imported.", "success")
                return redirect(url_for("outcomes.index"))
    elif request.method == "POST":
        status = 400
    return render_template("outcomes/import.html", page_title="Import figures", form=form,
                           row_errors=row_errors, message=message,
                           columns=services.CSV_COLUMNS,
                           indicators=queries.indicator_options()), status


@bp.get("/outcomes/families")
@login_required
def families():
    _require("families.view")
    area, areas, area_error = _area_from_args()
    rows = queries.family_feedback(_user(), area_id=area.id if area else None)
    return render_template(
        "outcomes/families.html", page_title="What families told us", rows=rows, areas=areas,
        area=area, area_error=area_error, may_record=can(current_user, "families.record"),
        state_tags=vocabulary.state_tags(), kind_labels=vocabulary.kind_labels())


@bp.get("/outcomes/families.csv")
@login_required
def families_csv():
    """What families told us (all areas or one), with the blockers and ideas it led to that
    this person may see."""
    _require("families.view")
    area, _areas_, area_error = _area_from_args()
    if area_error:
        abort(404)
    rows = queries.family_feedback(_user(), area_id=area.id if area else None,
                                   limit=CSV_LIMIT)
    return csv_response(
        f"govflow-what-families-told-us-{area.slug if area else 'all-areas'}",
        ["Area", "Date", "Session", "Families heard", "Themes", "Quotes", "Led to"],
        [[r.area, r.heard_on, r.session, r.families_heard, r.themes, "\n".join(r.quotes),
          "; ".join(f"{i.kind} {i.id}: {i.title}" for i in r.items)] for r in rows])


@bp.route("/outcomes/families/new", methods=["GET", "POST"])
@login_required
def new_family_feedback():
    user = _require("families.record")
    form = FamilyFeedbackForm()
    own = [a for a in _areas() if can(user, "families.record", a)]
    form.area.choices = [("", "Choose an area")] + [(a.slug, a.name) for a in own]
    form.items.choices = [(str(i.id), f"{i.title} ({vocabulary.kind_labels()[i.kind].lower()} "
                                      f"{i.id})")
                          for i in queries.linkable_items(
                              user, None if "admin" in user.roles else [a.id for a in own])]
    tried = attempt(form, lambda: services.record_family_feedback(
        user, area_slug=form.area.data, heard_on=form.heard_on.data,
        session=form.session.data or "", families_heard=form.families_heard.data or "",
        themes=form.themes.data or "", quotes=form.quotes.data or "",
        item_ids=[int(i) for i in form.items.data or []]), rollback=True)
    if tried.done:
        feedback = tried.result
        flash(f"Saved: {feedback.families_heard} families heard in {feedback.area.name} "
              f"on {workdays.format_date(feedback.heard_on)}.", "success")
        return redirect(url_for("outcomes.families"))
    return render_template("outcomes/new_family_feedback.html",
                           page_title="Record what families told us", form=form), tried.status


@bp.route("/account/progress-report", methods=["GET", "POST"])
@login_required
def subscriptions():
    user = _require("report.subscribe")
    form = SubscriptionForm()
    form.scopes.choices = services.subscription_scopes()
    if request.method == "GET":
        form.scopes.data = list(db.session.scalars(
            select(ReportSubscription.scope).where(ReportSubscription.user_id == user.id)))
    tried = attempt(form, lambda: services.set_subscriptions(user, form.scopes.data or []))
    if not tried.done:
        return render_template("outcomes/subscriptions.html",
                               page_title="Weekly progress report by email",
                               form=form), tried.status
    names = [words for scope, words in form.scopes.choices if scope in tried.result]
    flash(f"You will get the weekly progress report for: {', '.join(names)}." if names
          else "You will not get the weekly progress report.", "success")
    return redirect(url_for("accounts.account"))


@bp.route("/admin/public-page", methods=["GET", "POST"])
@login_required
def public_page_switch():
    _require("publication.manage")
    form = PublicPageForm()
    current = services.publication()
    status = 200
    if request.method == "GET":
        form.public_page.data = "on" if current.public_page else "off"
    elif form.validate_on_submit():
        row = services.set_public_page(_user(), form.public_page.data == "on")
        flash("The public page is on: anyone can read it at " + url_for("outcomes.public", _external=False)
              if row.public_page else "The public page is off.", "success")
        return redirect(url_for("outcomes.public_page_switch"))
    else:
        status = 400
    return render_template("outcomes/public_page_switch.html", page_title="Public page",
                           form=form, current=current), status


@bp.get("/public")
def public():
    """The partnership's figures for anyone, no sign-in: aggregates, indicators, adopted ideas."""
    row = db.session.get(services.Publication, 1)
    if row is None or not row.public_page:
        abort(404)
    from govflow.outcomes import public as public_figures

    return render_template("outcomes/public.html", page_title="Our progress",
                           **public_figures.context(), **indicator_context(None))
