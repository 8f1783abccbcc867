"""`govflow search rebuild`: write the search index again from the tables (after a bulk load
that no flush saw, or to check that the index has kept up)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from govflow.transaction import autocommit

search_group = click.Group("search", help="The index behind the search box.")
CLI_COMMANDS = (search_group,)


@search_group.command("rebuild")
@with_appcontext
@autocommit
def rebuild_command():
    """Write every blocker, idea, decision, meeting, set of approved minutes, sponsor
    action and agreement into the search index again, in one transaction."""
    from govflow.extensions import db
    from govflow.search.index import rebuild

    n = rebuild(db.session.connection())
    click.echo(f"Search index rebuilt: {n:,} documents.")
