"""The "What we've learnt" library and "Try this in my area"."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from sqlalchemy import select
from wtforms import RadioField, SubmitField

from govflow import workdays
from govflow.accounts.models import LocalArea
from govflow.clock import utcnow
from govflow.csvexport import csv_response
from govflow.domain_errors import Forbidden, Invalid, Refused, Unprocessable
from govflow.edge import page_number
from govflow.errors import Restricted
from govflow.extensions import db
from govflow.items.models import Item, Tag
from govflow.items.queries import load_item
from govflow.learning import queries, services
from govflow.paging import pages_of
from govflow.permissions import can, can_view_item

bp = Blueprint("learning", __name__)

PAGE_SIZE = 20
AGREEMENTS_SHOWN = 10


def _user():
    return current_user._get_current_object()


def _options() -> dict:
    tags = db.session.scalars(select(Tag).order_by(Tag.position)).all()
    return {
        "kinds": [("idea", "Ideas adopted or stopped"), ("blocker", "Blockers unblocked"),
                  ("agreement", "Agreements")],
        "outcomes": [(t.slug, t.name) for t in tags if t.kind == "outcome"],
        "features": [(t.slug, t.name) for t in tags if t.kind == "feature"],
        "areas": [(a.slug, a.name) for a in db.session.scalars(
            select(LocalArea).where(LocalArea.active).order_by(LocalArea.name))],
    }


def _reader_and_filters():
    """The person reading the library (403 unless they may) and the filters they asked for."""
    user = _user()
    if not can(user, "library.view"):
        abort(403)
    return user, queries.LibraryFilters.from_args(request.args)


@bp.get("/library")
@login_required
def library():
    user, filters = _reader_and_filters()
    entries, shown = [], pages_of(0, 1, PAGE_SIZE)
    if filters.kind != "agreement":
        query = queries.learnt_items(user, filters)
        shown = pages_of(queries.count_of(query), page_number(request.args.get("page")),
                         PAGE_SIZE)
        entries = queries.page_of(query, shown.offset, PAGE_SIZE)
    agreements, agreements_total = [], 0
    # Agreements carry no outcome or feature: a filter by either leaves them out.
    if filters.kind in (None, "agreement") and not (filters.outcomes or filters.features):
        from govflow.agreements import queries as agreement_queries

        found = agreement_queries.matching(q=filters.q, areas=filters.areas,
                                           made_from=filters.learnt_from,
                                           made_to=filters.learnt_to)
        agreements_total = agreement_queries.count_of(found)
        agreements = agreement_queries.page_of(
            found, 0, PAGE_SIZE if filters.kind == "agreement" else AGREEMENTS_SHOWN)
    args = filters.as_args()
    return render_template(
        "learning/library.html",
        filters=filters,
        options=_options(),
        entries=entries,
        **shown.template_words(),
        url_for_page=lambda n: url_for("learning.library", page=n, **args),
        agreements=agreements,
        agreements_total=agreements_total,
        register_url=url_for("agreements.index", **{k: v for k, v in args.items()
                                                    if k in ("q", "area")}),
        sees=lambda item: item is not None and can_view_item(user, item),
        csv_url=url_for("learning.export", **args),
        page_title="What we’ve learnt",
    ), (400 if filters.errors else 200)


CSV_LIMIT = 10_000
CSV_HEADER = ("Item", "Type", "Title", "Area", "State", "Learnt on (UK date)", "What happened",
              "What was learnt", "Recommendation", "What was done or why", "Decided by",
              "Tier", "Outcomes and features", "Also tried in", "Link")


@bp.get("/library/export.csv")
@login_required
def export():
    """The library's ideas and blockers matching the filters, as a spreadsheet."""
    user, filters = _reader_and_filters()
    entries = [] if filters.kind == "agreement" else queries.page_of(
        queries.learnt_items(user, filters), 0, CSV_LIMIT)
    rows = (_csv_row(e) for e in entries)
    stamp = workdays.london_date(utcnow()).isoformat()
    return csv_response(f"what-we-have-learnt-{stamp}.csv", CSV_HEADER, rows)


