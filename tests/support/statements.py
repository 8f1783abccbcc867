"""Recording the SQL statements a request or a piece of work runs, for the tests that keep a
page's query count fixed whatever the amount of data."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

from govflow.extensions import db


@contextmanager
def recorded_statements(engine: Engine | None = None) -> Iterator[list[str]]:
    """A list that fills with the text of each statement run on `engine` (the app's, inside
    an app context, unless one is named) until the block ends."""
    engine = db.engine if engine is None else engine
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
