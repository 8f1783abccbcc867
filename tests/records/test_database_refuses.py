"""The database itself refuses to change or remove the record: UPDATE, DELETE and TRUNCATE
(SQLite has no TRUNCATE; a DELETE without WHERE is its form of it)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from govflow.extensions import db
from govflow.forums.models import Meeting

# table -> a row of it that is sealed in the demo partnership
SEALED = {
    "events": "SELECT min(id) FROM events",
    "decisions": "SELECT min(id) FROM decisions",
    "sponsor_action_events": "SELECT min(id) FROM sponsor_action_events",
    "comments": "SELECT min(id) FROM comments",
    "minutes_addenda": "SELECT min(id) FROM minutes_addenda",
    "record_roots": "SELECT min(id) FROM record_roots",
    "meetings": "SELECT min(id) FROM meetings WHERE chain_hash IS NOT NULL",
    "agenda_items": "SELECT min(id) FROM agenda_items WHERE chain_hash IS NOT NULL",
    "meeting_attendance": "SELECT min(id) FROM meeting_attendance WHERE chain_hash IS NOT NULL",
}


@pytest.fixture
def record_rows(app, people):
    """A comment, an addendum and a root, so every kind of row exists."""
    from govflow.forums import services as forums
    from govflow.items.models import Item
    from govflow.items.services import add_comment
    from govflow.records.models import RecordRoot

    item = db.session.scalar(select(Item).order_by(Item.id))
    add_comment(item, people["practitioner"], "We have this in Balby too.")
    meeting = db.session.scalar(select(Meeting).where(Meeting.status == "approved"))
    forums.add_addendum(meeting, meeting.chair, "The date of the next meeting was 9 January.")
    db.session.add(RecordRoot(day=__import__("datetime").date(2026, 1, 1), root_hash="0" * 64,
                              entries=0, chains=0))
    db.session.flush()


def _refused(statement: str, **params) -> str:
    nested = db.session.begin_nested()
    with pytest.raises(DatabaseError) as caught:
        db.session.execute(text(statement), params)
    nested.rollback()
    return str(caught.value)


@pytest.mark.parametrize("table", sorted(SEALED))
def test_update_and_delete_of_the_record_are_refused(record_rows, table):
    row_id = db.session.execute(text(SEALED[table])).scalar()
    assert row_id is not None, f"no sealed {table} row in the demo"
    message = _refused(f"UPDATE {table} SET id = id WHERE id = :id", id=row_id)  # noqa: S608
    assert "refused" in message or "locked" in message
    message = _refused(f"DELETE FROM {table} WHERE id = :id", id=row_id)  # noqa: S608
    assert "refused" in message or "locked" in message


@pytest.mark.parametrize("table", sorted(SEALED) + ["record_chains", "sponsor_actions"])
def test_truncate_of_the_record_is_refused(record_rows, table):
    if db.session.get_bind().dialect.name == "postgresql":
        message = _refused(f"TRUNCATE {table} CASCADE")
    else:
        message = _refused(f"DELETE FROM {table}")  # noqa: S608
    assert "refused" in message or "locked" in message or "never deleted" in message


def test_truncating_items_cascades_into_a_refusal(record_rows):
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("TRUNCATE … CASCADE is PostgreSQL's")
    assert "TRUNCATE refused" in _refused("TRUNCATE items CASCADE")
