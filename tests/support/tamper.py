"""Acting out an attacker with database access, inside a test's rolled-back transaction: the
database's own refusals (append-only and locked-minutes triggers, foreign keys) are lifted
for this connection only, so what is left to catch a change is the record's hash chains."""

from __future__ import annotations

from sqlalchemy import select, text

from govflow.extensions import db


def bypass_protections() -> None:
    """PostgreSQL: SET LOCAL session_replication_role = replica (no user triggers, no foreign
    keys until the transaction ends). SQLite: drop every trigger in this transaction (DDL is
    transactional there, so the rollback puts them back) and defer foreign keys."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
        return
    db.session.execute(text("PRAGMA defer_foreign_keys = ON"))
    names = db.session.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars().all()
    for name in names:
        db.session.execute(text(f'DROP TRIGGER "{name}"'))


def rewrite_chain(kind: str, subject: int) -> None:
    """Re-seal a whole chain after a change, as an attacker who knows the format would: every
    entry's link and hash recomputed and the head moved, so the database agrees with itself.
    Only a root kept outside the database can then tell."""
    from govflow.records import chain

    entries = []
    for name in chain.KIND_TABLES[kind]:
        table = db.metadata.tables[name]
        key = table.c[chain.CHAINED[name][1]]
        for row in db.session.execute(
                select(table).where(key == subject, table.c.chain_hash.is_not(None))).mappings():
            entries.append((row["chain_seq"], name, dict(row)))
    prev = chain.GENESIS
    for seq, name, row in sorted(entries, key=lambda e: e[0]):
        table = db.metadata.tables[name]
        values = chain.entry_values(table, seq, prev, row["chained_at"], lambda c, r=row: r[c.name])
        digest = chain.entry_hash(table, subject, values)
        db.session.execute(text(f"UPDATE {name} SET chain_prev = :p, chain_hash = :h, "  # noqa: S608
                                "chain_fields = :f WHERE id = :id"),
                           {"p": prev, "h": digest, "f": chain.field_digests(values),
                            "id": row["id"]})
        prev = digest
    db.session.execute(text("UPDATE record_chains SET head_hash = :h WHERE kind = :k "
                            "AND subject_id = :s"), {"h": prev, "k": kind, "s": subject})
