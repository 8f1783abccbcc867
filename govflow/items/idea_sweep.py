"""Sweep steps for ideas: silence is consent (deemed approval), and trial review reminders.

Each idea is claimed (FOR UPDATE SKIP LOCKED on PostgreSQL) and re-checked, and handled in a
short transaction (deemed approvals a batch at a time, with what the run tells each person:
govflow.sweep.in_batches; reminders one idea at a time), so two sweeps running at once handle
every idea exactly once and a second run finds nothing left to do.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from govflow import transaction, workdays
from govflow.db import for_update_skip_locked
from govflow.decisions.models import Decision
from govflow.decisions.services import RECORDING_GRACE_WORKING_DAYS, recording_delay
from govflow.domain_errors import DomainError, StaleVersion
from govflow.extensions import db
from govflow.items import ideas
from govflow.items.models import Item
from govflow.notifications.models import Notification
from govflow.notifications.outbox import notify
from govflow.sweep import in_batches
from govflow.workflow import engine

AWAITING_DECISION = ("proposed", "challenged")


def sweep_steps():
    return [approve_by_default, remind_reviews]


def _claim(item_id: int):
    query = select(Item).where(Item.id == item_id).execution_options(populate_existing=True)
    return db.session.scalars(for_update_skip_locked(query, db.session)).first()


def _batches(ctx, query, key):
    """Ids from `query` in batches, oldest first, never offering the same id twice."""
    after = None
    while True:
        q = query if after is None else query.where(key > after)
        ids = list(db.session.scalars(q.order_by(key).limit(ctx.batch_size)))
        db.session.rollback()  # end the read transaction before claiming rows one by one
        if not ids:
            return
        yield ids
        after = ids[-1]


def _awaiting(ctx):
    return (Item.kind == "idea", Item.state.in_(AWAITING_DECISION), Item.due_at.is_not(None),
            Item.due_at < ctx.now)


def approve_by_default(ctx) -> None:
    """An idea nobody decided by its tier's deadline is approved, and the log says so."""
    due = select(Item.id).where(*_awaiting(ctx))
    in_batches(ctx, _batches(ctx, due, Item.id), lambda ids: _claim_due(ctx, ids),
               _approve_one, skipped="ideas skipped", noun="idea")


def _claim_due(ctx, ids: list[int]) -> list[Item]:
    # Re-checked under the lock: another sweep or a person may have decided one meanwhile.
    query = (select(Item).where(Item.id.in_(ids), *_awaiting(ctx)).order_by(Item.id)
             .execution_options(populate_existing=True))
    if not ctx.dry_run:
        query = for_update_skip_locked(query, db.session)
    items = db.session.scalars(query).all()
    if items:  # what the approval reads, in a few queries for the batch (not locked)
        db.session.scalars(select(Item).where(Item.id.in_([i.id for i in items])).options(
            selectinload(Item.area), selectinload(Item.raised_by))).all()
    return items


def _approve_one(ctx, item: Item):
    summary = ideas.by_default_summary(item)
    line = f"Idea {item.id} '{item.title}': {summary}"
    if ctx.dry_run:
        return "ideas approved by default", line
    fields = {
        "summary": summary,
        "rationale": "The default answer is yes: nobody declined the idea before the deadline.",
        # Silence became consent at the deadline, whenever the sweep got round to it.
        "decided_at": item.due_at,
    }
    if recording_delay(item.due_at, ctx.now) > RECORDING_GRACE_WORKING_DAYS:
        fields["delay_explanation"] = (
            "The sweep did not run between the deadline and "
            f"{workdays.format_datetime(ctx.now)}."
        )
    try:
        engine.fire(item, "approve_by_default", None, fields=fields, now=ctx.now)
    except StaleVersion:
        raise  # the batch's transaction is gone: in_batches leaves it for the next run
    except DomainError as err:
        return "ideas skipped", f"Idea {item.id}: not approved by default ({err.message})"
    return "ideas approved by default", line


def remind_reviews(ctx) -> None:
    """On (or after) a trial's review date, remind the proposer and whoever approved it."""
    today = workdays.london_date(ctx.now)
    due = select(Item.id).where(
        Item.kind == "idea", Item.state == "trialling", Item.review_on.is_not(None),
        Item.review_on <= today,
    )
    for ids in _batches(ctx, due, Item.id):
        for item_id in ids:
            _remind_one(ctx, item_id)


def _remind_one(ctx, item_id: int) -> None:
    item = _claim(item_id)
    if item is None or item.state != "trialling" or item.review_on is None:
        db.session.rollback()
        return
    approver = db.session.scalar(
        select(Decision)
        .where(Decision.item_id == item.id, Decision.outcome == "approved")
        .order_by(Decision.id.desc())
        .limit(1)
    )
    people = [item.raised_by]
    if approver is not None and approver.decided_by is not None:
        people.append(approver.decided_by)
    subject = f"Time to review the trial: {item.title}"
    body = (
        f"The trial of '{item.title}' was due for review on "
        f"{workdays.format_date(item.review_on)}. Record what happened and what was learnt "
        "(Record the evaluation on the idea's page), so it can be adopted or stopped."
    )
    sent = 0
    for person in dict.fromkeys(people):
        key = f"idea-review:{item.id}:{item.review_on.isoformat()}:{person.id}"
        if db.session.scalar(select(Notification.id).where(Notification.dedupe_key == key)):
            continue  # reminded already: a second sweep sends nothing
        if ctx.dry_run or notify(person, "idea_review", subject, body, item=item,
                                 dedupe_key=key, now=ctx.now):
            sent += 1
    if ctx.dry_run:
        db.session.rollback()
    else:
        transaction.commit()
    if sent:
        ctx.did("trial review reminders", f"Idea {item.id}: review reminder to {sent} people",
                n=sent)
