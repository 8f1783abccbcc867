"""The record's hash chains: what each entry's SHA-256 covers, and sealing a row as it is written.

Every append-only row belongs to one chain: an item's (its events, decisions and comments),
a sponsor action's (its history) or a meeting's (the attendance, declarations and agenda of
approved minutes, the approval itself with the PDF's SHA-256, then its addenda). A row's
`chain_hash` is SHA-256 over a canonical JSON serialisation of its table, chain, position,
the previous entry's hash, the moment it was chained and every content column. The chain's
head (record_chains) moves on in the same transaction. This format is what
`govflow check`, the daily roots and migration 0013 rely on: change it only with a
migration that re-seals history.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from functools import cache

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Integer,
    String,
    Text,
    bindparam,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from govflow.clock import utcnow

GENESIS = "0" * 64

# table -> (chain kind, the column that names the chain's subject)
CHAINED = {
    "events": ("item", "item_id"),
    "decisions": ("item", "item_id"),
    "comments": ("item", "item_id"),
    "sponsor_action_events": ("action", "action_id"),
    "meeting_attendance": ("meeting", "meeting_id"),
    "conflict_declarations": ("meeting", "meeting_id"),
    "agenda_items": ("meeting", "meeting_id"),
    "meetings": ("meeting", "id"),
    "minutes_addenda": ("meeting", "meeting_id"),
    # A thing's attachments (govflow/attachments): one chain per thing that has any.
    "attachments": ("files", "owner_ref_id"),
}
KIND_TABLES = {
    kind: tuple(t for t, (k, _) in CHAINED.items() if k == kind)
    for kind in ("item", "action", "meeting", "files")
}
# Sealed as they are inserted; the others are sealed when the meeting's minutes are approved.
SEALED_ON_INSERT = ("events", "decisions", "comments", "sponsor_action_events",
                    "minutes_addenda", "attachments")
CHAIN_COLUMNS = ("chain_seq", "chain_prev", "chain_hash", "chain_fields", "chained_at")
# Not part of an entry: the row id (given by the database after the hash is taken), the
# meeting's optimistic-lock counter, and the PDF's bytes (its SHA-256 is hashed instead).
NOT_HASHED = {"id", *CHAIN_COLUMNS}
NOT_HASHED_IN = {"meetings": {"version", "minutes_pdf"}}


# The columns each table had when the chains began (migration 0013): always hashed, NULL or
# not. A column added to a chained table later is hashed only when it holds a value, so a
# new nullable column (NULL in every row sealed before it existed) leaves existing hashes as
# they were, while a value written into it (then, or later behind govflow's back) is covered.
HASHED_SINCE_0013 = {
    "events": ("actor_id", "at", "details", "from_state", "from_tier", "item_id", "meeting_id",
               "reason", "to_state", "to_tier", "trigger"),
    "decisions": ("alternatives", "by_default", "conditions", "conflicts", "decided_at",
                  "decided_by_id", "delay_explanation", "event_id", "item_id", "meeting_id",
                  "outcome", "rationale", "reason_category", "recorded_at", "review_on",
                  "summary", "supersedes_id", "tier", "what_would_make_yes", "why_not"),
    "comments": ("author_id", "body", "created_at", "item_id", "supersedes_id"),
    "sponsor_action_events": ("action_id", "actor_id", "at", "fields", "from_status", "note",
                              "to_status"),
    "meeting_attendance": ("guest_name", "guest_role", "meeting_id", "status", "user_id"),
    "conflict_declarations": ("agenda_item_id", "declaration", "meeting_id", "person_name",
                              "user_id"),
    "agenda_items": ("item_id", "kind", "meeting_id", "notes", "position", "sponsor_action_id",
                     "title"),
    "meetings": ("approved_at", "approved_by_id", "chair_id", "closed_at", "created_at",
                 "created_by_id", "ends_at", "forum_id", "minutes_fingerprint",
                 "minutes_sha256", "place", "starts_at", "status", "summary"),
    "minutes_addenda": ("author_id", "body", "created_at", "meeting_id", "supersedes_id"),
}


def always_hashed(table_name: str, column_name: str) -> bool:
    return column_name in HASHED_SINCE_0013.get(table_name, ())


@cache
def content_columns(table) -> list:
    """The columns an entry's hash covers, in name order."""
    skip = NOT_HASHED | NOT_HASHED_IN.get(table.name, set())
    return sorted((c for c in table.columns if c.name not in skip), key=lambda c: c.name)


def _plain(value, kind):
    """A column's value as the JSON both the writer and the checker see, on either database."""
    if value is None:
        return None
    if isinstance(kind, DateTime):
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    if isinstance(kind, Date):
        if isinstance(value, datetime):
            value = value.date()
        elif isinstance(value, str):
            value = date.fromisoformat(value)
        return value.isoformat()
    if isinstance(kind, Boolean):
        return bool(value)
    if isinstance(kind, Integer):
        return int(value)
    if isinstance(kind, JSON):
        return value
    return str(value)


_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                            default=str)


def _dumps(value) -> bytes:
    return _ENCODER.encode(value).encode()


def entry_values(table, seq: int, prev: str, chained_at, get) -> list:
    """[(name, plain value)] for everything an entry's hash covers; `get(column)` reads a
    value from an ORM object or a database row."""
    at = _plain(chained_at, DateTime())
    values = [("chain_seq", int(seq)), ("chain_prev", prev), ("chained_at", at)]
    for c in content_columns(table):
        value = _plain(get(c), c.type)
        if value is not None or always_hashed(table.name, c.name):
            values.append((c.name, value))
    return values


