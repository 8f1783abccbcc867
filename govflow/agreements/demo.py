"""Demo agreements (seeds/demo/agreements.yaml): one due for review soon, one produced by a
demo blocker."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from govflow import workdays
from govflow.clock import utcnow
from govflow.extensions import db


def load_demo_extras() -> dict:
    """Add the demo agreements that are not there yet (matched by title)."""
    from govflow.accounts.models import LocalArea, User
    from govflow.agreements.models import Agreement
    from govflow.agreements.services import _latest_decision_id
    from govflow.items.models import Item
    from govflow.seeding import _read, rows_by

    existing = set(db.session.scalars(select(Agreement.title)))
    users, areas = rows_by(User, "email"), rows_by(LocalArea, "slug")
    now = utcnow()
    today = workdays.london_date(now)
    created = 0
    for entry in _read("demo/agreements.yaml"):
        if entry["title"] in existing:
            continue
        item = None
        if entry.get("item"):
            item = db.session.scalar(select(Item).where(Item.title == entry["item"]))
        db.session.add(Agreement(
            kind=entry["kind"], title=entry["title"], parties=entry["parties"],
            what_shared=entry["what_shared"], shared_with=entry.get("shared_with", ""),
            basis=entry.get("basis", ""), owner_id=users[entry["owner"]].id,
            created_by_id=users[entry["created_by"]].id,
            review_on=today + timedelta(days=int(entry["review_in_days"])),
            created_at=now - timedelta(days=int(entry.get("days_ago", 0))),
            item_id=item.id if item else None, decision_id=_latest_decision_id(item),
            areas=[areas[slug] for slug in entry["areas"]],
        ))
        created += 1
    db.session.flush()
    return {"agreements": created}
