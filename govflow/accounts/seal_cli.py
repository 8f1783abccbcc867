"""`govflow seal-secrets`: seal, with today's SECRET_KEY, every secret govflow keeps
(govflow/sealed.py): those kept before sealing began, and those sealed with a key now in
SECRET_KEY_FALLBACKS. Run it once after upgrading to 0034, and after changing SECRET_KEY."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select, text

from govflow.transaction import autocommit

# (table, key column, sealed column): read as stored, so that what needs sealing is seen.
SEALED_COLUMNS = (("second_factors", "user_id", "secret"),
                  ("identity_providers", "id", "client_secret"))


@click.command("seal-secrets")
@with_appcontext
@autocommit
def seal_secrets_command():
    """Seal every kept secret with today's SECRET_KEY."""
    from govflow.extensions import db
    from govflow.sealed import seal, sealed_with_current_key, unseal

    connection = db.session.connection()
    done = 0
    for table, key, column in SEALED_COLUMNS:
        rows = connection.execute(select(text(f"{key}, {column}")).select_from(text(table)))  # noqa: S608 - our own names
        for row_key, stored in rows.all():
            if sealed_with_current_key(stored):
                continue
            connection.execute(
                text(f"UPDATE {table} SET {column} = :value WHERE {key} = :key"),  # noqa: S608 - our own names
                {"value": seal(unseal(stored)), "key": row_key})
            done += 1
    click.echo(f"Sealed {done} secret{'s' if done != 1 else ''} with the current SECRET_KEY.")


CLI_COMMANDS = (seal_secrets_command,)
