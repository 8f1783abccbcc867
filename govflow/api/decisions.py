"""GET /api/v1/decisions: the decision log as JSON, with the same filters as the page."""

from __future__ import annotations

import math

from flask import jsonify, request
from flask_login import current_user

from govflow.api import ApiError, bp, page_args
from govflow.decisions import queries
from govflow.decisions.models import Decision
from govflow.edge import id_or_none
from govflow.errors import Restricted
from govflow.extensions import db
from govflow.permissions import can, can_view_item


def _iso(dt) -> str | None:
    return dt.replace(microsecond=0).isoformat() + "Z" if dt else None


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
    entries, total = queries.entries_page(query, (page - 1) * size, size)
    return jsonify({
        "decisions": [entry_json(e) for e in entries],
        "page": page,
        "per_page": size,
        "total": total,
        "pages": max(1, math.ceil(total / size)),
    })


def entry_json(r: queries.DecisionEntry) -> dict:
    """The API's one answer for a decision, the log's and the single decision's alike."""
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
            {"id": r.decided_by_id, "name": r.decided_by_name,
             "as_deputy_for": r.deputy_for_name}
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
    return jsonify(entry_json(queries.entry(decision_id)))
