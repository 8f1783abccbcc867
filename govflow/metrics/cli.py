"""`govflow calendar fill`: (re)build the working-day calendar the dashboard counts with."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from govflow.metrics import calendar
from govflow.transaction import autocommit

calendar_group = click.Group(
    "calendar", help="The working-day calendar (Monday–Friday, not bank holidays).")
CLI_COMMANDS = (calendar_group,)


@calendar_group.command("fill")
@click.option("--from-year", type=int, default=calendar.DEFAULT_FIRST_YEAR, show_default=True)
@click.option("--to-year", type=int, default=calendar.DEFAULT_LAST_YEAR, show_default=True)
@with_appcontext
@autocommit
def fill_command(from_year, to_year):
    """Rebuild the calendar to cover FROM-YEAR..TO-YEAR (and whatever it covered already).

    Run it after upgrading the holidays library, so a newly announced bank holiday counts.
    """
    from govflow.extensions import db

    if from_year > to_year:
        raise click.BadParameter("--from-year must not be after --to-year")
    first, last, n = calendar.fill(db.session.connection(), from_year, to_year)
    click.echo(f"Working-day calendar: {n} days from {first} to {last}.")
