"""Demo sponsor actions (seeds/demo/sponsor_actions.yaml): some open, one overdue, one done."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from govflow import workdays
from govflow.clock import utcnow
from govflow.extensions import db


def _due_on(today, n: int):
    if n >= 0:
        return workdays.add_working_days(today, n)
    d = today
    for _ in range(-n):  # n working days back
        d -= timedelta(days=1)
        while not workdays.is_working_day(d):
            d -= timedelta(days=1)
    return d


def load_demo_extras() -> dict:
    """Add the demo sponsor actions that are not there yet (matched by what they say)."""
    from govflow.accounts.models import LocalArea, User
    from govflow.items.models import Item
    from govflow.seeding import _read, rows_by
    from govflow.sponsors.models import SponsorAction, SponsorActionEvent
    from govflow.sponsors.models import recorded as recorded_fields

    entries = _read("demo/sponsor_actions.yaml")
    existing = set(db.session.scalars(select(SponsorAction.what)))
    users, areas = rows_by(User, "email"), rows_by(LocalArea, "slug")
    now = utcnow()
    today = workdays.london_date(now)
    created = 0
    for entry in entries:
        if entry["what"] in existing:
            continue
        sponsor = users[entry["sponsor"]]
        owner = users[entry.get("owner") or entry["sponsor"]]
        item_id = None
        if entry.get("item"):
            item_id = db.session.scalar(select(Item.id).where(Item.title == entry["item"]))
        recorded = now - timedelta(days=int(entry.get("recorded_days_ago", 0)))
        status = entry.get("status", "open")
        action = SponsorAction(
            area_id=areas[entry["area"]].id, sponsor_id=sponsor.id, owner_id=owner.id,
            created_by_id=sponsor.id, what=entry["what"],
            due_on=_due_on(today, int(entry["due_in_working_days"])),
            status="open", item_id=item_id, created_at=recorded, updated_at=recorded,
        )
        db.session.add(action)
        db.session.flush()
        db.session.add(SponsorActionEvent(action_id=action.id, actor_id=sponsor.id,
                                          from_status=None, to_status="open",
                                          note="Recorded", fields=recorded_fields(action),
                                          at=recorded))
        if status != "open":
            closed = min(now, recorded + timedelta(days=7))
            action.status = status
            action.outcome_note = entry["outcome"]
            action.completed_at = closed
            action.updated_at = closed
            db.session.add(SponsorActionEvent(action_id=action.id, actor_id=owner.id,
                                              from_status="open", to_status=status,
                                              note=entry["outcome"],
                                              fields={"outcome_note": entry["outcome"]},
                                              at=closed))
        created += 1
    db.session.flush()
    return {"sponsor actions": created}
