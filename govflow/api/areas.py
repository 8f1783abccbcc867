"""API: local areas with their sponsors, facilitators and counts of what is open."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from govflow.api import ApiError, bp
from govflow.clock import utcnow
from govflow.domain_errors import NotFound
from govflow.permissions import can, may_see_email


def _person(u) -> dict:
    """Email addresses only where the access policy says the reader needs them."""
    email = u.email if may_see_email(current_user, u) else None
    return {"email": email, "display_name": u.display_name}


def _summary_json(s) -> dict:
    return {
        "slug": s.area.slug,
        "name": s.area.name,
        "description": s.area.description,
        "sponsors": [_person(u) for u in s.sponsors],
        "facilitators": [_person(u) for u in s.facilitators],
        "counts": {
            "open_blockers": s.open_blockers,
            "open_ideas": s.open_ideas,
            "open_actions": s.open_actions,
            "overdue_actions": s.overdue_actions,
        },
    }


@bp.get("/areas")
def areas_index():
    from govflow.sponsors.queries import area_summaries

    if not can(current_user, "area.view"):
        raise ApiError(403, "You cannot see areas.", "forbidden")
    return jsonify({"areas": [_summary_json(s) for s in area_summaries(user=current_user)]})


@bp.get("/areas/<slug>")
def areas_show(slug: str):
    from govflow.sponsors import queries, services

    if not can(current_user, "area.view"):
        raise ApiError(403, "You cannot see areas.", "forbidden")
    try:
        area = services.get_area(slug)
    except NotFound as err:
        raise ApiError(404, err.message, "not_found") from None
    now = utcnow()
    summary = queries.area_summaries(now, areas=[area], user=current_user)[0]
    page = queries.area_page(area, current_user._get_current_object(), now)
    body = _summary_json(summary)
    body["counts"].update({
        "open_blockers_by_tier": page.blocker_counts,
        "ideas_awaiting_decision": page.ideas_awaiting_count,
    })
    meeting = page.next_meeting
    body["next_meeting"] = (
        {"id": meeting.id, "forum": meeting.forum.slug,
         "starts_at": meeting.starts_at.isoformat() + "Z", "place": meeting.place}
        if meeting is not None else None
    )
    return jsonify(body)
