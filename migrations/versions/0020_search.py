"""One search box: search_documents (one row per blocker, idea, decision, meeting, set of
approved minutes and sponsor action), its words indexed by the database, built once here
for what is already there.

SQLite: an FTS5 external-content table over title and body, kept in step by triggers.
PostgreSQL: a generated tsvector column (title weighted A, body B) under a GIN index. Neither
is in the models' metadata (the drift check skips them: govflow/migrate.py SEARCH_OBJECTS).
The rows are written by govflow/search/index.py, which this migration uses to build them.

Revision ID: 0020_search
Revises: 0019_outcomes
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_search"
down_revision = "0019_outcomes"
branch_labels = None
depends_on = None

PG_VECTOR = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(body, '')), 'B')"
)
# The kind is indexed too, so a search of one kind is answered inside the FTS index
# (MATCH 'kind:blocker AND ...') rather than by reading every matching row.
FTS_COLUMNS = "title, body, kind"


def upgrade() -> None:
    op.create_table(
        "search_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=30), server_default="", nullable=False),
        sa.Column("happened_at", sa.DateTime(), nullable=True),
        sa.Column("title", sa.Text(), server_default="", nullable=False),
        sa.Column("body", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_documents")),
        sa.UniqueConstraint("kind", "ref_id", name="uq_search_documents_kind_ref"),
    )
    op.create_index("ix_search_documents_item", "search_documents", ["item_id"])
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"ALTER TABLE search_documents ADD COLUMN search_vector tsvector "
                   f"GENERATED ALWAYS AS ({PG_VECTOR}) STORED")
        op.execute("CREATE INDEX ix_search_documents_words ON search_documents "
                   "USING gin (search_vector)")
    elif dialect == "sqlite":
        op.execute(
            f"CREATE VIRTUAL TABLE search_fts USING fts5({FTS_COLUMNS}, "
            "content='search_documents', content_rowid='id', "
            "tokenize='porter unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER search_fts_insert AFTER INSERT ON search_documents BEGIN "
            "INSERT INTO search_fts(rowid, title, body, kind) "
            "VALUES (new.id, new.title, new.body, new.kind); END"
        )
        op.execute(
            "CREATE TRIGGER search_fts_delete AFTER DELETE ON search_documents BEGIN "
            "INSERT INTO search_fts(search_fts, rowid, title, body, kind) "
            "VALUES ('delete', old.id, old.title, old.body, old.kind); END"
        )
        op.execute(
            "CREATE TRIGGER search_fts_update AFTER UPDATE ON search_documents BEGIN "
            "INSERT INTO search_fts(search_fts, rowid, title, body, kind) "
            "VALUES ('delete', old.id, old.title, old.body, old.kind); "
            "INSERT INTO search_fts(rowid, title, body, kind) "
            "VALUES (new.id, new.title, new.body, new.kind); END"
        )
    # Build the index once for what is already there (the same statements every write uses),
    # of the kinds there were then: later kinds' tables may not exist yet, and their own
    # migrations build theirs (0028_agreements_in_search).
    from govflow.search.index import rebuild

    rebuild(op.get_bind(), sources=["items", "decisions", "meetings", "minutes", "actions"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("search_fts_insert", "search_fts_delete", "search_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_index("ix_search_documents_item", table_name="search_documents")
    op.drop_table("search_documents")
