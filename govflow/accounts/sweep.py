"""Sweep step: warn a person whose items fall due while they are away with no deputy."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from govflow import transaction, workdays
from govflow.accounts.deputy_models import Absence
from govflow.db import writing
from govflow.extensions import db
from govflow.notifications import outbox
from govflow.workflow.vocabulary import FINAL_STATES


def sweep_steps():
    return [warn_of_deadlines_in_absences]


def _utc_midnight(day) -> datetime:
    local = datetime.combine(day, time(0), tzinfo=workdays.LONDON)
    return local.astimezone(workdays.UTC).replace(tzinfo=None)


def deadlines_in_absences(today):
    """(absence, item) for each open item whose owner is away with no deputy on the day
    (London) its deadline falls; absences that have not ended, soonest first."""
    from govflow.items.models import Item

    absences = db.session.scalars(select(Absence).where(
        Absence.deputy_id.is_(None), Absence.cancelled_at.is_(None),
        Absence.ends_on >= today).order_by(Absence.starts_on, Absence.id)).all()
    for absence in absences:
        items = db.session.scalars(select(Item).where(
            Item.owner_id == absence.user_id, Item.state.not_in(FINAL_STATES),
            Item.due_at >= _utc_midnight(absence.starts_on),
            Item.due_at < _utc_midnight(absence.ends_on + timedelta(days=1)),
        ).order_by(Item.due_at, Item.id)).all()
        for item in items:
            yield absence, item


def warn_of_deadlines_in_absences(ctx) -> None:
    today = workdays.to_london(ctx.now).date()
    found = list(deadlines_in_absences(today))
    if ctx.dry_run:
        for absence, item in found:
            ctx.did("deadlines in an absence with no deputy",
                    f"Would warn {absence.user.display_name}: item {item.id} is due while "
                    "they are away with no deputy")
        db.session.rollback()
        return
    with writing():
        for absence, item in found:
            due = workdays.format_date(workdays.to_london(item.due_at).date())
            row = outbox.notify(
                absence.user, "absence_without_deputy",
                f"{item.kind.capitalize()} {item.id} is due on {due}, while you are away "
                "with no deputy",
                "Name a deputy on your absences page (Your account, then Absences and "
                "deputies), or hand it to a colleague before you go.",
                item=item, dedupe_key=f"absence:{absence.id}:item:{item.id}", now=ctx.now)
            if row is not None:
                ctx.did("deadlines in an absence with no deputy",
                        f"Warned {absence.user.display_name}: item {item.id} is due while "
                        "they are away with no deputy")
        transaction.commit()
