"""Tampering with the record, as someone with database access would (the database's refusals
lifted), is each time named by `govflow check`: the table, the row, and which field no longer
matches or which row is missing."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import select, text

from govflow.decisions.models import Decision
from govflow.extensions import db
from govflow.forums.models import AgendaItem, ConflictDeclaration, Meeting, MeetingAttendance
from govflow.items.models import Comment, Event, Item
from govflow.sponsors.models import SponsorAction, SponsorActionEvent
from tests.support.tamper import bypass_protections


def _check(runner) -> tuple[int, str]:
    result = runner.invoke(args=["check", "--json"])
    report = {r["check"]: r for r in json.loads(result.output)}
    return result.exit_code, "\n".join(report["record_chains"]["examples"])


def _broken_links(runner) -> str:
    """`govflow check` must fail (exit 1); what it says of the broken links."""
    code, examples = _check(runner)
    assert code == 1, examples
    return examples


def _sql(statement: str, **params) -> None:
    db.session.execute(text(statement), params)


def _item_with_history(min_events: int = 3) -> Item:
    """A demo item with at least `min_events` events and a decision."""
    return db.session.scalar(
        select(Item).where(
            Item.id.in_(select(Decision.item_id)),
            select(db.func.count(Event.id)).where(Event.item_id == Item.id)
            .scalar_subquery() >= min_events,
        ).order_by(Item.id))


def _events(item: Item) -> list[Event]:
    return list(db.session.scalars(select(Event).where(Event.item_id == item.id)
                                   .order_by(Event.chain_seq)))


def _approved_meeting() -> Meeting:
    meeting = db.session.scalar(select(Meeting).where(Meeting.status == "approved"))
    assert meeting is not None, "the demo partnership has approved minutes"
    return meeting


def test_the_untouched_record_is_intact(runner):
    code, examples = _check(runner)
    assert code == 0, examples
    assert examples == ""


@pytest.mark.parametrize("column, value", [
    ("reason", "'Nothing to see here'"),
    ("actor_id", "NULL"),
    ("at", "'2020-01-01 09:00:00.000000'"),
    ("trigger", "'withdraw'"),
    ("to_state", "'closed'"),
])
def test_an_edited_event_is_named_with_its_field(app, runner, column, value):
    item = _item_with_history()
    event = _events(item)[1]
    bypass_protections()
    _sql(f"UPDATE events SET {column} = {value} WHERE id = :id", id=event.id)  # noqa: S608
    examples = _broken_links(runner)
    assert (f"events row {event.id} (entry 2 of item {item.id}'s record): {column} "
            "no longer matches its recorded hash") in examples


@pytest.mark.parametrize("column, value", [
    ("rationale", "'Because we said so'"),
    ("summary", "'Something else'"),
    ("decided_by_id", "(SELECT min(id) FROM users WHERE id <> decisions.decided_by_id)"),
    ("outcome", "'noted'"),
])
def test_an_edited_decision_is_named_with_its_field(app, runner, column, value):
    decision = db.session.scalar(select(Decision).where(Decision.decided_by_id.is_not(None))
                                 .order_by(Decision.id))
    bypass_protections()
    _sql(f"UPDATE decisions SET {column} = {value} WHERE id = :id", id=decision.id)  # noqa: S608
    examples = _broken_links(runner)
    assert f"decisions row {decision.id} (entry {decision.chain_seq} " in examples
    assert f"{column} no longer matches its recorded hash" in examples


def test_an_edited_comment_is_named(app, runner, people):
    from govflow.items.services import add_comment

    item = _item_with_history()
    comment = add_comment(item, people["practitioner"], "We saw this in Denaby too.")
    bypass_protections()
    _sql("UPDATE comments SET body = 'Nothing happened' WHERE id = :id", id=comment.id)
    examples = _broken_links(runner)
    assert (f"comments row {comment.id} (entry {comment.chain_seq} of item {item.id}'s record): "
            "body no longer matches its recorded hash") in examples


@pytest.mark.parametrize("column, value", [("what", "'Something easier'"),
                                           ("due_on", "'2030-01-01'"),
                                           ("owner_id", "(SELECT min(id) FROM users WHERE "
                                                        "id <> sponsor_actions.owner_id)")])
def test_a_sponsor_action_edited_behind_its_history_is_named(app, runner, column, value):
    action = db.session.scalar(select(SponsorAction).order_by(SponsorAction.id))
    bypass_protections()
    _sql(f"UPDATE sponsor_actions SET {column} = {value} WHERE id = :id",  # noqa: S608
         id=action.id)
    examples = _broken_links(runner)
    assert f"sponsor_actions row {action.id}: {column} no longer matches its history" in examples


def test_an_edited_sponsor_action_history_entry_is_named(app, runner):
    entry = db.session.scalar(select(SponsorActionEvent).order_by(SponsorActionEvent.id))
    bypass_protections()
    _sql("UPDATE sponsor_action_events SET note = 'Done long ago' WHERE id = :id", id=entry.id)
    examples = _broken_links(runner)
    assert (f"sponsor_action_events row {entry.id} (entry {entry.chain_seq} of sponsor action "
            f"{entry.action_id}'s record): note no longer matches") in examples


@pytest.mark.parametrize("table, column, value", [
    ("meetings", "summary", "'A quiet meeting'"),
    ("meetings", "approved_by_id", "NULL"),
    ("agenda_items", "notes", "'Nothing was agreed'"),
    ("meeting_attendance", "status", "'apologies'"),
    ("conflict_declarations", "declaration", "'None'"),
])
def test_edited_approved_minutes_are_named(app, runner, table, column, value):
    meeting = _approved_meeting()
    model = {"meetings": Meeting, "agenda_items": AgendaItem,
             "meeting_attendance": MeetingAttendance,
             "conflict_declarations": ConflictDeclaration}[table]
    if table == "meetings":
        row_id = meeting.id
    else:
        row_id = db.session.scalar(select(model.id).where(model.meeting_id == meeting.id)
                                   .order_by(model.id))
        if row_id is None:
            pytest.skip(f"the demo's approved minutes have no {table}")
    bypass_protections()
    _sql(f"UPDATE {table} SET {column} = {value} WHERE id = :id", id=row_id)  # noqa: S608
    examples = _broken_links(runner)
    assert f"{table} row {row_id} (entry " in examples
    assert f"of meeting {meeting.id}'s record): {column} no longer matches" in examples


def test_a_minutes_pdf_swapped_with_its_hash_is_named(app, runner):
    meeting = _approved_meeting()
    forged = b"%PDF-1.7\n% minutes that were never approved\n"
    bypass_protections()
    _sql("UPDATE meetings SET minutes_pdf = :pdf, minutes_sha256 = :sha WHERE id = :id",
         pdf=forged, sha=hashlib.sha256(forged).hexdigest(), id=meeting.id)
    examples = _broken_links(runner)
    assert (f"meetings row {meeting.id} (entry {meeting.chain_seq} of meeting {meeting.id}'s "
            "record): minutes_sha256 no longer matches its recorded hash") in examples


def test_a_deleted_event_is_named_by_its_place(app, runner):
    item = _item_with_history()
    events = _events(item)
    gone, after = events[1], events[2]
    bypass_protections()
    _sql("DELETE FROM decisions WHERE event_id = :id", id=gone.id)
    _sql("DELETE FROM events WHERE id = :id", id=gone.id)
    examples = _broken_links(runner)
    assert (f"item {item.id}'s record: entry {gone.chain_seq} is missing after events row "
            f"{events[0].id}, before ") in examples
    assert f"row {after.id} (entry {after.chain_seq}): a row was deleted" in examples or \
        "a row was deleted" in examples


def test_a_deleted_decision_is_named_by_its_place(app, runner):
    decision = db.session.scalar(select(Decision).order_by(Decision.id))
    bypass_protections()
    _sql("DELETE FROM decisions WHERE id = :id", id=decision.id)
    examples = _broken_links(runner)
    assert f"item {decision.item_id}'s record: entr" in examples
    assert "deleted" in examples


def test_a_deleted_last_entry_is_named(app, runner):
    item = _item_with_history()
    last = db.session.scalar(select(Comment).where(Comment.item_id == item.id)) or None
    events = _events(item)
    tail = events[-1]
    bypass_protections()
    _sql("DELETE FROM comments WHERE item_id = :id", id=item.id)
    _sql("DELETE FROM decisions WHERE item_id = :id AND chain_seq >= :seq", id=item.id,
         seq=tail.chain_seq)
    _sql("DELETE FROM events WHERE id = :id", id=tail.id)
    examples = _broken_links(runner)
    assert f"item {item.id}'s record: entries {tail.chain_seq} to " in examples
    assert last is None or "missing" in examples


def test_reordered_events_are_named(app, runner):
    item = _item_with_history()
    first, second = _events(item)[1:3]
    bypass_protections()
    # Swap the two rows' places in the table (their ids), keeping each one's content.
    _sql("UPDATE decisions SET event_id = NULL WHERE event_id IN (:a, :b)",
         a=first.id, b=second.id)
    _sql("UPDATE events SET id = -1 WHERE id = :a", a=first.id)
    _sql("UPDATE events SET id = :a WHERE id = :b", a=first.id, b=second.id)
    _sql("UPDATE events SET id = :b WHERE id = -1", b=second.id)
    examples = _broken_links(runner)
    assert f"events row {first.id} (entry {second.chain_seq} of item {item.id}'s record) " \
        "is out of order" in examples


def test_a_forged_copy_of_an_event_is_named(app, runner):
    item = _item_with_history()
    event = _events(item)[1]
    bypass_protections()
    columns = [c.name for c in Event.__table__.columns if c.name != "id"]
    names = ", ".join(columns)
    _sql(f"INSERT INTO events ({names}) SELECT {names} FROM events WHERE id = :id",  # noqa: S608
         id=event.id)
    forged = db.session.scalar(select(db.func.max(Event.id)))
    examples = _broken_links(runner)
    assert (f"events row {forged} (entry {event.chain_seq} of item {item.id}'s record) "
            f"repeats a position already taken by events row {event.id}") in examples


def test_a_forged_event_outside_the_chain_is_named(app, runner):
    item = _item_with_history()
    bypass_protections()
    _sql("INSERT INTO events (item_id, trigger, from_state, to_state, from_tier, to_tier, "
         "reason, details, at) VALUES (:id, 'escalate', 'bronze', 'silver', 'bronze', "
         "'silver', 'forged', '{}', '2026-01-01 00:00:00')", id=item.id)
    forged = db.session.scalar(select(db.func.max(Event.id)))
    examples = _broken_links(runner)
    assert (f"events row {forged} is not in item {item.id}'s record: it was written behind "
            "govflow's back") in examples


def test_a_truncated_history_is_named(app, runner):
    item = _item_with_history()
    count = len(_events(item)) + db.session.scalar(
        select(db.func.count(Decision.id)).where(Decision.item_id == item.id))
    bypass_protections()
    if db.session.get_bind().dialect.name == "postgresql":
        _sql("TRUNCATE events, decisions, comments CASCADE")
    else:  # SQLite has no TRUNCATE: DELETE without WHERE is its form of it
        _sql("DELETE FROM comments")
        _sql("DELETE FROM decisions")
        _sql("DELETE FROM events")
    examples = _broken_links(runner)
    assert f"item {item.id}'s record: all {count} of its entries are missing" in examples or \
        "of its entries are missing" in examples


def test_a_row_resealed_by_hand_breaks_the_next_link(app, runner):
    from govflow.records import chain

    item = _item_with_history()
    first, second = _events(item)[:2]
    bypass_protections()
    # Someone edits a reason and recomputes that row's hash (the format is no secret): the
    # row is consistent again, but the next entry was chained to the old hash.
    _sql("UPDATE events SET reason = 'Edited' WHERE id = :id", id=first.id)
    row = db.session.execute(select(Event.__table__).where(Event.id == first.id)).one()
    values = chain.entry_values(Event.__table__, row.chain_seq, row.chain_prev, row.chained_at,
                                lambda c: row._mapping[c.name])
    _sql("UPDATE events SET chain_hash = :h, chain_fields = :f WHERE id = :id",
         h=chain.entry_hash(Event.__table__, item.id, values),
         f=chain.field_digests(values), id=first.id)
    examples = _broken_links(runner)
    assert (f"events row {second.id} (entry 2 of item {item.id}'s record) is not linked to "
            f"events row {first.id}") in examples
