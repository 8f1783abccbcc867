"""Building the chains for history written before them (migration 0013, once) or written in
bulk (benchmarks/generate.py): every unsealed row is sealed in the order it happened.

Runs on a plain connection with the tables reflected, so it serves a migration as well as a
loader; the append-only triggers are lifted only for the time it takes (without_triggers).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import MetaData, Table, bindparam, insert, select, update

from govflow.records.chain import (
    CHAINED,
    GENESIS,
    KIND_TABLES,
    entry_hash,
    entry_values,
    field_digests,
)

# What an entry was chained at, for history chained after the fact: the row's own moment.
MOMENT = {
    "events": "at",
    "decisions": "recorded_at",
    "comments": "created_at",
    "sponsor_action_events": "at",
    "minutes_addenda": "created_at",
}
ACTION_FIELDS = ("what", "due_on", "area_id", "sponsor_id", "owner_id", "created_by_id",
                 "item_id", "meeting_id")
BATCH = 5000
ITEM_SLICE = 2000


@contextmanager
def without_triggers(connection, tables) -> Iterator[None]:
    """Lift the user triggers on `tables` inside the caller's transaction (PostgreSQL:
    DISABLE TRIGGER; SQLite, which cannot disable one: drop and re-create them as they were)."""
    if connection.dialect.name == "postgresql":
        for table in tables:
            connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        yield
        for table in tables:
            connection.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        return
    marks = ", ".join("?" for _ in tables)
    saved = connection.exec_driver_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks})",  # noqa: S608 - placeholders only
        tuple(tables)).all()
    for name, _sql in saved:
        connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
    yield
    for _name, sql in saved:
        connection.exec_driver_sql(sql)


# The tables whose history from before the chains is sealed here. Attachments came after
# the chains (migration 0022) and are sealed as they are inserted, always: migration 0013,
# which runs this, predates their table.
BUILT = tuple(name for name in CHAINED if name != "attachments")


class _Builder:
    def __init__(self, connection):
        self.connection = connection
        self.meta = MetaData()
        self.tables = {name: Table(name, self.meta, autoload_with=connection)
                       for name in [*BUILT, "record_chains", "sponsor_actions"]}
        chains = self.tables["record_chains"]
        self.heads = {(r.kind, r.subject_id): (r.length, r.head_hash)
                      for r in connection.execute(select(chains.c.kind, chains.c.subject_id,
                                                         chains.c.length, chains.c.head_hash))}
        self.known = set(self.heads)
        self.changed: set = set()
        self.pending: dict[str, list[dict]] = {name: [] for name in BUILT}
        self.sealed = 0

    def seal(self, table_name: str, row, chained_at, extra: dict | None = None) -> None:
        table = self.tables[table_name]
        kind, key = CHAINED[table_name]
        subject = row._mapping[key]
        length, prev = self.heads.get((kind, subject), (0, GENESIS))
        seq = length + 1
        mapping = dict(row._mapping)
        mapping.update(extra or {})
        values = entry_values(table, seq, prev, chained_at, lambda c: mapping[c.name])
        digest = entry_hash(table, subject, values)
        self.heads[(kind, subject)] = (seq, digest)
        self.changed.add((kind, subject))
        change = {"_id": row.id, "chain_seq": seq, "chain_prev": prev, "chain_hash": digest,
                  "chain_fields": field_digests(values), "chained_at": chained_at}
        change.update(extra or {})
        self.pending[table_name].append(change)
        self.sealed += 1
        if len(self.pending[table_name]) >= BATCH:
            self.write(table_name)

    def write(self, table_name: str) -> None:
        rows = self.pending[table_name]
        if not rows:
            return
        table = self.tables[table_name]
        columns = [k for k in rows[0] if k != "_id"]
        for row in rows:  # the same columns in every row of one statement
            for k in columns:
                row.setdefault(k, None)
        self.connection.execute(
            update(table).where(table.c.id == bindparam("_id"))
            .values({k: bindparam(k, type_=table.c[k].type) for k in columns}),
            rows,
        )
        rows.clear()

    def unsealed(self, table_name: str, where, order: list[str]) -> list:
        table = self.tables[table_name]
        return self.connection.execute(
            select(table).where(table.c.chain_hash.is_(None), where(table))
            .order_by(*[table.c[c] for c in order])).all()

    def items(self) -> None:
        """A slice of items at a time: their rows are read, merged in the order they were
        written and sealed, and written back before the next slice is read."""
        items = Table("items", self.meta, autoload_with=self.connection)
        ids = self.connection.execute(select(items.c.id).order_by(items.c.id)).scalars().all()
        for start in range(0, len(ids), ITEM_SLICE):
            low, high = ids[start], ids[min(start + ITEM_SLICE, len(ids)) - 1]
            entries = []
            for rank, name in enumerate(KIND_TABLES["item"]):
                moment = MOMENT[name]
                for r in self.unsealed(name, lambda t, lo=low, hi=high: t.c.item_id.between(lo, hi),
                                       ["item_id", moment, "id"]):
                    entries.append((r.item_id, r._mapping[moment], rank, r.id, name, r))
            entries.sort(key=lambda e: e[:4])
            for _item, at, _rank, _id, name, row in entries:
                self.seal(name, row, at)
            for name in KIND_TABLES["item"]:
                self.write(name)

    def actions(self) -> None:
        actions = self.tables["sponsor_actions"]
        current = {r.id: r for r in self.connection.execute(select(actions))}
        for row in self.unsealed("sponsor_action_events", lambda t: t.c.id.is_not(None),
                                 ["action_id", "at", "id"]):
            extra = None
            if row.fields is None:
                action = current.get(row.action_id)
                first = ("action", row.action_id) not in self.heads
                if action is not None and first:
                    # History from before the chain: the action's recorded values as they
                    # stood when its record was chained.
                    extra = {"fields": {f: _json(action._mapping[f]) for f in ACTION_FIELDS}}
                elif action is not None and row.to_status != "open":
                    extra = {"fields": {"outcome_note": row.note}}
            self.seal("sponsor_action_events", row, row.at, extra)

    def meetings(self) -> None:
        t = self.tables
        approved = self.connection.execute(
            select(t["meetings"]).where(t["meetings"].c.status == "approved",
                                        t["meetings"].c.chain_hash.is_(None))
            .order_by(t["meetings"].c.id)).all()
        for meeting in approved:
            at = meeting.approved_at
            for name, order in (("meeting_attendance", ["id"]), ("conflict_declarations", ["id"]),
                                ("agenda_items", ["position", "id"])):
                table = t[name]
                rows = self.connection.execute(
                    select(table).where(table.c.meeting_id == meeting.id,
                                        table.c.chain_hash.is_(None))
                    .order_by(*[table.c[c] for c in order])).all()
                for row in rows:
                    self.seal(name, row, at)
            self.seal("meetings", meeting, at)
        for name in ("meeting_attendance", "conflict_declarations", "agenda_items", "meetings"):
            self.write(name)
        for row in self.unsealed("minutes_addenda", lambda t: t.c.id.is_not(None),
                                 ["meeting_id", "created_at", "id"]):
            self.seal("minutes_addenda", row, row.created_at)

    def finish(self, now) -> None:
        for name in BUILT:
            self.write(name)
        chains = self.tables["record_chains"]
        new, moved = [], []
        for kind, subject in self.changed:
            length, head = self.heads[(kind, subject)]
            row = {"kind": kind, "subject_id": subject, "length": length, "head_hash": head,
                   "updated_at": now}
            (moved if (kind, subject) in self.known else new).append(row)
        for start in range(0, len(new), BATCH):
            self.connection.execute(insert(chains), new[start:start + BATCH])
        if moved:
            self.connection.execute(
                update(chains).where(chains.c.kind == bindparam("k"),
                                     chains.c.subject_id == bindparam("s"))
                .values(length=bindparam("length"), head_hash=bindparam("head_hash"),
                        updated_at=bindparam("updated_at")),
                [{"k": r["kind"], "s": r["subject_id"], **{k: r[k] for k in
                  ("length", "head_hash", "updated_at")}} for r in moved])


def _json(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def build_chains(connection, now) -> int:
    """Seal every row not yet in its chain, oldest first; return how many were sealed.
    The caller lifts the triggers (without_triggers) and owns the transaction."""
    builder = _Builder(connection)
    builder.items()
    builder.actions()
    builder.meetings()
    builder.finish(now)
    return builder.sealed
