"""Recomputing every chain: each entry's hash from its content, each link to the entry before,
each chain against its head; and naming the first broken link of each chain.

The rows are streamed in chain order (subject, position) from each table of a chain kind
and merged, so memory stays flat however long the record is, and nothing is trusted that
the hashes do not cover: a row's position, its link and its content are all recomputed.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import groupby
from operator import itemgetter

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, String, select, type_coerce

from govflow.extensions import db
from govflow.records.chain import (
    CHAINED,
    GENESIS,
    KIND_TABLES,
    SEALED_ON_INSERT,
    always_hashed,
    changed_fields,
    content_columns,
    entry_hash,
)

KIND_WORDS = {"item": "item", "action": "sponsor action", "meeting": "meeting",
              "files": "attachment list"}
STREAM_BATCH = 5000


@dataclass
class ChainReport:
    entries: int = 0
    chains: int = 0
    breaks: list[str] = field(default_factory=list)  # the first break of each broken chain
    break_count: int = 0

    @property
    def intact(self) -> bool:
        return not self.breaks


def _table(name: str):
    return db.metadata.tables[name]


class _Plan:
    """How to hash one table's rows fast: the columns read by position, each with the
    conversion to the value chain.entry_values gives (same result, no per-value type tests).
    On SQLite dates and times are read as the text SQLite stores, not parsed."""

    def __init__(self, name: str, sqlite: bool):
        table = _table(name)
        self.name, self.table = name, table
        kind, key = CHAINED[name]
        subject = table.c[key]
        content = content_columns(table)
        self.content = content
        read = [subject, table.c.id, table.c.chain_seq, table.c.chain_prev, table.c.chain_hash,
                table.c.chain_fields, table.c.chained_at, *content]
        self.columns = [self._raw(c, sqlite).label(f"c{i}") for i, c in enumerate(read)]
        self.chained_at = _converter(table.c.chained_at.type, sqlite)
        self.converters = [(c.name, 7 + i, _converter(c.type, sqlite),
                            always_hashed(name, c.name)) for i, c in enumerate(content)]

    @staticmethod
    def _raw(column, sqlite: bool):
        if sqlite and isinstance(column.type, DateTime | Date):
            return type_coerce(column, String)
        return column

    def values(self, row) -> list:
        at = row[6]
        values = [("chain_seq", row[2]), ("chain_prev", row[3]),
                  ("chained_at", None if at is None else self.chained_at(at))]
        for name, index, convert, always in self.converters:
            value = row[index]
            if value is None:
                if always:
                    values.append((name, None))
            else:
                values.append((name, value if convert is None else convert(value)))
        return values


def _sqlite_moment(text: str) -> str:
    if len(text) == 26 and text[10] == " ":
        return text[:10] + "T" + text[11:]
    return datetime.fromisoformat(text).isoformat(timespec="microseconds")


def _converter(kind, sqlite: bool):
    """None where the database already gives the value entry_values would."""
    if isinstance(kind, DateTime):
        if sqlite:
            return _sqlite_moment
        return lambda v: (v.astimezone(UTC).replace(tzinfo=None) if v.tzinfo else v).isoformat(
            timespec="microseconds")
    if isinstance(kind, Date):
        return None if sqlite else date.isoformat
    if isinstance(kind, Boolean):
        return bool
    if isinstance(kind, Integer | JSON):
        return None
    return str


def _stream(connection, plan: _Plan, rank: int):
    table = plan.table
    subject = table.c[CHAINED[plan.name][1]]
    query = (select(*plan.columns).where(table.c.chain_hash.is_not(None))
             .order_by(subject, table.c.chain_seq, table.c.id))
    # On the statement, not the connection (which would keep it for every later statement).
    result = connection.execute(query.execution_options(yield_per=STREAM_BATCH))
    for row in result:
        yield row[0], row[2], rank, plan, row


def _who(kind: str, subject) -> str:
    return f"{KIND_WORDS[kind]} {subject}'s record"


class _ChainWalk:
    """One chain's entries, in order: the first thing wrong is the break reported."""

    def __init__(self, kind: str, subject: int):
        self.kind, self.subject = kind, subject
        self.expected, self.prev, self.prev_row = 1, GENESIS, None
        self.last_id: dict[str, tuple[int, int]] = {}
        self.problem: str | None = None
        self.count = 0

    def take(self, plan: _Plan, row) -> None:
        self.count += 1
        if self.problem is not None:
            return
        name = plan.name
        row_id, seq, chain_prev, chain_hash, chain_fields = row[1], row[2], row[3], row[4], row[5]
        here = f"{name} row {row_id}"
        where = f"{here} (entry {seq} of {_who(self.kind, self.subject)})"
        if seq > self.expected:
            after = f" after {self.prev_row}" if self.prev_row else ""
            self.problem = (f"{_who(self.kind, self.subject)}: entry {self.expected} is missing"
                            f"{after}, before {here} (entry {seq}): a row was deleted")
            return
        if seq < self.expected:
            self.problem = (f"{where} repeats a position already taken by {self.prev_row}: "
                            "a forged or copied row")
            return
        values = plan.values(row)
        if entry_hash(plan.table, self.subject, values) != chain_hash:
            fields = changed_fields(values, chain_fields)
            what = (", ".join(fields) + (" no longer matches" if len(fields) == 1
                                         else " no longer match")
                    if fields else "its content no longer matches")
            self.problem = f"{where}: {what} its recorded hash"
            return
        if chain_prev != self.prev:
            before = self.prev_row or "the start of the record"
            self.problem = (f"{where} is not linked to {before}: the entry before it was "
                            "changed, replaced or inserted")
            return
        last = self.last_id.get(name)
        if last is not None and row_id < last[0]:
            self.problem = (f"{where} is out of order: it comes after {name} row {last[0]} "
                            f"(entry {last[1]}) in the record but before it in the table: "
                            "rows were reordered")
            return
        self.last_id[name] = (row_id, seq)
        self.prev, self.prev_row = chain_hash, here
        self.expected += 1

    def finish(self, head) -> str | None:
        if self.problem is not None:
            return self.problem
        found = self.expected - 1
        who = _who(self.kind, self.subject)
        if head is None:
            return (f"{who} has {found} entries but no head in record_chains: "
                    "rows written behind govflow's back")
        length, head_hash = head
        if length > found:
            return (f"{who}: entries {found + 1} to {length} are missing after {self.prev_row} "
                    f"(its head says {length} entries): rows were deleted")
        if length < found:
            return f"{who} has {found} entries but its head says {length}: rows were added"
        if head_hash != self.prev:
            return f"{who}: its head does not match its last entry ({self.prev_row})"
        return None


