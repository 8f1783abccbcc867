"""GET /api/v1/decisions: the decision log as JSON, with the same filters as the page."""

from __future__ import annotations

import functools
import math

from flask import jsonify, request
from flask_login import current_user
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from govflow.accounts.models import LocalArea, User
from govflow.api import ApiError, bp, page_args
from govflow.decisions import queries
from govflow.decisions.models import Decision
from govflow.edge import id_or_none
from govflow.errors import Restricted
from govflow.extensions import db
from govflow.forums.models import Forum, Meeting
from govflow.items.models import Item
from govflow.permissions import can, can_view_item


def _iso(dt) -> str | None:
    return dt.replace(microsecond=0).isoformat() + "Z" if dt else None


def decision_json(d: Decision) -> dict:
    return {
        "id": d.id,
        "item": {"id": d.item.id, "kind": d.item.kind, "title": d.item.title,
                 "area": d.item.area.slug, "state": d.item.state},
        "tier": d.tier,
        "outcome": d.outcome,
        "summary": d.summary,
        "rationale": d.rationale,
        "reason_category": d.reason_category,
        "why_not": d.why_not,
        "what_would_make_yes": d.what_would_make_yes,
        "conditions": d.conditions,
        "alternatives": d.alternatives,
        "conflicts": d.conflicts,
        "review_on": d.review_on.isoformat() if d.review_on else None,
        "decided_by": (
            {"id": d.decided_by.id, "name": d.decided_by.display_name} if d.decided_by else None
        ),
        "by_default": d.by_default,
        "decided_at": _iso(d.decided_at),
        "recorded_at": _iso(d.recorded_at),
        "delay_explanation": d.delay_explanation,
        "meeting": (
            {"id": d.meeting.id, "forum": d.meeting.forum.slug,
             "starts_at": _iso(d.meeting.starts_at)} if d.meeting else None
        ),
        "supersedes": d.supersedes_id,
        "superseded_by": d.superseded_by.id if d.superseded_by else None,
    }


@bp.get("/decisions")
def list_decisions():
    user = current_user._get_current_object()
    if not can(user, "decisions.view"):
        raise ApiError(403, "You cannot see the decision log.", "forbidden")
    filters = queries.DecisionFilters.from_args(request.args)
    if filters.errors:
        raise ApiError(400, "Some filters could not be read.", "invalid", fields=filters.errors)
    page, size = page_args()
    query = queries.apply_filters(queries.visible_decisions(user), filters)
    item = request.args.get("item", "")
    if item:
        if id_or_none(item) is None:
            raise ApiError(400, "item must be an item number.", "invalid")
        query = query.where(Decision.item_id == id_or_none(item))
    rows = db.session.execute(_page_statement(query, (page - 1) * size, size)).all()
    # The count rides on the page's rows; past the last page there are none to carry it.
    total = rows[0].total if rows else queries.count_of(query)
    return jsonify({
        "decisions": [entry_json(r) for r in rows],
        "page": page,
        "per_page": size,
        "total": total,
        "pages": max(1, math.ceil(total / size)),
    })


def _page_statement(query: Select, offset: int, limit: int) -> Select:
    """One page of the log as plain rows with everything entry_json reads, each with the
    count of all the entries the query selects: one statement, where loading decisions as
    ORM objects (with their items, people, meetings, corrections and the items' other
    areas, which the page needs to offer corrections and the API does not) took five.

    The page's ids come first, from the decided_at index alone (as queries.page_of)."""
    ids = query.order_by(None).with_only_columns(Decision.id, maintain_column_froms=True)
    page = queries.newest_first(ids).offset(offset).limit(limit).subquery("page")
    total = select(func.count()).select_from(ids.subquery()).scalar_subquery().label("total")
    return (
        select(total, *_entry_columns())
        .select_from(page)
        .join(Decision, Decision.id == page.c.id)
        .join(Item, Item.id == Decision.item_id)
        .outerjoin(Meeting, Meeting.id == Decision.meeting_id)
        .order_by(Decision.decided_at.desc(), Decision.id.desc())
    )


@functools.cache
def _entry_columns() -> tuple:
    """What entry_json reads, built once per process (building them cost as much as running
    the statement). The area, person, forum and correction are subqueries per row rather
    than joins: PostgreSQL planned an eight-table join afresh on every request (2 ms)."""
    later = aliased(Decision)
    return (
        Decision.id, Decision.item_id, Decision.tier, Decision.outcome, Decision.summary,
        Decision.rationale, Decision.reason_category, Decision.why_not,
        Decision.what_would_make_yes, Decision.conditions, Decision.alternatives,
        Decision.conflicts, Decision.review_on, Decision.decided_by_id, Decision.by_default,
        Decision.decided_at, Decision.recorded_at, Decision.delay_explanation,
        Decision.meeting_id, Decision.supersedes_id,
        Item.kind, Item.title, Item.state,
        select(LocalArea.slug).where(LocalArea.id == Item.area_id)
        .scalar_subquery().label("area"),
        select(User.display_name).where(User.id == Decision.decided_by_id)
        .scalar_subquery().label("decided_by_name"),
        Meeting.starts_at.label("meeting_starts_at"),
        select(Forum.slug).where(Forum.id == Meeting.forum_id)
        .scalar_subquery().label("forum"),
        select(later.id).where(later.supersedes_id == Decision.id)
        .scalar_subquery().label("superseded_by_id"),
    )


def entry_json(r) -> dict:
    """decision_json's answer from one of _page_statement's rows."""
    return {
        "id": r.id,
        "item": {"id": r.item_id, "kind": r.kind, "title": r.title, "area": r.area,
                 "state": r.state},
        "tier": r.tier,
        "outcome": r.outcome,
        "summary": r.summary,
        "rationale": r.rationale,
        "reason_category": r.reason_category,
        "why_not": r.why_not,
        "what_would_make_yes": r.what_would_make_yes,
        "conditions": r.conditions,
        "alternatives": r.alternatives,
        "conflicts": r.conflicts,
        "review_on": r.review_on.isoformat() if r.review_on else None,
        "decided_by": (
            {"id": r.decided_by_id, "name": r.decided_by_name}
            if r.decided_by_id is not None else None
        ),
        "by_default": r.by_default,
        "decided_at": _iso(r.decided_at),
        "recorded_at": _iso(r.recorded_at),
        "delay_explanation": r.delay_explanation,
        "meeting": (
            {"id": r.meeting_id, "forum": r.forum, "starts_at": _iso(r.meeting_starts_at)}
            if r.meeting_id is not None else None
        ),
        "supersedes": r.supersedes_id,
        "superseded_by": r.superseded_by_id,
    }


@bp.get("/decisions/<int:decision_id>")
def get_decision(decision_id: int):
    user = current_user._get_current_object()
    decision = db.session.get(Decision, decision_id)
    if decision is None:
        raise ApiError(404, "There is no decision with that number.", "not_found")
    if not can_view_item(user, decision.item):
        raise Restricted(decision.item)
    return jsonify(decision_json(decision))
