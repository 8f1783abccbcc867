"""`govflow minutes export` and `govflow decisions export`: PDFs for a secretary's scheduled jobs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext

minutes_group = click.Group("minutes", help="Meeting minutes.")
decisions_group = click.Group("decisions", help="The decision log.")
CLI_COMMANDS = (minutes_group, decisions_group)


def _write(out: str, data: bytes) -> None:
    path = Path(out)
    try:
        path.write_bytes(data)
    except OSError as err:
        raise click.ClickException(f"Could not write {out}: {err.strerror}") from None


def _date(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use a date like 2027-03-31", param_hint=option) from None


@minutes_group.command("export")
@click.argument("meeting_id", type=int)
@click.option("--out", required=True, help="Where to write the PDF.")
@with_appcontext
def minutes_export(meeting_id, out):
    """Write a meeting's minutes: the archived PDF/A if approved, otherwise a DRAFT."""
    from govflow.extensions import db
    from govflow.forums import minutes
    from govflow.forums.models import Meeting

    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise click.ClickException(f"There is no meeting {meeting_id}.")
    data, archived = minutes.minutes_pdf(meeting)
    _write(out, data)
    if archived:
        click.echo(f"Approved minutes written to {out} (SHA-256 {meeting.minutes_sha256}).")
    else:
        click.echo(f"DRAFT minutes written to {out}: this meeting's minutes are not approved yet.")


@decisions_group.command("export")
@click.option("--forum", "forum_slug", help="Only decisions taken at this forum's meetings.")
@click.option("--area", "area_slug", help="Only decisions on this area's blockers and ideas.")
@click.option("--from", "date_from", help="From this date (YYYY-MM-DD, London time).")
@click.option("--to", "date_to", help="Up to and including this date.")
@click.option("--out", required=True, help="Where to write the PDF.")
@with_appcontext
def decisions_export(forum_slug, area_slug, date_from, date_to, out):
    """Write a decision log PDF; superseded decisions are struck through."""
    from sqlalchemy import select

    from govflow.accounts.models import LocalArea
    from govflow.extensions import db
    from govflow.forums import minutes
    from govflow.forums.models import Forum

    forum = area = None
    if forum_slug:
        forum = db.session.scalar(select(Forum).where(Forum.slug == forum_slug))
        if forum is None:
            raise click.BadParameter(f"there is no forum called {forum_slug!r}", param_hint="--forum")
    if area_slug:
        area = db.session.scalar(select(LocalArea).where(LocalArea.slug == area_slug))
        if area is None:
            raise click.BadParameter(f"there is no area called {area_slug!r}", param_hint="--area")
    start, end = _date(date_from, "--from"), _date(date_to, "--to")
    if start and end and end < start:
        raise click.BadParameter("must be on or after --from", param_hint="--to")
    scope = minutes.LogScope(forum=forum, area=area, date_from=start, date_to=end)
    count = len(minutes.log_decisions(scope))
    _write(out, minutes.render_decision_log(scope, author=forum.name if forum else "govflow"))
    click.echo(f"Decision log written to {out}: {scope.describe()} ({count} decision{'s' if count != 1 else ''}).")
