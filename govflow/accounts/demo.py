"""Demo absences: Denaby's two facilitators cover for each other's leave, one named ahead."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from govflow.accounts.deputy_models import Absence, london_today
from govflow.accounts.models import User
from govflow.extensions import db

# (who is away, their deputy or None, first day from today, days away)
DEMO_ABSENCES = (
    ("lorraine.hebden@denaby-cafe.example", "rachel.dunn@dmbc.example", 14, 5),
)


def load_demo_extras() -> dict:
    """Add the demo absences not there yet (one per person away): in the weeks ahead, so
    nobody is away on the day the demo is seeded."""
    added = 0
    today = london_today()
    for email, deputy_email, starts_in, days in DEMO_ABSENCES:
        person = db.session.scalar(select(User).where(User.email == email))
        deputy = db.session.scalar(select(User).where(User.email == deputy_email))
        if person is None or db.session.scalar(
                select(Absence.id).where(Absence.user_id == person.id).limit(1)):
            continue
        starts_on = today + timedelta(days=starts_in)
        db.session.add(Absence(user_id=person.id, deputy_id=deputy.id if deputy else None,
                               starts_on=starts_on, ends_on=starts_on + timedelta(days=days)))
        added += 1
    db.session.flush()
    return {"absences": added}
