"""`govflow notifications …`: deliver the outbox (also run at the end of every sweep)."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask.cli import with_appcontext

notifications_group = click.Group("notifications", help="The notification outbox and email delivery.")
CLI_COMMANDS = (notifications_group,)


@notifications_group.command("send")
@click.option("--as-of", "as_of", default=None,
              help="Treat this ISO date-time (UTC) as now, for retries in tests and previews.")
@with_appcontext
def send_command(as_of):
    """Email every due notification (SMTP if MAIL_SERVER is set; otherwise log them)."""
    from govflow.notifications import sender

    now = None
    if as_of:
        try:
            now = datetime.fromisoformat(as_of)
        except ValueError:
            raise click.BadParameter("use an ISO date-time like 2026-12-29T09:00",
                                     param_hint="--as-of") from None
        if now.tzinfo is not None:
            now = now.astimezone(UTC).replace(tzinfo=None)
    result = sender.send_pending(now=now)
    click.echo(f"Notifications: {result.summary()}")
