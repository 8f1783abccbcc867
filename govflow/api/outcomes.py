"""GET /api/v1/indicators: the outcome indicators against target, for the partnership or
one area (the same trends as /outcomes, the dashboard and the progress report)."""

from __future__ import annotations

from flask import jsonify, request
from sqlalchemy import select

from govflow import workdays
from govflow.accounts.models import LocalArea
from govflow.api import ApiError, bp
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.outcomes import queries

MAX_QUARTERS = 20


@bp.get("/indicators")
def indicators():
    slug = (request.args.get("area") or "").strip()
    area = None
    if slug:
        area = db.session.scalar(select(LocalArea).where(LocalArea.slug == slug))
        if area is None:
            raise ApiError(400, "No area has that slug.", "invalid",
                           fields={"area": "Choose an area slug from /api/v1/areas"})
    try:
        shown = int(request.args.get("quarters", 4))
    except ValueError:
        shown = 0
    if not 1 <= shown <= MAX_QUARTERS:
        raise ApiError(400, f"quarters must be a whole number from 1 to {MAX_QUARTERS}.",
                       "invalid", fields={"quarters": f"Enter 1 to {MAX_QUARTERS}"})
    trends = queries.indicator_trends(workdays.london_date(utcnow()),
                                      area.id if area else None, shown)
    return jsonify({
        "area": area.slug if area else None,
        "indicators": [
            {
                "slug": t.slug, "name": t.name, "outcome": t.outcome_slug,
                "outcome_name": t.outcome, "unit": t.unit, "better": t.better,
                "source": t.source, "baseline": t.baseline, "target": t.target,
                "status": t.status,
                "figures": [{"quarter": p.quarter, "label": p.label, "value": p.value,
                             "areas_reporting": p.areas_reporting} for p in t.points],
            }
            for t in trends
        ],
    })
