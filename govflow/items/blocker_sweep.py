"""Sweep steps for blockers: resume paused ones at the pause cap, escalate overdue ones a tier,
flag overdue Gold ones for the central forum, close quiet unblocked ones, warn before deadlines.

Every step lists candidate ids in batches (never every item at once), then claims the batch
— FOR UPDATE SKIP LOCKED on PostgreSQL, so an item another sweep holds is skipped — re-checks
it under the lock and handles it in one short transaction (govflow.sweep.in_batches), which
also writes what the run tells each person (one notification per person per run). A second
sweep, or one running at the same time, finds nothing left to do: state changes go through the
engine (which moves the deadline on), and warnings and forum flags are marked on the item.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from govflow import workdays
from govflow.db import for_update_skip_locked
from govflow.extensions import db
from govflow.items.models import Item
from govflow.notifications.outbox import notify, tier_people
from govflow.sweep import in_batches
from govflow.workflow import engine, vocabulary
from govflow.workflow.definition import TIER_ORDER

TIER_STATES = vocabulary.tier_states("blocker")


def sweep_steps():
    # Resume first: a blocker whose pause cap passed may already be overdue, and is then
    # escalated in the same run rather than the next one.
    return [resume_paused, escalate_overdue, flag_overdue_gold, close_quiet, warn_deadlines]


def _settings() -> dict:
    return engine.definition("blocker").settings


def _tier_label(tier: str) -> str:
    return tier.capitalize()


def _days(n: int) -> str:
    return f"{n} working day" if n == 1 else f"{n} working days"


# --- claiming -------------------------------------------------------------------------


def _candidate_batches(ctx, conditions):
    """Ids of blockers matching `conditions`, in batches of ctx.batch_size, lowest id first."""
    after = 0
    while True:
        ids = list(db.session.scalars(
            select(Item.id)
            .where(Item.kind == "blocker", Item.id > after, *conditions)
            .order_by(Item.id)
            .limit(ctx.batch_size)
        ))
        db.session.rollback()  # hold nothing between listing a batch and claiming it
        if not ids:
            return
        yield ids
        after = ids[-1]


def _claim(ctx, ids: list[int], conditions) -> list[Item]:
    """Those of the items that still match, locked for this transaction; an item another sweep
    holds is skipped (the WHERE is re-checked under the lock). What the steps read of each
    item comes in a few queries for the whole batch."""
    query = (
        select(Item)
        .where(Item.id.in_(ids), Item.kind == "blocker", *conditions)
        .order_by(Item.id)
        .execution_options(populate_existing=True)
    )
    if not ctx.dry_run:
        query = for_update_skip_locked(query, db.session)
    items = db.session.scalars(query).all()
    if items:  # loaded after the lock, not joined to the locking query
        db.session.scalars(
            select(Item).where(Item.id.in_([i.id for i in items])).options(
                selectinload(Item.extra_areas), selectinload(Item.area),
                selectinload(Item.raised_by), selectinload(Item.owner))
        ).all()
    return items


def _each(ctx, conditions, handle: Callable[[object, Item], tuple[str, str] | None]) -> None:
    """Claim, re-check and handle the matching blockers, a batch per transaction.

    `handle(ctx, item)` does the work without committing and returns (what, line) for the
    summary, or None if there was nothing to do after all.
    """
    in_batches(ctx, _candidate_batches(ctx, conditions),
               lambda ids: _claim(ctx, ids, conditions), handle,
               skipped="blockers skipped", noun="blocker")


def _verb(ctx, done: str, would: str) -> str:
    return would if ctx.dry_run else done


def _describe(item: Item) -> str:
    return f"blocker {item.id} '{item.title}'"


# --- steps ----------------------------------------------------------------------------


def escalate_overdue(ctx) -> None:
    """Every overdue blocker at Bronze or Silver goes up one tier, as the system."""
    conditions = (Item.state.in_(TIER_STATES[:-1]), Item.due_at.is_not(None),
                  Item.due_at < ctx.now)
    _each(ctx, conditions, _escalate_one)


def _escalate_one(ctx, item: Item):
    days = engine.definition("blocker").deadlines.get(item.tier, 2)
    reason = (f"Overdue: no action within {_days(days)} at {_tier_label(item.tier)}")
    to_tier = TIER_ORDER[TIER_ORDER.index(item.tier) + 1]
    line = (f"{_verb(ctx, 'Escalated', 'Would escalate')} {_describe(item)}: "
            f"{_tier_label(item.tier)} → {_tier_label(to_tier)} "
            f"(was due {workdays.format_datetime(item.due_at)})")
    if not ctx.dry_run:
        engine.fire(item, "escalate", None, fields={"reason": reason}, now=ctx.now)
    return "blockers escalated", line


def _not_yet_flagged():
    # Flagged once per deadline: a blocker that comes back to Gold later gets a new deadline
    # (after its last flag), so it can be flagged again if that one passes too.
    return or_(Item.flagged_for_forum_at.is_(None), Item.flagged_for_forum_at < Item.due_at)


def flag_overdue_gold(ctx) -> None:
    """An overdue blocker at Gold has nowhere higher to go: it goes to the next central forum."""
    conditions = (Item.state == "gold", Item.due_at.is_not(None), Item.due_at < ctx.now,
                  _not_yet_flagged())
    _each(ctx, conditions, _flag_one)


def _flag_one(ctx, item: Item):
    line = (f"{_verb(ctx, 'Flagged', 'Would flag')} {_describe(item)} for the next central "
            f"forum (due at Gold {workdays.format_datetime(item.due_at)})")
    if ctx.dry_run:
        return "blockers flagged for the central forum", line
    # A Core UPDATE on purpose: the flag is the sweep's bookkeeping, not a change to what a
    # person is looking at, so it must not bump the version their open page was loaded with.
    db.session.execute(
        update(Item)
        .where(Item.id == item.id, _not_yet_flagged())
        .values(flagged_for_forum_at=ctx.now)
        .execution_options(synchronize_session=False)
    )
    subject = f"Overdue at Gold, so on the next central forum's agenda: {item.title}"
    body = (f"'{item.title}' ({item.area.name}) was due at Gold by "
            f"{workdays.format_datetime(item.due_at)} and is still blocked. It has been "
            "flagged for the next central governance forum. Unblock it before then, or come "
            "ready to decide.")
    people = [*tier_people(item), item.raised_by]
    for person in dict.fromkeys(people):
        notify(person, "forum_flag", subject, body, item=item, now=ctx.now,
               dedupe_key=f"forum-flag:{item.id}:{item.due_at.isoformat()}:{person.id}")
    return "blockers flagged for the central forum", line


def resume_paused(ctx) -> None:
    """A pause stops the clock for at most the pause cap; then the blocker resumes itself."""
    conditions = (Item.state == "paused", Item.pause_ends_at.is_not(None),
                  Item.pause_ends_at <= ctx.now)
    _each(ctx, conditions, _resume_one)


def _resume_one(ctx, item: Item):
    cap = int(_settings().get("pause_cap_working_days", 10))
    line = (f"{_verb(ctx, 'Resumed', 'Would resume')} {_describe(item)} at "
            f"{_tier_label(item.tier)}: paused for the most allowed ({_days(cap)})")
    if not ctx.dry_run:
        engine.fire(item, "resume", None, now=ctx.now, fields={
            "reason": f"Paused for {_days(cap)}, the most allowed: the clock runs again."})
    return "paused blockers resumed", line


def close_quiet(ctx) -> None:
    """An unblocked blocker nobody reopened within the quiet period closes itself."""
    conditions = (Item.state == "unblocked", Item.due_at.is_not(None), Item.due_at <= ctx.now)
    _each(ctx, conditions, _close_one)


def _close_one(ctx, item: Item):
    quiet = int(_settings().get("quiet_period_working_days", 5))
    line = f"{_verb(ctx, 'Closed', 'Would close')} {_describe(item)}: unblocked, no reply"
    if not ctx.dry_run:
        engine.fire(item, "close", None, now=ctx.now, fields={
            "reason": (f"Closed automatically: nobody reopened it within {_days(quiet)} of "
                       "it being unblocked.")})
    return "unblocked blockers closed", line


def warning_horizon(now: datetime, working_days: int) -> datetime:
    """Deadlines before this (naive UTC) get a warning now: those falling on or before the
    `working_days`-th working day after today's London date."""
    last_day = workdays.add_working_days(workdays.london_date(now), working_days)
    midnight = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=workdays.LONDON)
    return midnight.astimezone(UTC).replace(tzinfo=None)


