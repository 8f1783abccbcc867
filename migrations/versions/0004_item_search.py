"""Full-text search over blockers' titles and descriptions (systemic blocker suggestions)

SQLite: an FTS5 external-content table kept in step by triggers. PostgreSQL: a GIN index on
the weighted tsvector expression that govflow/systemic/search.py queries with. Neither is in
the models' metadata (the drift check skips them: govflow/migrate.py SEARCH_OBJECTS).

Revision ID: 0004_item_search
Revises: 0003_working_days
Create Date: 2026-11-27
"""

from alembic import op

revision = "0004_item_search"
down_revision = "0003_working_days"
branch_labels = None
depends_on = None

# Keep in step with govflow/systemic/search.py PG_DOCUMENT.
PG_DOCUMENT = (
    "(setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(description, '')), 'B'))"
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"CREATE INDEX ix_items_search ON items USING gin ({PG_DOCUMENT})")
        return
    if dialect != "sqlite":
        return
    op.execute(
        "CREATE VIRTUAL TABLE items_fts USING fts5("
        "title, description, content='items', content_rowid='id', "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN "
        "INSERT INTO items_fts(rowid, title, description) "
        "VALUES (new.id, new.title, new.description); END"
    )
    op.execute(
        "CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN "
        "INSERT INTO items_fts(items_fts, rowid, title, description) "
        "VALUES ('delete', old.id, old.title, old.description); END"
    )
    op.execute(
        "CREATE TRIGGER items_fts_update AFTER UPDATE OF title, description ON items BEGIN "
        "INSERT INTO items_fts(items_fts, rowid, title, description) "
        "VALUES ('delete', old.id, old.title, old.description); "
        "INSERT INTO items_fts(rowid, title, description) "
        "VALUES (new.id, new.title, new.description); END"
    )
    op.execute("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_items_search")
        return
    if dialect != "sqlite":
        return
    for trigger in ("items_fts_insert", "items_fts_delete", "items_fts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS items_fts")
