"""GET /api/v1/metrics (the dashboard's figures) and GET /api/v1/items/similar."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from govflow import workdays
from govflow.api import ApiError, bp
from govflow.clock import utcnow
from govflow.metrics import filters as metric_filters
from govflow.metrics import report


@bp.get("/metrics")
def metrics():
    """The same Report the dashboard, its CSVs and the progress report PDF render."""
    now = utcnow()
    parsed = metric_filters.parse(request.args, workdays.london_date(now))
    options = report.load_options()
    errors = {**parsed.errors, **report.unknown_filters(parsed.filters, options)}
    if errors:
        raise ApiError(400, "Some filters could not be used.", "invalid", fields=errors)
    return jsonify(report.compute(parsed.filters, now, options).as_json())


@bp.get("/items/similar")
def similar_items():
    """Open blockers (any area) like ?title=, best first: to find a systemic blocker."""
    from govflow.systemic import search

    title = (request.args.get("title") or "").strip()
    if not title:
        raise ApiError(400, "Send the title to compare as ?title=.", "invalid",
                       fields={"title": "Enter a title"})
    if len(title) > 200:
        raise ApiError(400, "The title must be 200 characters or fewer.", "invalid",
                       fields={"title": "Title must be 200 characters or fewer"})
    try:
        limit = min(max(int(request.args.get("limit", 5)), 1), 20)
    except ValueError:
        raise ApiError(400, "limit must be a whole number.", "invalid") from None
    items = search.similar_blockers(title, limit=limit, user=current_user)
    return jsonify({
        "title": title,
        "items": [
            {
                "id": i.id,
                "title": i.title,
                "state": i.state,
                "tier": i.tier,
                "systemic": i.systemic,
                "areas": [i.area.slug] + [a.area.slug for a in i.extra_areas],
                "add_area_url": f"/items/{i.id}/we-have-this-too",
            }
            for i in items
        ],
    })