def _not_yet_warned():
    return or_(Item.warning_sent_for.is_(None), Item.warning_sent_for != Item.due_at)


def warn_deadlines(ctx) -> None:
    """One warning per deadline, a working day before it, to whoever must act on it."""
    days = int(_settings().get("warning_working_days", 1))
    conditions = (Item.state.in_(TIER_STATES), Item.due_at.is_not(None),
                  Item.due_at > ctx.now, Item.due_at < warning_horizon(ctx.now, days),
                  _not_yet_warned())
    _each(ctx, conditions, _warn_one)


def _warn_one(ctx, item: Item):
    due = item.due_at
    when = workdays.due_text(due, ctx.now)
    owner = item.owner if item.owner is not None and item.owner.active else None
    people = [owner] if owner else tier_people(item)
    names = ", ".join(p.display_name for p in people) or "nobody (no one works this tier)"
    line = f"{_verb(ctx, 'Warned', 'Would warn')} {names}: {_describe(item)} {when.lower()}"
    if ctx.dry_run:
        return "deadline warnings", line
    # Bookkeeping, not a change a person made: a Core UPDATE so the version stays the same.
    db.session.execute(
        update(Item)
        .where(Item.id == item.id, _not_yet_warned())
        .values(warning_sent_for=due, updated_at=Item.updated_at)
        .execution_options(synchronize_session=False)
    )
    if item.tier == "gold":
        then = "it will be flagged for the next central governance forum"
    else:
        then = (f"it will be escalated to "
                f"{_tier_label(TIER_ORDER[TIER_ORDER.index(item.tier) + 1])} automatically")
    subject = f"{when}: {item.title}"
    body = (f"'{item.title}' ({item.area.name}) is at {_tier_label(item.tier)} and is due by "
            f"{workdays.format_datetime(due)}. If nothing happens by then, {then}.")
    for person in people:
        notify(person, "deadline_warning", subject, body, item=item, now=ctx.now,
               dedupe_key=f"warn:{item.id}:{due.isoformat()}:{person.id}")
    return "deadline warnings", line
