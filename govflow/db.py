"""Database helpers shared by every domain: SQLite pragmas, dialect checks, row claiming."""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

_writing: ContextVar[bool] = ContextVar("govflow_writing", default=False)
_reading: ContextVar[bool] = ContextVar("govflow_reading", default=False)


@contextmanager
def writing() -> Iterator[None]:
    """Transactions begun in this block are going to write (a sweep's batch): on SQLite they
    take the write lock up front, like a POST request, rather than fail half-way through."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


@contextmanager
def reading() -> Iterator[None]:
    """Transactions begun in this block only read, even in a POST request: on SQLite they
    do not take the write lock. Signing in checks a password (scrypt: a few tenths of a
    second) between reading the person and writing anything; holding the lock for that
    queued every other writer, and every other sign-in, behind it. End the transaction
    before the block ends: a write in a read transaction can fail at once on SQLite."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def init_sqlite(app: Flask) -> None:
    """Turn on foreign keys and WAL on every SQLite connection (off by default in SQLite)."""
    from govflow.extensions import db

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(app.config.get('SQLITE_BUSY_TIMEOUT_MS', 10000))}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        # A request that changes data reads first and writes later. In a deferred SQLite
        # transaction that upgrade fails at once with "database is locked" when another
        # process wrote in between (busy_timeout does not apply), so such requests take the
        # write lock up front and wait their turn instead.
        if not _reading.get() and (_writing.get() or _changing_request()):
            wait_for_write_lock(conn.connection.driver_connection,
                                int(app.config.get("SQLITE_BUSY_TIMEOUT_MS", 10000)))
        else:
            conn.exec_driver_sql("BEGIN")


def wait_for_write_lock(dbapi_connection, timeout_ms: int) -> None:
    """BEGIN IMMEDIATE, trying again every millisecond or two until timeout_ms has passed.

    SQLite's own busy handler waits longer and longer between tries (1, 2, 5 … then 100 ms
    each), so a request that has already waited a while keeps losing the lock to ones that
    have just arrived: with eight people taking items at once, one in a hundred waited two
    seconds for a lock that is never held for more than a few milliseconds. Short, even
    tries make the wait about as long as the queue in front. After timeout_ms the error is
    SQLite's "database is locked", as before (a 503 page)."""
    deadline = time.monotonic() + timeout_ms / 1000
    dbapi_connection.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                dbapi_connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) and "busy" not in str(err):
                    raise OperationalError("BEGIN IMMEDIATE", (), err) from err
                if time.monotonic() >= deadline:
                    raise OperationalError("BEGIN IMMEDIATE", (), err) from err
                time.sleep(random.uniform(0.0005, 0.002))  # noqa: S311 - jitter, not a secret
    finally:
        dbapi_connection.execute(f"PRAGMA busy_timeout={int(timeout_ms)}")


def _changing_request() -> bool:
    from flask import has_request_context, request

    return has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")


def is_postgres(session_or_engine) -> bool:
    bind = session_or_engine.get_bind() if hasattr(session_or_engine, "get_bind") else session_or_engine
    return bind.dialect.name == "postgresql"


def for_update_skip_locked(query, session):
    """Claim rows so two sweeps never handle the same one (PostgreSQL); SQLite locks the file."""
    if is_postgres(session):
        return query.with_for_update(skip_locked=True)
    return query


def init_postgres(app: Flask) -> None:
    """End each request that wrote nothing with COMMIT rather than ROLLBACK.

    psycopg prepares a statement on a connection once it has run five times there, so
    PostgreSQL stops parsing and planning it; but it forgets every prepared statement at
    a ROLLBACK (one may have undone a change to the schema), and every request used to end
    with one, so nothing stayed prepared. For a transaction that wrote nothing, COMMIT and
    ROLLBACK leave the database the same. A request that wrote anything (any statement but
    a SELECT, flushed or not) still ends with a ROLLBACK of whatever it did not commit."""
    from govflow import transaction
    from govflow.extensions import db

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.info["govflow_wrote"] = False

    @event.listens_for(engine, "before_cursor_execute")
    def _note_writes(conn, _cursor, statement, _parameters, context, _executemany):
        if not _only_reads(statement, context):
            conn.info["govflow_wrote"] = True

    @app.teardown_appcontext
    def _commit_reads(exc):
        # Registered after Flask-SQLAlchemy's teardown, so it runs before that one closes
        # (and rolls back) the session.
        if exc is not None or not db.session.registry.has():
            return
        session = db.session()
        if not session.in_transaction() or session.new or session.dirty or session.deleted:
            return
        if session.connection().info.get("govflow_wrote", True):
            return
        try:
            transaction.commit()
        except Exception:  # noqa: BLE001 - the connection is gone; the session's removal cleans up
            session.rollback()


def _only_reads(statement: str, context) -> bool:
    """A SELECT, or a SELECT that begins with WITH (the search, the decision log's list of
    deciders) built by SQLAlchemy as a select with no INSERT, UPDATE or DELETE among its
    WITHs. A WITH written as text, which could hold one, counts as a write, as does any
    other statement."""
    head = statement.lstrip()[:6].upper()
    if head == "SELECT":
        return True
    compiled = getattr(context, "compiled", None)
    return (head.startswith("WITH") and compiled is not None
            and bool(getattr(compiled.statement, "is_select", False))
            and not any(getattr(cte.element, "is_dml", False)
                        for cte in getattr(compiled, "ctes", ())))
