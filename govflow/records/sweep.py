"""The sweep's part in keeping the record honest: each complete day's root, taken once and sent
to the central forum's secretaries; and once a day the whole record checked, with every
admin told of a break."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from govflow import transaction, workdays
from govflow.clock import utcnow
from govflow.db import writing
from govflow.extensions import db
from govflow.records.models import RecordRoot, RecordVerification
from govflow.records.roots import compute_root, days_to_root, stored_root

log = logging.getLogger("govflow.records")


def sweep_steps():
    return [take_roots, verify_record]


def _central_secretaries() -> list:
    from govflow.forums.models import Forum
    from govflow.forums.services import forum_secretaries

    people = {}
    for forum in db.session.scalars(select(Forum).where(Forum.kind == "central",
                                                        Forum.active.is_(True))):
        for person in forum_secretaries(forum):
            people[person.id] = person
    return list(people.values())


def _admins() -> list:
    from govflow.accounts.models import RoleAssignment, User

    return list(db.session.scalars(
        select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == "admin", User.active.is_(True))
        .distinct().order_by(User.id)))


def take_roots(ctx) -> None:
    """Each complete day without a root gets one, exactly once even with two sweeps at once
    (the day is unique: the second sweep's insert fails and it moves on)."""
    from govflow.notifications.outbox import notify

    if ctx.dry_run:
        return
    for day in days_to_root(ctx.now):
        # End the read transaction first, so the write below begins one that takes the write
        # lock up front (SQLite): a read transaction that later writes fails at once with
        # "database is locked" when another process wrote in between.
        db.session.rollback()
        try:
            with writing():
                if stored_root(day) is not None:
                    db.session.rollback()
                    continue
                root = compute_root(day)
                db.session.add(RecordRoot(day=root.day, root_hash=root.root_hash,
                                          entries=root.entries, chains=root.chains,
                                          computed_at=ctx.now))
                db.session.flush()
                # Witnesses outside the database: the root, in their inboxes and email.
                for person in _central_secretaries():
                    notify(person, "record_root", root.line(),
                           f"{root.line()}\n\nKeep this email: the root lets anyone check later "
                           "that the decision log and minutes of that day have not been changed "
                           "(govflow verify-export checks an export against it).",
                           link="/admin/record", dedupe_key=f"record-root:{day}:{person.id}",
                           now=ctx.now)
                transaction.commit()
        except IntegrityError:
            db.session.rollback()  # another sweep took this day's root first
            continue
        ctx.did("record roots taken", root.line())


def verify_record(ctx) -> None:
    """Recompute every chain once a day (the first sweep of the day claims the check)."""
    from govflow.notifications.outbox import notify
    from govflow.records.verify import verify_chains

    if ctx.dry_run:
        return
    today = workdays.london_date(ctx.now)
    db.session.rollback()  # as in take_roots: the claim below takes the write lock up front
    try:
        with writing():
            if db.session.scalar(select(RecordVerification.id)
                                 .where(RecordVerification.day == today)):
                db.session.rollback()
                return
            run = RecordVerification(day=today, started_at=utcnow())
            db.session.add(run)
            transaction.commit()
    except IntegrityError:
        db.session.rollback()  # another sweep is checking today
        return
    run_id = run.id
    report = verify_chains(examples=10)
    db.session.rollback()  # the check only reads: hold no locks while telling people
    with writing():
        run = db.session.get(RecordVerification, run_id)
        run.finished_at = utcnow()
        run.intact = report.intact
        run.entries = report.entries
        run.breaks = report.break_count
        run.first_break = report.breaks[0] if report.breaks else ""
        if not report.intact:
            body = "\n".join(f"- {line}" for line in report.breaks)
            for person in _admins():
                notify(person, "record_broken",
                       f"The record failed its check: {report.break_count:,} broken "
                       f"chain(s)", f"govflow check found:\n{body}\n\nSee /admin/record.",
                       link="/admin/record", dedupe_key=f"record-broken:{today}:{person.id}",
                       now=ctx.now)
            log.error("record check: %s broken chain(s); first: %s", report.break_count,
                      run.first_break)
        transaction.commit()
    ctx.did("record checked" if report.intact else "record breaks found",
            f"Record checked: {report.entries:,} entries, {report.break_count:,} break(s)")
