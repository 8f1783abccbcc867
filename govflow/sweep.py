"""`govflow sweep`: the daily (or more often) pass that escalates overdue blockers, applies
deemed approvals, sends warnings and reminders. Each domain contributes steps; every step
claims its rows (FOR UPDATE SKIP LOCKED on PostgreSQL), re-checks them, and handles each in
its own short transaction, so the sweep is idempotent and safe to run twice at once."""

from __future__ import annotations

import importlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import click
from flask import Flask
from flask.cli import with_appcontext

from govflow.clock import utcnow

# Modules that expose `sweep_steps() -> list[callable(SweepContext)]`, run in this order.
STEP_MODULES = (
    "govflow.items.blocker_sweep",
    "govflow.items.idea_sweep",
    "govflow.sponsors.sweep",
    "govflow.notifications.digest",
    "govflow.metrics.sweep",
)


@dataclass
class SweepContext:
    now: datetime
    dry_run: bool = False
    batch_size: int = 200
    counts: Counter = field(default_factory=Counter)
    lines: list[str] = field(default_factory=list)

    def did(self, what: str, line: str | None = None, n: int = 1) -> None:
        self.counts[what] += n
        if line:
            self.lines.append(line)

    def summary(self) -> str:
        if not self.counts:
            return "Sweep: nothing to do."
        parts = ", ".join(f"{what} {n}" for what, n in sorted(self.counts.items()))
        prefix = "Sweep (dry run, nothing changed)" if self.dry_run else "Sweep"
        return f"{prefix}: {parts}."


def steps():
    for name in STEP_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name != name:
                raise
            continue
        yield from module.sweep_steps()


def run(now: datetime | None = None, dry_run: bool = False, batch_size: int = 200) -> SweepContext:
    ctx = SweepContext(now=now or utcnow(), dry_run=dry_run, batch_size=batch_size)
    for step in steps():
        step(ctx)
    return ctx


def register_cli(app: Flask) -> None:
    app.cli.add_command(sweep_command)


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
    ctx = run(now=now, dry_run=dry_run)
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
