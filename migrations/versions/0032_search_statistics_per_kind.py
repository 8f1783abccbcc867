"""Search on PostgreSQL: each kind's words indexed with statistics of their own, and each
kind's documents in id order.

Migration 0031 gave each kind a partial GIN index (`WHERE kind = '<kind>'`). PostgreSQL
keeps no statistics for a partial index, so it judged how many documents of one kind hold a
word from every document: "calendar", common in meetings, looked common among blockers too,
and to find the newest 200 blockers holding it PostgreSQL walked all 135,000 documents (none
is a blocker that does: 40-66 ms). And to find the newest 200 blockers holding "family" it
walked the primary key past the 36,000 newer decisions, ideas and actions (15-25 ms).

So each kind's index is now over an expression, its words or nothing:
`(CASE WHEN kind = '<kind>' THEN search_vector END)`. An index over an expression that is not
partial gets statistics of its own from ANALYZE, so the planner knows how common each word is
in that kind; the search statement matches the same expression (govflow/search/queries.py).
And a btree index over each kind's ids (`ix_search_documents_newest_<kind>`, partial) walks
that kind's documents newest first, past no other kind. With both, every benchmark search
of one kind takes under 1 ms of PostgreSQL's time on the 100,000-item database.

SQLite is unchanged (its FTS5 index holds the kind as a word, migration 0030). Like the other
search objects these are not in the models' metadata (govflow/migrate.py SEARCH_OBJECTS). The
kinds are those of this migration's day: a kind added later gets its indexes from the
migration that adds it (without them its searches are right, only slower).

Revision ID: 0032_search_statistics_per_kind
Revises: 0031_search_words_per_kind
Create Date: 2026-12-06
"""

from alembic import op

revision = "0032_search_statistics_per_kind"
down_revision = "0031_search_words_per_kind"
branch_labels = None
depends_on = None

KINDS = ("blocker", "idea", "decision", "meeting", "minutes", "action", "agreement")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for kind in KINDS:
        op.execute(f"DROP INDEX IF EXISTS ix_search_documents_words_{kind}")
        op.execute(f"CREATE INDEX ix_search_documents_words_{kind} ON search_documents "
                   f"USING gin ((CASE WHEN kind = '{kind}' THEN search_vector END))")
        op.execute(f"CREATE INDEX ix_search_documents_newest_{kind} ON search_documents (id) "
                   f"WHERE kind = '{kind}'")
    # The new indexes' statistics, now rather than at the next autovacuum.
    op.execute("ANALYZE search_documents")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for kind in KINDS:
        op.execute(f"DROP INDEX IF EXISTS ix_search_documents_newest_{kind}")
        op.execute(f"DROP INDEX IF EXISTS ix_search_documents_words_{kind}")
        op.execute(f"CREATE INDEX ix_search_documents_words_{kind} ON search_documents "
                   f"USING gin (search_vector) WHERE kind = '{kind}'")