def entry_hash(table, subject: int, values: list) -> str:
    return hashlib.sha256(_dumps([table.name, int(subject), values])).hexdigest()


def field_digests(values: list) -> str:
    """Four hex digits per hashed value: not proof (the hash is), but enough for the check to
    say which field of a changed row no longer matches."""
    return "".join(hashlib.sha256(_dumps([n, v])).hexdigest()[:4] for n, v in values)


def changed_fields(values: list, digests: str | None) -> list[str]:
    if not digests or len(digests) != 4 * len(values):
        return []
    return [name for i, (name, value) in enumerate(values)
            if hashlib.sha256(_dumps([name, value])).hexdigest()[:4] != digests[4 * i:4 * i + 4]]


# ---------------------------------------------------------------- sealing


@cache
def _chains_table():
    from govflow.records.models import RecordChain

    return RecordChain.__table__


@cache
def _head_statements():
    """The three statements sealing runs for every history row, built once: a statement
    object built per call costs SQLAlchemy its construction and cache key each time, about
    as much as running it (and sealing is on every transition's path)."""
    chains = _chains_table()
    this_chain = (chains.c.kind == bindparam("chain_kind"),
                  chains.c.subject_id == bindparam("subject"))
    lock = select(chains.c.length, chains.c.head_hash).where(*this_chain).with_for_update()
    start = insert(chains).values(kind=bindparam("chain_kind"), subject_id=bindparam("subject"),
                                  length=bindparam("new_length"), head_hash=bindparam("head"),
                                  updated_at=bindparam("at"))
    move = update(chains).where(*this_chain).values(
        length=bindparam("new_length"), head_hash=bindparam("head"), updated_at=bindparam("at"))
    return lock, start, move


def _lock_head(connection, kind: str, subject: int):
    """(length, head hash) of the chain, locked until the transaction ends; None if new.
    The lock is on this chain's row only (SQLite has one writer at a time anyway)."""
    lock, _start, _move = _head_statements()
    return connection.execute(lock, {"chain_kind": kind, "subject": subject}).first()


def _apply_defaults(target, table) -> None:
    """Python-side column defaults, applied now so the hash covers what will be stored."""
    for column in table.columns:
        if column.name in NOT_HASHED or column.default is None:
            continue
        if getattr(target, column.key, None) is None:
            default = column.default
            if default.is_scalar:
                setattr(target, column.key, default.arg)
            elif default.is_callable:
                setattr(target, column.key, default.arg(None))


def seal(connection, target, now: datetime | None = None) -> None:
    """Give `target` (an ORM row about to be written) its place in its chain and its hash,
    and move the chain's head on, in the caller's transaction."""
    table = target.__table__
    kind, key = CHAINED[table.name]
    subject = getattr(target, key)
    _apply_defaults(target, table)
    head = _lock_head(connection, kind, subject)
    length, prev = (head.length, head.head_hash) if head is not None else (0, GENESIS)
    seq = length + 1
    at = now or utcnow()
    values = entry_values(table, seq, prev, at, lambda c: getattr(target, c.key))
    digest = entry_hash(table, subject, values)
    target.chain_seq, target.chain_prev, target.chained_at = seq, prev, at
    target.chain_hash = digest
    target.chain_fields = field_digests(values)
    _lock, start, move = _head_statements()
    connection.execute(start if head is None else move,
                       {"chain_kind": kind, "subject": subject, "new_length": seq, "head": digest,
                        "at": at})


def _seal_on_insert(mapper, connection, target) -> None:
    seal(connection, target)


def seal_rows_on_insert(*models) -> None:
    """Seal every row of these models as the ORM inserts it: the one place each kind of
    history row is written, whichever use-case (or seed, or test) writes it."""
    for model in models:
        event.listen(model, "before_insert", _seal_on_insert)


def seal_approved_minutes(session, meeting, now: datetime | None = None) -> None:
    """Seal approved minutes into the meeting's chain: its attendance, declarations and agenda
    (as they stand, in that order), flushed while the meeting is still 'held' (the database
    locks an approved meeting's rows); the caller then sets the meeting's status to
    'approved' and calls seal_approval()."""
    now = now or utcnow()
    session.flush()
    connection = session.connection()
    for rows in (sorted(meeting.attendance, key=lambda r: r.id),
                 sorted(meeting.conflicts, key=lambda r: r.id),
                 sorted(meeting.agenda, key=lambda r: (r.position, r.id))):
        for row in rows:
            if row.chain_hash is None:
                seal(connection, row, now)
    session.flush()


def seal_approval(session, meeting, now: datetime | None = None) -> None:
    """The approval entry: the meeting row itself, with its minutes' SHA-256."""
    seal(session.connection(), meeting, now)


class Chained:
    """The columns that put a row in its chain (NULL until sealed: a meeting's rows are
    sealed when its minutes are approved)."""

    chain_seq: Mapped[int | None] = mapped_column(Integer)
    chain_prev: Mapped[str | None] = mapped_column(String(64))
    chain_hash: Mapped[str | None] = mapped_column(String(64))
    chain_fields: Mapped[str | None] = mapped_column(Text)
    chained_at: Mapped[datetime | None] = mapped_column(DateTime)