def _csv_row(entry) -> list:
    item, ev, d = entry.item, entry.evaluation, entry.decision
    learnt = item.unblocked_at or item.closed_at
    return [
        item.id, item.kind.capitalize(), item.title, item.area.name, item.state,
        workdays.london_date(learnt).isoformat() if learnt else "",
        ev.what_happened if ev else "", ev.what_learnt if ev else "",
        ev.recommendation if ev else "", d.rationale if d else "",
        (d.decided_by.display_name if d.decided_by else "By default") if d else "",
        d.tier.capitalize() if d else "", "; ".join(t.name for t in item.tags),
        "; ".join(f"{c.area_name} ({c.state})" for c in entry.copies if not c.restricted),
        url_for("items.show", item_id=item.id, _external=True),
    ]


class TryHereForm(FlaskForm):
    area = RadioField("Which area do you want to try it in?", widget=GovRadioInput(),
                      choices=[], validate_choice=False)
    submit = SubmitField("Propose it for this area", widget=GovSubmitInput())


def _load_adopted(item_id: int) -> Item:
    item = load_item(item_id)
    if item is None or item.kind != "idea":
        abort(404)
    if not can_view_item(_user(), item):
        raise Restricted(item)
    return item


@bp.route("/items/<int:item_id>/try-here", methods=["GET", "POST"])
@login_required
def try_here(item_id: int):
    """One step: propose this adopted idea in one's own area, filled in from it."""
    user = _user()
    original = _load_adopted(item_id)
    if not can(user, "idea.try_here", original):
        abort(403)
    areas = services.areas_to_try_in(user, original)
    form = TryHereForm()
    form.area.choices = [(a.slug, a.name) for a in areas]
    status = 200
    if request.method == "GET" and len(areas) >= 1:
        form.area.data = areas[0].slug
    if form.validate_on_submit():
        try:
            copy = services.try_in_area(user, original, form.area.data)
        except Forbidden:
            abort(403)
        except (Invalid, Unprocessable, Refused) as err:
            db.session.rollback()
            for name, message in (err.field_errors or {}).items():
                getattr(form, name, form.area).errors = [message]
            if not err.field_errors:
                form.form_errors.append(err.message)
            status = err.status
        else:
            flash(f"Proposed in {copy.area.name}: {copy.title}. The original's evaluation is "
                  "shown to whoever decides it.", "success")
            return redirect(url_for("items.show", item_id=copy.id))
    elif request.method == "POST":
        status = 400
    evaluations = queries.evaluations_of([original.id])
    return render_template(
        "learning/try_here.html", form=form, item=original, areas=areas,
        adopted=original.state == queries.adopted_state(),
        evaluation=evaluations.get(original.id),
        copies=queries.copies_of([original.id]).get(original.id, []),
        page_title=f"Try this in your area: {original.title}",
    ), status


# --- what an idea's page shows (templates/learning/_idea_spread.html) ---------------------


def idea_learning(item: Item) -> dict:
    """For an idea's page: where it came from (and that idea's evaluation) and where it has
    been tried since, with each copy's state; and whether this person can try it here."""
    user = _user()
    origin = queries.original_of(item.id)
    facts = {"origin": None, "copies": [], "try_url": None}
    if origin is not None and can_view_item(user, origin.original):
        original = origin.original
        facts["origin"] = {
            "item": original,
            "evaluation": queries.evaluations_of([original.id]).get(original.id),
            "decision": queries.learning_decisions([original.id]).get(original.id),
        }
    facts["copies"] = [c for c in queries.copies_of([item.id]).get(item.id, [])
                       if not c.restricted or can_view_item(user, db.session.get(Item, c.copy_id))]
    if (item.state == queries.adopted_state() and can(user, "idea.try_here", item)
            and services.areas_to_try_in(user, item)):
        facts["try_url"] = url_for("learning.try_here", item_id=item.id)
    return facts


@bp.app_context_processor
def _learning_helpers() -> dict:
    return {"idea_learning": idea_learning}
