"""The one transaction rule: the only place govflow commits.

A web request, an API call and a CLI command each commit once, at their boundary; use-cases
(services, the workflow engine) write and flush, never commit, so two of them called by one
request land together or not at all. A long-running command (the sweep, the email sender)
is a series of units of work, one per batch, each committed here too.

- Requests: `init_app` registers the boundary. A request handled by one of govflow's
  blueprints that ends with a response below 400 commits what it wrote; one that ends with
  an error (a form sent back with 400, a refusal's 409, a 500) commits nothing, and the
  session's removal at the end of the request rolls it back.
- CLI commands: `@autocommit` under the command's decorators.
- Batches: `with unit_of_work():` around each batch, or `commit()` where the batch code
  already ends its transaction itself (it also rolls back a dry run).

Emails and PDFs are made after the commit: the outbox rows are written in the transaction,
and the sender delivers them later, each delivery its own unit of work.
See docs/transactions.md.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, Response, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from govflow.extensions import db

_WROTE = "govflow_wrote"


def commit() -> None:
    """End the current unit of work, keeping what it wrote. Only boundaries call this."""
    db.session.commit()


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit what the block wrote when it ends normally; keep nothing if it raises."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    commit()


def autocommit(command: Callable) -> Callable:
    """A CLI command's boundary: it commits once, when the command returns."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        with unit_of_work():
            return command(*args, **kwargs)

    return run


def wrote(session: Session) -> bool:
    """Has this session something to commit: unflushed changes, or statements that wrote?"""
    return bool(session.info.get(_WROTE) or session.new or session.dirty or session.deleted)


@contextmanager
def not_the_requests_write(session: Session) -> Iterator[None]:
    """What is flushed in this block is kept only if the request writes something of its
    own: a submission key's claim (govflow/submissions) does not make a request that changes
    nothing commit."""
    before = session.info.get(_WROTE)
    try:
        yield
    finally:
        if before:
            session.info[_WROTE] = before
        else:
            session.info.pop(_WROTE, None)


def init_app(app: Flask) -> None:
    """Make the end of each request its transaction's boundary."""

    @app.after_request
    def _end_of_request(response: Response) -> Response:
        # Routes outside govflow's blueprints (none in production; a test's own routes)
        # end their transactions themselves.
        if request.blueprint is None or not db.session.registry.has():
            return response
        if response.status_code < 400 and wrote(db.session()):
            commit()
        return response


def _track_writes() -> None:
    """Note, on each session, that it wrote something since its transaction began."""

    @event.listens_for(Session, "after_flush")
    def _flushed(session, _context):
        session.info[_WROTE] = True

    @event.listens_for(Session, "do_orm_execute")
    def _statement(state):
        if state.is_insert or state.is_update or state.is_delete:
            state.session.info[_WROTE] = True

    @event.listens_for(Session, "after_commit")
    @event.listens_for(Session, "after_rollback")
    def _ended(session):
        session.info.pop(_WROTE, None)


_track_writes()
