"""The progress report's second page: the outcome indicators against target, and "You said,
we did" (what families told us, and the blockers and ideas it led to)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from govflow import workdays
from govflow.accounts.models import LocalArea
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.outcomes import queries
from govflow.workflow import vocabulary

YOU_SAID_DAYS = 183
YOU_SAID_LIMIT = 6


def extras(user, area_slugs, *, public: bool = False) -> dict:
    """What print/progress_report.html needs for its outcomes page, for one area (when the
    report is for exactly one) or the whole partnership. `public`: unrestricted items only
    (the weekly email, which no one person asks for)."""
    area = None
    if len(area_slugs) == 1:
        area = db.session.scalar(select(LocalArea).where(LocalArea.slug == area_slugs[0]))
    today = workdays.london_date(utcnow())
    trends = queries.indicator_trends(today, area.id if area else None)
    you_said = queries.family_feedback(
        user, area_id=area.id if area else None, since=today - timedelta(days=YOU_SAID_DAYS),
        limit=YOU_SAID_LIMIT, only_with_items=True, public=public)
    return {"outcome_trends": trends, "you_said": you_said,
            "outcome_scope": area.name if area else "the whole partnership",
            "state_tags": vocabulary.state_tags(), "kind_labels": vocabulary.kind_labels()}
