"""Search on PostgreSQL: a GIN index over the words of each kind's documents
(`ix_search_documents_words_<kind>`, partial: `WHERE kind = '<kind>'`), beside the GIN index
over every document's words. Each kind's part of the search statement names its kind as a
constant, so the planner reads that kind's index: the words' entries of one kind, not of
every kind then intersected with the kind (1.5-4 ms a kind, repeated for every kind of a
search, on the 100,000-item benchmark database). SQLite is unchanged (its FTS5 index holds
the kind as a word, migration 0030). Like the other search objects these are not in the
models' metadata (govflow/migrate.py SEARCH_OBJECTS: the generated tsvector column is not).

The kinds are those of this migration's day: a kind added later gets its index from the
migration that adds it (without one, its searches read the index over every document).

Revision ID: 0031_search_words_per_kind
Revises: 0030_search_kind_token
Create Date: 2026-12-06
"""

from alembic import op

revision = "0031_search_words_per_kind"
down_revision = "0030_search_kind_token"
branch_labels = None
depends_on = None

KINDS = ("blocker", "idea", "decision", "meeting", "minutes", "action", "agreement")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for kind in KINDS:
        op.execute(f"CREATE INDEX ix_search_documents_words_{kind} ON search_documents "
                   f"USING gin (search_vector) WHERE kind = '{kind}'")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for kind in KINDS:
        op.execute(f"DROP INDEX IF EXISTS ix_search_documents_words_{kind}")
