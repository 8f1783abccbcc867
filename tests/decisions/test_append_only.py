"""Decisions and events cannot be changed or removed: not by the ORM, not by raw SQL through
the connection (the migration's triggers), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from govflow.decisions.models import Decision
from govflow.extensions import db
from govflow.items import ideas
from govflow.items.models import AppendOnlyError, Event
from govflow.workflow import engine


@pytest.fixture
def decision(app, people):
    item = ideas.propose_idea(
        people["practitioner"], title="Append-only check", description="A trial.",
        why="It helps.", outcomes=["reach-full-potential"], area="denaby", funding_asked="100",
    )
    engine.fire(item, "approve", people["facilitator"], fields={"conditions": "None."})
    db.session.commit()  # as the request that approved it did
    return db.session.scalar(select(Decision).where(Decision.item_id == item.id))


def _refused_by_database(statement, params):
    """Run raw SQL in a savepoint; the database must refuse it (and the savepoint is undone)."""
    connection = db.session.connection()
    savepoint = connection.begin_nested()
    with pytest.raises(DBAPIError) as err:
        connection.execute(text(statement), params)
    savepoint.rollback()
    assert "append-only" in str(err.value.orig)


@pytest.mark.parametrize("table", ["decisions", "events"])
def test_raw_sql_update_is_refused_by_the_database(decision, table):
    row_id = decision.id if table == "decisions" else decision.event_id
    column = "summary" if table == "decisions" else "reason"
    _refused_by_database(f"UPDATE {table} SET {column} = 'rewritten' WHERE id = :id", {"id": row_id})
    value = db.session.execute(text(f"SELECT {column} FROM {table} WHERE id = :id"),
                               {"id": row_id}).scalar()
    assert value != "rewritten"


@pytest.mark.parametrize("table", ["decisions", "events"])
def test_raw_sql_delete_is_refused_by_the_database(decision, table):
    row_id = decision.id if table == "decisions" else decision.event_id
    _refused_by_database(f"DELETE FROM {table} WHERE id = :id", {"id": row_id})
    assert db.session.execute(text(f"SELECT count(*) FROM {table} WHERE id = :id"),
                              {"id": row_id}).scalar() == 1


def test_a_bulk_orm_update_skips_the_orm_guard_but_not_the_database(decision):
    savepoint = db.session.begin_nested()
    with pytest.raises(DBAPIError):
        db.session.execute(update(Decision).where(Decision.id == decision.id)
                           .values(outcome="declined"))
    savepoint.rollback()
    savepoint = db.session.begin_nested()
    with pytest.raises(DBAPIError):
        db.session.execute(delete(Event).where(Event.id == decision.event_id))
    savepoint.rollback()


def test_the_orm_refuses_to_change_a_decision(decision):
    decision.summary = "Changed my mind"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()


def test_the_orm_refuses_to_delete_a_decision_or_an_event(decision):
    event = db.session.get(Event, decision.event_id)
    db.session.delete(decision)
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(event)
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()


def test_a_decision_can_be_superseded_only_once(decision, people):
    def correction():
        return Decision(item_id=decision.item_id, tier=decision.tier, outcome=decision.outcome,
                        summary="Corrected", decided_by_id=decision.decided_by_id,
                        decided_at=decision.decided_at, supersedes_id=decision.id)

    db.session.add(correction())
    db.session.flush()
    savepoint = db.session.begin_nested()
    db.session.add(correction())
    with pytest.raises(IntegrityError):
        db.session.flush()
    savepoint.rollback()
