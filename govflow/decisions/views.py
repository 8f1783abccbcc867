"""The decision log: every decision on blockers and ideas, filterable, exportable, correctable."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from govflow import workdays
from govflow.clock import utcnow
from govflow.csvexport import csv_response
from govflow.decisions import queries, services
from govflow.decisions.forms import CorrectDecisionForm
from govflow.decisions.models import REASON_CATEGORIES, Decision
from govflow.domain_errors import DomainError, Invalid, Refused, Unprocessable
from govflow.edge import id_or_none
from govflow.errors import Restricted
from govflow.extensions import db
from govflow.paging import pages_of
from govflow.permissions import can, can_view_item, correctable_entries
from govflow.records import roots

bp = Blueprint("decisions", __name__)

PAGE_SIZE = 25
LAST_PAGE = 10**9  # beyond any log; keeps the offset a number the database takes


def _user():
    return current_user._get_current_object()


def _reader() -> tuple:
    """The person reading the log (403 unless they may) and the filters they asked for."""
    user = _user()
    if not can(user, "decisions.view"):
        abort(403)
    return user, queries.DecisionFilters.from_args(request.args)


def meeting_url(meeting_id: int) -> str | None:
    """The meeting's page, when the forums feature is installed."""
    try:
        return url_for("forums.meeting", meeting_id=meeting_id)
    except BuildError:
        return None


def item_url(item_id: int) -> str:
    try:
        return url_for("items.show", item_id=item_id)
    except BuildError:  # the item pages are another feature; the log still works without
        return url_for("decisions.index", item=item_id)


def _filtered(user, filters):
    query = queries.apply_filters(queries.visible_decisions(user), filters)
    raw = request.args.get("item", "")
    if raw:
        item_id = id_or_none(raw)
        if item_id is None:
            # No item could have that number: say so beside the filter, and list nothing.
            filters.errors["item"] = "Item must be an item number, like 42"
            item_id = 0
        query = query.where(Decision.item_id == item_id)
    return query


