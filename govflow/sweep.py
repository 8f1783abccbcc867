"""`govflow sweep`: the daily (or more often) pass that escalates overdue blockers, applies
deemed approvals, sends warnings and reminders. Each domain contributes steps; every step
claims its rows (FOR UPDATE SKIP LOCKED on PostgreSQL), re-checks them, and handles them in
short transactions (a batch of items, or one row), so the sweep is idempotent and safe to run
twice at once. What a run tells people about items is grouped: one notification per person
per run (govflow.notifications.outbox.RunNotices)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from govflow import transaction
from govflow.clock import utcnow
from govflow.db import writing
from govflow.domain_errors import DomainError, StaleVersion
from govflow.extensions import db
from govflow.hooks import domain_hooks
from govflow.notifications import outbox

log = logging.getLogger("govflow.sweep")

# Modules that expose `sweep_steps() -> list[callable(SweepContext)]`, run in this order.
STEP_MODULES = (
    "govflow.items.blocker_sweep",
    "govflow.items.idea_sweep",
    "govflow.sponsors.sweep",
    "govflow.agreements.sweep",
    "govflow.accounts.sweep",  # deadlines that fall while their owner is away, no deputy
    "govflow.forums.sweep",  # rhythms' meetings eight weeks ahead; agendas the day before
    "govflow.notifications.digest",
    "govflow.metrics.sweep",
    "govflow.records.sweep",  # the day's record root, and the daily check of the record
    "govflow.submissions.sweep",
    "govflow.outcomes.sweep",  # the weekly progress report to those who subscribed
    "govflow.accounts.sso_sweep",  # single sign-on nonces older than a day
    "govflow.items.tallies",  # last: folds the tallies the steps above added to
)


@dataclass
class SweepContext:
    now: datetime
    dry_run: bool = False
    batch_size: int = 200
    counts: Counter = field(default_factory=Counter)
    lines: list[str] = field(default_factory=list)
    keep_lines: bool = True  # a line per thing done (-v, --dry-run); off, memory stays flat
    notices: outbox.RunNotices = field(init=False)

    def __post_init__(self) -> None:
        self.notices = outbox.RunNotices(self.now)

    def finish(self) -> None:
        """The run is over (or stopped by an error): what it committed may be emailed."""
        db.session.rollback()  # nothing half-done is left open (an error mid-batch)
        self.notices.discard()
        if self.notices.people:
            self.notices.release()
            self.did("people notified", n=self.notices.people)

    def did(self, what: str, line: str | None = None, n: int = 1) -> None:
        self.counts[what] += n
        if line and self.keep_lines:
            self.lines.append(line)

    def wins(self, what: str, line: str, mark: Callable[[], bool]) -> bool:
        """Whether to act on a row now: not in a dry run (which only counts what it would
        do), and only if `mark()` sets the row's marker before any other sweep does."""
        if self.dry_run:
            self.did(what, line)
            return False
        return mark()

    def summary(self) -> str:
        if not self.counts:
            return "Sweep: nothing to do."
        parts = ", ".join(f"{what} {n}" for what, n in sorted(self.counts.items()))
        prefix = "Sweep (dry run, nothing changed)" if self.dry_run else "Sweep"
        return f"{prefix}: {parts}."


def steps():
    for sweep_steps in domain_hooks(STEP_MODULES, "sweep_steps"):
        yield from sweep_steps()


def run(now: datetime | None = None, dry_run: bool = False, batch_size: int = 200,
        keep_lines: bool = True) -> SweepContext:
    ctx = SweepContext(now=now or utcnow(), dry_run=dry_run, batch_size=batch_size,
                       keep_lines=keep_lines)
    try:
        for step in steps():
            _end_reading()
            step(ctx)
    finally:
        ctx.finish()
    return ctx


def _end_reading() -> None:
    """End the transaction a step that only read left open, so that the next step's writes
    begin one of their own: on SQLite that takes the write lock up front (govflow.db.writing)
    and waits its turn, where a write in an old read transaction fails at once ("database is
    locked") if another sweep has written since it began. A step commits what it writes."""
    if not transaction.wrote(db.session()):
        db.session.rollback()