def verify_chains(examples: int | None = None) -> ChainReport:
    """Recompute every chain. `examples` caps how many breaks are kept as text (all counted)."""
    from govflow.records.models import RecordChain
    from govflow.sponsors.models import SponsorAction

    connection = db.session.connection()
    report = ChainReport()
    broken = 0

    def note(problem: str) -> None:
        nonlocal broken
        broken += 1
        if examples is None or len(report.breaks) < examples:
            report.breaks.append(problem)

    action_fields: dict[int, dict] = {}
    sqlite = connection.dialect.name == "sqlite"
    fields_at = [c.name for c in content_columns(_table("sponsor_action_events"))].index("fields")
    for kind, tables in KIND_TABLES.items():
        heads = {r.subject_id: (r.length, r.head_hash) for r in connection.execute(
            select(RecordChain.subject_id, RecordChain.length, RecordChain.head_hash)
            .where(RecordChain.kind == kind))}
        plans = [_Plan(name, sqlite) for name in tables]
        streams = [_stream(connection, plan, rank) for rank, plan in enumerate(plans)]
        merged = heapq.merge(*streams, key=itemgetter(0, 1, 2))
        for subject, entries in groupby(merged, key=itemgetter(0)):
            walk = _ChainWalk(kind, subject)
            for _s, _seq, _rank, plan, row in entries:
                walk.take(plan, row)
                if plan.name == "sponsor_action_events":
                    fields = row[7 + fields_at]
                    if fields:
                        action_fields.setdefault(subject, {}).update(
                            {k: (v, row[1]) for k, v in fields.items()})
            report.entries += walk.count
            report.chains += 1
            problem = walk.finish(heads.pop(subject, None))
            if problem:
                note(problem)
        for subject, (length, _head) in sorted(heads.items()):
            note(f"{_who(kind, subject)}: all {length} of its entries are missing "
                 "(its rows were deleted or truncated)")

    for problem in _unsealed(connection):
        note(problem)
    for problem in _actions_match_history(connection, action_fields, SponsorAction):
        note(problem)
    report.break_count = broken
    return report


def _unsealed(connection):
    """Rows that should be in a chain and are not: written without govflow."""
    meetings = _table("meetings")
    for name in CHAINED:
        table = _table(name)
        kind, key = CHAINED[name]
        query = select(table.c.id, table.c[key].label("subject")).where(
            table.c.chain_hash.is_(None))
        if name == "meetings":
            query = query.where(table.c.status == "approved")
        elif name not in SEALED_ON_INSERT:
            query = query.where(table.c.meeting_id.in_(
                select(meetings.c.id).where(meetings.c.status == "approved")))
        for row in connection.execute(query.order_by(table.c.id)):
            yield (f"{name} row {row.id} is not in {_who(kind, row.subject)}: "
                   "it was written behind govflow's back")


def _actions_match_history(connection, action_fields: dict, SponsorAction):
    """Each sponsor action says what its history last recorded of it."""
    from govflow.sponsors.models import recorded

    names = {name for fields in action_fields.values() for name in fields}
    if not names:
        return
    # Plain rows, not ORM objects: the session may hold an action as it was read earlier.
    table = SponsorAction.__table__
    for action in connection.execute(select(table).order_by(table.c.id)):
        expected = action_fields.get(action.id)
        if not expected:
            continue
        actual = recorded(action, sorted(expected))
        for name in sorted(expected):
            value, row_id = expected[name]
            if actual[name] != value:
                yield (f"sponsor_actions row {action.id}: {name} no longer matches its history "
                       f"(sponsor_action_events row {row_id})")
