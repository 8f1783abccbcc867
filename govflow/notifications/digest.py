"""The daily digest: once per person per London working day, what is due or overdue in the
queues they work (and the items they own), as one notification.

Sent by the sweep. The dedupe key (digest:<person>:<London date>) makes it once a day however
often the sweep runs; each person is handled in their own short transaction, their row
claimed FOR UPDATE SKIP LOCKED on PostgreSQL (on SQLite, the transaction holds the write
lock from its start) so two sweeps at once do not both write it.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from govflow import transaction, workdays
from govflow.accounts.models import User
from govflow.clock import utcnow
from govflow.db import for_update_skip_locked, writing
from govflow.extensions import db
from govflow.items.blocker_sweep import warning_horizon
from govflow.items.models import Item
from govflow.items.presenters import OPEN_CLOCK_STATES
from govflow.items.queries import queues_for, visible_items
from govflow.notifications.models import Notification, NotificationPreference
from govflow.notifications.outbox import notify, path_for
from govflow.permissions import can

LISTED = 20  # items named in one digest; the rest are counted


def sweep_steps():
    return [send_digests]


def digest_key(user_id: int, day: date) -> str:
    return f"digest:{user_id}:{day.isoformat()}"


def send_digests(ctx) -> None:
    today = workdays.london_date(ctx.now)
    if not workdays.is_working_day(today):
        return  # nobody needs a list of work at the weekend or on a bank holiday
    horizon = warning_horizon(ctx.now, 1)
    maybe = _who_may_have_something(horizon)
    after = 0
    while True:
        ids = list(db.session.scalars(
            select(User.id).where(User.active.is_(True), User.id > after)
            .order_by(User.id).limit(ctx.batch_size)
        ))
        db.session.rollback()
        if not ids:
            return
        for user_id in ids:
            if user_id in maybe:
                _digest_one(ctx, user_id, today, horizon)
        after = ids[-1]


def _who_may_have_something(horizon) -> set[int]:
    """Everyone who works a queue, and everyone owning an item due before `horizon`: nobody
    else can have anything in a digest, so they are not asked one by one (most people at
    scale). The people in the set are checked properly by `due_items_query`."""
    from govflow.accounts.models import RoleAssignment
    from govflow.notifications.outbox import QUEUE_ROLES

    queue_workers = db.session.scalars(
        select(RoleAssignment.user_id).where(RoleAssignment.role.in_(QUEUE_ROLES)).distinct())
    owners = db.session.scalars(
        select(Item.owner_id).where(Item.owner_id.is_not(None),
                                    Item.state.in_(OPEN_CLOCK_STATES),
                                    Item.due_at.is_not(None), Item.due_at < horizon)
        .distinct())
    people = set(queue_workers) | set(owners) | held_for_digest_people()
    db.session.rollback()
    return people


HELD_WINDOW = timedelta(days=7)  # notifications held longer than this are left to the inbox


def _held(user_id=None):
    """Notifications a person chose to have in their digest rather than at once, not yet in
    a digest: written since their last digest (within HELD_WINDOW), not emailed."""
    query = (select(Notification)
             .join(NotificationPreference, and_(
                 NotificationPreference.user_id == Notification.user_id,
                 NotificationPreference.kind == Notification.kind))
             .where(NotificationPreference.how == "digest",
                    Notification.email_status.in_(("pending", "not_sent")),
                    Notification.created_at >= utcnow() - HELD_WINDOW))
    if user_id is not None:
        query = query.where(Notification.user_id == user_id)
    return query


def held_for_digest_people() -> set[int]:
    return set(db.session.scalars(
        _held().with_only_columns(Notification.user_id).distinct()))


def held_for(user_id: int, since) -> list[Notification]:
    query = _held(user_id).order_by(Notification.created_at, Notification.id).limit(LISTED)
    if since is not None:
        query = query.where(Notification.created_at > since)
    return list(db.session.scalars(query))


def _last_digest_at(user_id: int):
    return db.session.scalar(select(func.max(Notification.created_at)).where(
        Notification.user_id == user_id, Notification.kind == "digest"))


def _already_sent(key: str) -> bool:
    return db.session.scalar(select(Notification.id).where(Notification.dedupe_key == key)) is not None


def due_items_query(user, horizon):
    """Open items with a running clock, in this person's queues or owned by them, due before
    `horizon` (so due within a working day, or overdue)."""
    clauses = [clause for _key, _heading, clause in queues_for(user)]
    clauses.append(Item.owner_id == user.id)
    return visible_items(user).where(
        or_(*clauses),
        Item.state.in_(OPEN_CLOCK_STATES),
        and_(Item.due_at.is_not(None), Item.due_at < horizon),
    )


def _digest_one(ctx, user_id: int, today: date, horizon) -> None:
    key = digest_key(user_id, today)
    sent = _already_sent(key)
    db.session.rollback()
    if sent:
        return
    # What follows reads, then writes the digest: on SQLite the transaction takes the write
    # lock from its start (govflow.db.writing), as a sweep batch does. Begun as a read, it
    # failed at its first write ("database is locked") whenever another sweep or a request
    # had written since it began, and busy_timeout does not wait for that.
    with nullcontext() if ctx.dry_run else writing():
        _write_digest(ctx, user_id, key, today, horizon)


def _write_digest(ctx, user_id: int, key: str, today: date, horizon) -> None:
    query = select(User).where(User.id == user_id, User.active.is_(True))
    if not ctx.dry_run:
        query = for_update_skip_locked(query, db.session)
    user = db.session.scalars(query).first()
    if user is None or _already_sent(key):  # another sweep has them, or just did them
        db.session.rollback()
        return
    due = due_items_query(user, horizon)
    # Counted on the index's columns only, both figures in one pass.
    found = due.order_by(None).with_only_columns(Item.id, Item.due_at,
                                                 maintain_column_froms=True).subquery()
    total, overdue = db.session.execute(select(
        func.count(), func.count().filter(found.c.due_at < ctx.now)).select_from(found)).one()
    # Only what they may still see (an item restricted since leaves their inbox too).
    held = [row for row in held_for(user.id, _last_digest_at(user.id))
            if can(user, "notification.view", row)]
    if not total and not held:
        db.session.rollback()
        return
    # Every one has a deadline, so overdue first is deadline order, which an index can give.
    items = db.session.scalars(due.order_by(Item.due_at, Item.id).limit(LISTED)
                               .options(selectinload(Item.area))).all()
    soon = total - overdue
    counts = ", ".join(part for part in (
        f"{overdue} overdue" if overdue else "",
        f"{soon} due within a working day" if soon else "",
        f"{len(held)} message{'' if len(held) == 1 else 's'} kept for your digest" if held else "",
    ) if part)
    line = f"{'Would send' if ctx.dry_run else 'Sent'} {user.email} a digest: {counts}"
    if ctx.dry_run:
        db.session.rollback()
        ctx.did("daily digests", line)
        return
    base = current_app.config.get("BASE_URL", "")
    lines = [f"What needs you in govflow today, {workdays.format_date(today)}:", ""]
    for item in items:
        lines.append(f"- {workdays.due_text(item.due_at, ctx.now)}: {item.title} "
                     f"({item.kind}, {item.tier.capitalize()}, {item.area.name})")
        lines.append(f"  {base}/items/{item.id}")
    if total > len(items):
        lines += ["", f"…and {total - len(items)} more in your queue."]
    if held:
        lines += ["", "Messages you asked to have in your digest:"]
        for row in held:
            lines.append(f"- {row.subject}")
            if row.link:
                lines.append(f"  {base}{row.link}")
    link = path_for("items.queue") if queues_for(user) else path_for("items.mine")
    try:
        notify(user, "digest", f"Your govflow digest: {counts}", "\n".join(lines),
               link=link, dedupe_key=key, now=ctx.now)
        transaction.commit()
    except IntegrityError:  # the other sweep wrote it first: once is enough
        db.session.rollback()
        return
    ctx.did("daily digests", line)
