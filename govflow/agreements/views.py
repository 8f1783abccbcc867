"""The agreements register: search it, read an agreement, add one, record its review."""

from __future__ import annotations

import math

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from govflow import workdays
from govflow.accounts.models import LocalArea, User
from govflow.agreements import queries, services
from govflow.agreements.forms import AgreementForm, ReviewForm
from govflow.agreements.models import AGREEMENT_KINDS, Agreement
from govflow.clock import utcnow
from govflow.domain_errors import StaleVersion
from govflow.edge import id_or_none, page_number
from govflow.extensions import db
from govflow.form_flow import attempt
from govflow.items.models import Item
from govflow.permissions import can, can_view_item

bp = Blueprint("agreements", __name__)

PAGE_SIZE = 25


def _user():
    return current_user._get_current_object()


def _require(action: str, obj=None) -> None:
    if not can(_user(), action, obj):
        abort(403)


def reminder_window() -> int:
    return int(current_app.config.get("AGREEMENT_REMINDER_WORKING_DAYS", 10))


def _many(name: str) -> list[str]:
    values = []
    for v in request.args.getlist(name):
        values.extend(p.strip() for p in v.split(",") if p.strip())
    return list(dict.fromkeys(values))[:20]


@bp.get("/agreements")
@login_required
def index():
    _require("agreements.view")
    q = (request.args.get("q") or "").strip()[:200]
    kinds = [k for k in _many("kind") if k in AGREEMENT_KINDS]
    areas = _many("area")
    query = queries.matching(q=q, kinds=kinds, areas=areas)
    total = queries.count_of(query)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(page_number(request.args.get("page")), pages)
    args = {k: v for k, v in {"q": q, "kind": kinds, "area": areas}.items() if v}
    return render_template(
        "agreements/index.html",
        agreements=queries.page_of(query, (page - 1) * PAGE_SIZE, PAGE_SIZE),
        q=q, kinds=kinds, areas=areas, total=total, page=page, pages=pages,
        kind_choices=list(AGREEMENT_KINDS.items()),
        area_choices=[(a.slug, a.name) for a in db.session.scalars(
            select(LocalArea).where(LocalArea.active).order_by(LocalArea.name))],
        url_for_page=lambda n: url_for("agreements.index", page=n, **args),
        filtered=bool(args),
        status_of=_status_of(),
        may_record=can(_user(), "agreement.record"),
        sees=lambda item: item is not None and can_view_item(_user(), item),
        page_title="Agreements register",
    )


def _status_of():
    today = workdays.london_date(utcnow())
    window = reminder_window()
    return lambda a: queries.status_of(a, today, window)


def _load(agreement_id: int) -> Agreement:
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None:
        abort(404)
    _require("agreement.view", agreement)
    return agreement


@bp.get("/agreements/<int:agreement_id>")
@login_required
def show(agreement_id: int):
    agreement = _load(agreement_id)
    user = _user()
    return render_template(
        "agreements/show.html",
        agreement=agreement,
        status=_status_of()(agreement),
        item_visible=can_view_item(user, agreement.item) if agreement.item else False,
        lapse_visible=can_view_item(user, agreement.lapse_item) if agreement.lapse_item else False,
        may_review=can(user, "agreement.review", agreement),
        page_title=agreement.title,
    )


def _fill(form: AgreementForm, user) -> None:
    form.kind.choices = list(AGREEMENT_KINDS.items())
    form.areas.choices = [(a.slug, a.name) for a in db.session.scalars(
        select(LocalArea).where(LocalArea.active).order_by(LocalArea.name))]
    people = db.session.scalars(select(User).where(User.active).order_by(User.display_name))
    form.owner.choices = [("", "Choose a person")] + [(str(p.id), p.display_name) for p in people]


@bp.route("/agreements/new", methods=["GET", "POST"])
@login_required
def new():
    user = _user()
    _require("agreement.record")
    form = AgreementForm()
    _fill(form, user)
    item = None
    raw_item = request.form.get("item_id") if request.method == "POST" else request.args.get("item")
    item_id = id_or_none(raw_item) if raw_item else None
    if item_id is not None:
        item = db.session.get(Item, item_id)
        if item is None or not can_view_item(user, item):
            item, item_id = None, None
    if request.method == "GET":
        form.owner.data = str(user.id)
        form.item_id.data = str(item_id or "")
        if item is not None:
            form.areas.data = [item.area.slug]
        elif user.home_area is not None:
            form.areas.data = [user.home_area.slug]
    tried = attempt(form, lambda: services.record_agreement(
        user, kind=form.kind.data, title=form.title.data, parties=form.parties.data,
        what_shared=form.what_shared.data, shared_with=form.shared_with.data or "",
        basis=form.basis.data or "", areas=form.areas.data or [],
        owner_id=id_or_none(form.owner.data), review_on=form.review_on.data,
        item_id=item_id), summary_only=("item_id",))
    if tried.done:
        flash(f"Added to the register: {tried.result.title}.", "success")
        return redirect(url_for("agreements.show", agreement_id=tried.result.id))
    return render_template("agreements/new.html", form=form, item=item,
                           page_title="Add an agreement to the register"), tried.status


@bp.route("/agreements/<int:agreement_id>/review", methods=["GET", "POST"])
@login_required
def review(agreement_id: int):
    agreement = _load(agreement_id)
    _require("agreement.review", agreement)
    form = ReviewForm()
    if request.method == "GET":
        form.version.data = str(agreement.version)
    tried = attempt(form, lambda: services.record_review(
        _user(), agreement, review_on=form.review_on.data, version=form.version.data or None),
        summary_only=("item_id",), stale=(StaleVersion,))
    if tried.done:
        flash(f"Review recorded: next review by {workdays.format_date(agreement.review_on)}.",
              "success")
        return redirect(url_for("agreements.show", agreement_id=agreement.id))
    return render_template("agreements/review.html", form=form, agreement=agreement,
                           problem=tried.problem,
                           page_title=f"Record a review: {agreement.title}"), tried.status


# --- what an item's page shows (templates/agreements/_for_item.html) ---------------------


def item_agreements(item: Item, has_some: bool = True) -> dict:
    """The agreements an item produced, and where to add one (for those who may).
    `has_some`: False when the page already knows there are none (its `has`)."""
    agreements = list(db.session.scalars(
        select(Agreement).where(Agreement.item_id == item.id).order_by(Agreement.id)
    )) if has_some else []
    add_url = (url_for("agreements.new", item=item.id)
               if can(_user(), "agreement.record") else None)
    return {"agreements": agreements, "add_url": add_url}


@bp.app_context_processor
def _agreement_helpers() -> dict:
    return {"item_agreements": item_agreements}
