"""Sweep steps for sponsor actions: remind owners before the due date, flag overdue ones.

Each is sent exactly once per due date, even with two sweeps running at once: rows are
claimed FOR UPDATE SKIP LOCKED (PostgreSQL; SQLite serialises writers on the file), and the
marker column (reminder_sent_for / overdue_flagged_for) is set by a conditional UPDATE that
only one sweep can win. What a run tells people goes into their one notification for the run
(govflow.notifications.outbox.RunNotices), written with each batch; a dry run tells nobody.
"""

from __future__ import annotations

from functools import partial

from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from govflow import workdays
from govflow.accounts.models import User
from govflow.db import for_update_skip_locked
from govflow.extensions import db
from govflow.notifications.outbox import notify
from govflow.sponsors.models import SponsorAction
from govflow.sponsors.services import area_people
from govflow.sweep import claimed_batches


def sweep_steps():
    return [remind_owners, flag_overdue]


def _claim(ctx, *conditions):
    """Lock a batch of open actions needing this step; others' locked rows are skipped."""
    q = (
        select(SponsorAction)
        .where(SponsorAction.status == "open", *conditions)
        .order_by(SponsorAction.due_on, SponsorAction.id)
        .limit(ctx.batch_size)
        # What the reminders and flags name, for the whole batch in three statements rather
        # than three per action (loaded after the claim, so they are not locked).
        .options(selectinload(SponsorAction.owner), selectinload(SponsorAction.area),
                 selectinload(SponsorAction.sponsor))
    )
    return db.session.scalars(for_update_skip_locked(q, db.session)).all()


def _mark(action, column, *conditions) -> bool:
    """Set the marker to the action's due date unless someone already has: True if we won.

    A Core UPDATE, not the ORM, on purpose: the marker is the sweep's bookkeeping, so it does
    not bump the version a person's open "done" form was loaded with.
    """
    result = db.session.execute(
        update(SponsorAction)
        .where(SponsorAction.id == action.id, SponsorAction.status == "open", *conditions)
        .values({column: action.due_on})
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def remind_owners(ctx) -> None:
    """Remind each owner once, from N working days before the due date until it is due."""
    from flask import current_app

    today = workdays.london_date(ctx.now)
    window = int(current_app.config.get("ACTION_REMINDER_WORKING_DAYS", 2))
    horizon = workdays.add_working_days(today, window)
    not_yet = or_(SponsorAction.reminder_sent_for.is_(None),
                  SponsorAction.reminder_sent_for != SponsorAction.due_on)
    claimed_batches(
        ctx, lambda: _claim(ctx, SponsorAction.due_on >= today, SponsorAction.due_on <= horizon,
                            not_yet),
        lambda actions: _remind(ctx, actions, today, not_yet))


def _remind(ctx, actions, today, not_yet) -> None:
    for action in actions:
        due = workdays.format_date(action.due_on)
        line = f"Remind {action.owner.email}: sponsor action {action.id} due {due}"
        if not ctx.wins("action reminders", line,
                        partial(_mark, action, "reminder_sent_for", not_yet)):
            continue
        when = ("today" if action.due_on == today
                else f"in {workdays.working_days_between(today, action.due_on)} working "
                     f"day{'s' if workdays.working_days_between(today, action.due_on) != 1 else ''}")
        notify(
            action.owner,
            "action_reminder",
            f"Sponsor action due {when} ({due}): {action.what[:120]}",
            f"Your sponsor action in {action.area.name} is due on {due}.\n\n{action.what}\n\n"
            "Mark it as done with what was done, or drop it with the reason.",
            link=f"/actions/{action.id}",
            dedupe_key=f"action-reminder:{action.id}:{action.due_on.isoformat()}",
            now=ctx.now,
        )
        ctx.did("action reminders", line)


def flag_overdue(ctx) -> None:
    """Tell the area's facilitators, once per due date, about an open action past its date."""
    today = workdays.london_date(ctx.now)
    not_yet = or_(SponsorAction.overdue_flagged_for.is_(None),
                  SponsorAction.overdue_flagged_for != SponsorAction.due_on)
    claimed_batches(ctx, lambda: _claim(ctx, SponsorAction.due_on < today, not_yet),
                    lambda actions: _flag(ctx, actions, today, not_yet))


def _flag(ctx, actions, today, not_yet) -> None:
    facilitators = area_people("facilitator", {a.area_id for a in actions}, order_by=User.id)
    for action in actions:
        due = workdays.format_date(action.due_on)
        people = facilitators.get(action.area_id, [])
        line = (f"Flag overdue sponsor action {action.id} ({action.area.name}, due {due}) "
                f"to {len(people)} facilitator{'s' if len(people) != 1 else ''}")
        if not ctx.wins("overdue actions flagged", line,
                        partial(_mark, action, "overdue_flagged_for", not_yet)):
            continue
        late = workdays.working_days_between(action.due_on, today)
        for person in people:
            notify(
                person,
                "action_overdue",
                f"Overdue sponsor action in {action.area.name}: {action.what[:120]}",
                f"{action.owner.display_name}'s sponsor action (sponsor "
                f"{action.sponsor.display_name}) was due on {due} and is still open"
                f"{f', {late} working days late' if late > 1 else ''}.\n\n{action.what}",
                link=f"/actions/{action.id}",
                dedupe_key=(f"action-overdue:{action.id}:{action.due_on.isoformat()}"
                            f":{person.id}"),
                now=ctx.now,
            )
        ctx.did("overdue actions flagged", line)
