"""Sweep step: keep the working-day calendar at least two years ahead of today."""

from __future__ import annotations

from govflow import transaction, workdays
from govflow.extensions import db
from govflow.metrics import calendar


def sweep_steps():
    return [extend_calendar]


def extend_calendar(ctx) -> None:
    today = workdays.london_date(ctx.now)
    first, last = calendar.span(db.session.connection())
    wanted = today.year + calendar.YEARS_AHEAD
    if last is not None and last.year >= wanted and first <= today:
        return
    if ctx.dry_run:
        ctx.did("calendar extended", f"Would extend the working-day calendar to {wanted}")
        return
    calendar.ensure_covers(db.session.connection(), today)
    transaction.commit()
    ctx.did("calendar extended", f"Extended the working-day calendar to the end of {wanted}")