def in_batches(ctx: SweepContext, batches: Iterable[list[int]],
               claim: Callable[[list[int]], Iterable], handle: Callable, *,
               skipped: str, noun: str) -> None:
    """Handle items a batch at a time, each batch in one transaction.

    `claim(ids)` returns the items of the batch that still need the step, locked for the
    transaction (FOR UPDATE SKIP LOCKED on PostgreSQL, so another sweep's items are skipped;
    on SQLite the transaction takes the write lock up front). `handle(ctx, item)` does the work
    without committing and returns (what, line) for the summary, or None. The batch commits
    together with what it tells people (one notification per person per run). An item the
    workflow refuses is skipped alone; a batch the database refuses (someone changed an item
    under us, or SQLite stayed locked) is left whole for the next run rather than guessed at.
    """
    for ids in batches:
        done, refused = [], []
        try:
            with nullcontext() if ctx.dry_run else writing(), \
                    outbox.grouping(None if ctx.dry_run else ctx.notices):
                for item in claim(ids):
                    try:
                        result = handle(ctx, item)
                    except StaleVersion:
                        raise  # the engine rolled the whole transaction back: the batch is lost
                    except DomainError as err:
                        refused.append((item.id, err.message))
                        continue
                    if result:
                        done.append(result)
                if ctx.dry_run:
                    db.session.rollback()
                else:
                    ctx.notices.flush()
                    transaction.commit()
                    ctx.notices.committed()
        except (StaleDataError, StaleVersion, OperationalError) as err:
            db.session.rollback()
            ctx.notices.discard()
            message = (getattr(err, "message", None) or str(err)).splitlines()[0]
            log.warning("Sweep left %s %ss (%s–%s) for the next run: %s",
                        len(ids), noun, ids[0], ids[-1], message)
            ctx.did(skipped, f"Skipped {len(ids)} {noun}s ({ids[0]}–{ids[-1]}): {message}",
                    n=len(ids))
            continue
        for item_id, message in refused:
            log.warning("Sweep skipped %s %s: %s", noun, item_id, message)
            ctx.did(skipped, f"Skipped {noun} {item_id}: {message}")
        for what, line in done:
            ctx.did(what, line)


def claimed_batches(ctx: SweepContext, claim: Callable[[], list],
                    handle: Callable[[list], None]) -> None:
    """Claim rows a batch at a time until none are left (`claim()` locks the next batch that
    still needs the step; `handle(rows)` marks and tells, without committing). Each batch
    commits with what it tells people; a dry run looks at the first batch and keeps nothing."""
    while True:
        # The claim begins the batch's transaction, which on SQLite takes the write lock up
        # front (as in_batches does): another sweep's batch is waited for, not failed on.
        with nullcontext() if ctx.dry_run else writing():
            _end_reading()
            rows = claim()
            if not rows:
                _end_reading()
                break
            with outbox.grouping(None if ctx.dry_run else ctx.notices):
                handle(rows)
            if ctx.dry_run:
                db.session.rollback()
                break
            ctx.notices.flush()
            transaction.commit()
            ctx.notices.committed()


@click.command("sweep")
@click.option("--dry-run", is_flag=True, help="List what it would do; change nothing.")
@click.option("--as-of", "as_of", default=None,
              help="Run as at another moment (ISO date-time, UTC), for previews and tests.")
@click.option("--verbose", "-v", is_flag=True, help="Print a line per thing done.")
@click.option("--no-send", is_flag=True, help="Do not deliver the notification outbox afterwards.")
@with_appcontext
def sweep_command(dry_run, as_of, verbose, no_send):
    """Escalate overdue blockers, apply deemed approvals, send warnings and reminders."""
    now = None
    if as_of:
        try:
            now = datetime.fromisoformat(as_of)
        except ValueError:
            raise click.BadParameter("use an ISO date-time like 2026-12-29T09:00", param_hint="--as-of") from None
        if now.tzinfo is not None:
            from datetime import UTC

            now = now.astimezone(UTC).replace(tzinfo=None)
    ctx = run(now=now, dry_run=dry_run, keep_lines=verbose or dry_run)
    if verbose or dry_run:
        for line in ctx.lines:
            click.echo(line)
    click.echo(ctx.summary())
    if not dry_run and not no_send:
        try:
            from govflow.notifications import sender
        except ModuleNotFoundError:
            return
        sent = sender.send_pending(now=now)
        click.echo(f"Notifications: {sent.summary()}")


CLI_COMMANDS = (sweep_command,)
