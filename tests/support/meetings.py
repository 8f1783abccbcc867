"""A central forum meeting planned a week from now, for tests that need one on the agenda
pages (chaired by the demo's central chair, created by its secretary)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select


def plan_central_meeting(secretary, chair):
    from govflow.clock import utcnow
    from govflow.extensions import db
    from govflow.forums.models import Forum, Meeting

    central = db.session.scalar(select(Forum).where(Forum.slug == "central-forum"))
    starts = utcnow() + timedelta(days=7)
    meeting = Meeting(forum_id=central.id, starts_at=starts, ends_at=starts + timedelta(hours=2),
                      place="Civic Office", created_by_id=secretary.id, chair_id=chair.id,
                      status="planned")
    db.session.add(meeting)
    db.session.flush()
    return meeting
