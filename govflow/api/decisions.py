"""GET /api/v1/decisions: the decision log as JSON, with the same filters as the page."""

from __future__ import annotations

import math

from flask import jsonify, request
from flask_login import current_user

from govflow.api import ApiError, bp, page_args
from govflow.decisions import queries
from govflow.decisions.models import Decision
from govflow.extensions import db
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
        if not item.isdigit():
            raise ApiError(400, "item must be an item number.", "invalid")
        query = query.where(Decision.item_id == int(item))
    total = queries.count_of(query)
    rows = queries.page_of(query, (page - 1) * size, size)
    return jsonify({
        "decisions": [decision_json(d) for d in rows],
        "page": page,
        "per_page": size,
        "total": total,
        "pages": max(1, math.ceil(total / size)),
    })


@bp.get("/decisions/<int:decision_id>")
def get_decision(decision_id: int):
    user = current_user._get_current_object()
    decision = db.session.get(Decision, decision_id)
    if decision is None or not can_view_item(user, decision.item):
        raise ApiError(404, "There is no decision with that number.", "not_found")
    return jsonify(decision_json(decision))