@bp.get("/decisions")
@login_required
def index():
    user, filters = _reader()
    query = _filtered(user, filters)
    try:
        page = min(max(1, int(request.args.get("page", 1))), LAST_PAGE)
    except ValueError:
        page = 1
    # The page and the count in one statement; a page past the last shows the last.
    decisions, total = queries.entries_page(query, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    shown = pages_of(total, page, PAGE_SIZE)
    if shown.page < page:
        decisions, total = queries.entries_page(query, shown.offset, PAGE_SIZE)
        shown = shown._replace(total=total)
    args = filters.as_args()
    if id_or_none(request.args.get("item")):
        args["item"] = request.args["item"]
    return render_template(
        "decisions/index.html",
        decisions=decisions,
        correctable=correctable_entries(user, decisions),
        filters=filters,
        options=queries.filter_options(),
        **shown.template_words(),
        url_for_page=lambda n: url_for("decisions.index", page=n, **args),
        csv_url=url_for("decisions.export", **args),
        meeting_url=meeting_url,
        item_url=item_url,
        page_title="Decision log",
    ), (400 if filters.errors else 200)


CSV_HEADER = (
    "Decision", "Item", "Type", "Title", "Area", "Tier", "Outcome", "What was decided",
    "Reasons", "Main reason for saying no", "Why not", "What would make it a yes", "Conditions",
    "Review date", "Alternatives considered", "Conflicts declared", "Decided by", "By default",
    "Decided at (UK time)", "Recorded at (UK time)", "Why recorded late", "Forum", "Meeting",
    "Corrects decision", "Superseded by decision", "Link",
)


def decided_by_words(d: Decision) -> str:
    """The decider's name, and whom they stood in for as deputy."""
    if d.decided_by is None:
        return ""
    if d.deputy_for_name:
        return f"{d.decided_by.display_name} as deputy for {d.deputy_for_name}"
    return d.decided_by.display_name


def csv_row(d: Decision) -> list:
    def uk(dt):
        return workdays.to_london(dt).replace(tzinfo=None) if dt else None

    return [
        d.id, d.item_id, d.item.kind.capitalize(), d.item.title, d.item.area.name,
        d.tier.capitalize(), queries.OUTCOME_LABELS.get(d.outcome, d.outcome), d.summary,
        d.rationale, REASON_CATEGORIES.get(d.reason_category or "", ""), d.why_not,
        d.what_would_make_yes, d.conditions, d.review_on, d.alternatives, d.conflicts,
        decided_by_words(d), d.by_default, uk(d.decided_at),
        uk(d.recorded_at), d.delay_explanation,
        d.meeting.forum.name if d.meeting else "",
        uk(d.meeting.starts_at) if d.meeting else None,
        d.supersedes_id, d.superseded_by.id if d.superseded_by else None,
        item_url(d.item_id),
    ]


@bp.get("/decisions/export.csv")
@login_required
def export():
    user, filters = _reader()
    query = queries.with_details(queries.newest_first(_filtered(user, filters)))
    rows = (csv_row(d) for d in db.session.scalars(query).unique())
    stamp = workdays.london_date(utcnow()).isoformat()
    # The day's record root after the rows: a witness that `govflow verify-export` checks.
    return csv_response(f"decision-log-{stamp}.csv", CSV_HEADER, rows,
                        footer=[roots.root_line()])


def _load(decision_id: int) -> Decision:
    decision = db.session.get(Decision, decision_id)
    if decision is None:
        abort(404)
    if not can_view_item(_user(), decision.item):
        raise Restricted(decision.item)
    return decision


@bp.get("/decisions/<int:decision_id>")
@login_required
def show(decision_id: int):
    decision = _load(decision_id)
    chain = [decision]
    while chain[0].supersedes is not None:
        chain.insert(0, chain[0].supersedes)
    while chain[-1].superseded_by is not None:
        chain.append(chain[-1].superseded_by)
    entries = queries.entries_by_id([d.id for d in reversed(chain)])
    return render_template(
        "decisions/show.html",
        decision=decision,
        chain=entries,
        correctable=correctable_entries(_user(), entries),
        meeting_url=meeting_url,
        item_url=item_url,
        page_title=f"Decision {decision.id}",
    )


@bp.route("/decisions/<int:decision_id>/correct", methods=["GET", "POST"])
@login_required
def correct(decision_id: int):
    decision = _load(decision_id)
    user = _user()
    if decision.superseded_by is not None:
        flash(f"Decision {decision.id} has already been corrected by decision "
              f"{decision.superseded_by.id}. Correct that one instead.", "notice")
        return redirect(url_for("decisions.show", decision_id=decision.superseded_by.id))
    if not services.may_correct(user, decision):
        abort(403)
    form = CorrectDecisionForm()
    status = 200
    if request.method == "GET":
        for name in CorrectDecisionForm.TEXT_FIELDS:
            getattr(form, name).data = getattr(decision, name)
        form.reason_category.data = decision.reason_category or ""
        form.review_on.data = decision.review_on
        form.decided_at.data = workdays.london_date(decision.decided_at)
    elif form.validate_on_submit():
        values = {name: getattr(form, name).data or "" for name in CorrectDecisionForm.TEXT_FIELDS}
        values["reason_category"] = form.reason_category.data or None
        values["review_on"] = form.review_on.data
        values["decided_at"] = _decided_at(decision, form.decided_at.data)
        try:
            correction = services.correct_decision(
                decision, user, correction_reason=form.correction_reason.data, values=values
            )
        except Refused as err:
            db.session.rollback()
            flash(err.message, "notice")
            return redirect(url_for("decisions.show", decision_id=decision.id))
        except (Invalid, Unprocessable) as err:
            db.session.rollback()
            put_errors(form, err)
            status = err.status
        else:
            flash(f"Correction recorded as decision {correction.id}. Decision {decision.id} "
                  "stays in the log, struck through.", "success")
            return redirect(url_for("decisions.show", decision_id=correction.id))
    else:
        status = 400
    return render_template(
        "decisions/correct.html", form=form, decision=decision, item_url=item_url,
        page_title=f"Correct decision {decision.id}",
    ), status


def _decided_at(decision, day):
    """Keep the original moment when the day is unchanged; otherwise noon UK time that day."""
    from datetime import UTC, datetime, time

    if day is None or day == workdays.london_date(decision.decided_at):
        return decision.decided_at
    noon = datetime.combine(day, time(12), tzinfo=workdays.LONDON)
    return noon.astimezone(UTC).replace(tzinfo=None)


def put_errors(form, err: DomainError) -> None:
    """Show a service's field errors beside the form's fields (others go at the top)."""
    for name, message in (err.field_errors or {}).items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors or []) + [message]
        else:
            form.form_errors.append(message)
    if not err.field_errors:
        form.form_errors.append(err.message)
