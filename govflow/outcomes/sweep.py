"""Sweep step: the weekly progress report, for the partnership and for each area, to each
person who subscribed (from their account page). The first sweep of each week writes one
notification per person and report (its dedupe key names the week), in one transaction; the
sender emails it after the commit, with the PDF made for that person then."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from govflow import transaction, workdays
from govflow.accounts.models import LocalArea, User
from govflow.extensions import db
from govflow.notifications import outbox
from govflow.outcomes.models import ReportSubscription

KIND = "progress_report"
# The report covers the year up to the end of last week (the month chart's twelve months).
PERIOD_DAYS = 364


def sweep_steps():
    return [weekly_progress_reports]


def report_link(area_slug: str | None, date_from, date_to) -> str:
    args = {"from": date_from.isoformat(), "to": date_to.isoformat()}
    if area_slug:
        args = {"area": area_slug, **args}
    return "/dashboard/report.pdf?" + urlencode(args)


def weekly_progress_reports(ctx) -> None:
    today = workdays.london_date(ctx.now)
    monday = today - timedelta(days=today.weekday())
    date_to = monday - timedelta(days=1)
    date_from = monday - timedelta(days=PERIOD_DAYS)
    rows = db.session.execute(
        select(ReportSubscription, User, LocalArea.name, LocalArea.slug)
        .join(User, User.id == ReportSubscription.user_id)
        .outerjoin(LocalArea, LocalArea.id == ReportSubscription.area_id)
        .where(User.active.is_(True))
        .order_by(ReportSubscription.id)
    ).all()
    written = 0
    for sub, user, area_name, area_slug in rows:
        scope = area_name or "the whole partnership"
        key = f"progress-report:{monday.isoformat()}:{user.id}:{sub.scope}"
        if ctx.dry_run:
            ctx.did("weekly progress reports", f"Would send {user.email} the report for {scope}")
            continue
        row = outbox.notify(
            user, KIND,
            f"Weekly progress report for {scope}, week beginning {workdays.format_date(monday)}",
            f"This week's progress report for {scope} is attached (PDF): the year up to "
            f"{workdays.format_date(date_to)}, with the outcome indicators against their "
            "targets and what families told us. You can change which reports you get on "
            "your account page.",
            link=report_link(area_slug, date_from, date_to), dedupe_key=key, now=ctx.now)
        if row is not None:
            written += 1
            ctx.did("weekly progress reports", f"Weekly progress report for {scope} to {user.email}")
    if not written:
        return
    try:
        db.session.flush()
        transaction.commit()
    except IntegrityError:
        # Another sweep running at the same moment wrote this week's reports first (the
        # dedupe keys are unique): its rows stand, ours are dropped.
        db.session.rollback()
        ctx.did("weekly progress reports left to another sweep", n=written)
