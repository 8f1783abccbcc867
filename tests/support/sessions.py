"""How the suite runs code inside a transaction it rolls back: db.session bound to one
connection, where the code's commits become savepoints, and each request through the test
client loading its own signed-in person."""

from __future__ import annotations

from contextlib import contextmanager

from flask import g, request_started
from sqlalchemy.orm import scoped_session, sessionmaker


@contextmanager
def session_on(connection):
    """db.session bound to `connection` (commits are savepoints in its transaction); the
    app's own session again afterwards."""
    from govflow.extensions import db

    original = db.session
    db.session = scoped_session(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
    try:
        yield
    finally:
        db.session.remove()
        db.session = original


def _fresh_globals(sender, **_extra):
    # Requests made while a test's app context is pushed share it, and so share `g`:
    # Flask-Login caches the signed-in person there. Clearing it makes each request load its
    # own user from its own cookie, as it does in production.
    g.__dict__.clear()


@contextmanager
def fresh_globals_per_request(app):
    """While it lasts, every request `app` begins starts with an empty `g`."""
    request_started.connect(_fresh_globals, app)
    try:
        yield
    finally:
        request_started.disconnect(_fresh_globals, app)
