"""One search box: search_documents (one row per blocker, idea, decision, meeting, set of
approved minutes and sponsor action), its words indexed by the database, built once here
for what is already there.

SQLite: an FTS5 external-content table over title and body, kept in step by triggers.
PostgreSQL: a generated tsvector column (title weighted A, body B) under a GIN index. Neither
is in the models' metadata (the drift check skips them: govflow/migrate.py SEARCH_OBJECTS).
The rows are written by govflow/search/index.py; this migration builds them once with
that module's statements of its day, written out below.

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
    # Build the index once for what is already there, with the statements govflow's search
    # index used on this migration's day (govflow/search/index.py), written out here so
    # that later changes to that module do not change what this migration does.
    columns = "kind, ref_id, item_id, area_id, state, happened_at, title, body"
    for select in _sources(dialect):
        op.execute(f"INSERT INTO search_documents ({columns}) {select}")


def _joined(*columns: str) -> str:
    return " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)


def _sources(dialect: str) -> list[str]:
    """One SELECT per kind of document of that day: blockers and ideas, decisions, meetings,
    approved minutes (without notes on restricted items) and sponsor actions."""
    aggregate = "string_agg" if dialect == "postgresql" else "group_concat"
    due = ("CAST(a.due_on AS timestamp)" if dialect == "postgresql"
           else "(a.due_on || ' 00:00:00.000000')")
    notes = (f"(SELECT {aggregate}(a.notes, ' ') FROM agenda_items a WHERE a.meeting_id = m.id "
             "AND (a.item_id IS NULL OR a.item_id NOT IN "
             "(SELECT r.id FROM items r WHERE r.restricted = true)))")
    return [
        "SELECT i.kind, i.id, i.id, i.area_id, i.state, i.created_at, i.title, "
        f"{_joined('i.description', 'i.effect', 'i.why', 'i.support_needed')} FROM items i",
        "SELECT 'decision', d.id, d.item_id, i.area_id, d.outcome, d.decided_at, i.title, "
        f"{_joined('d.summary', 'd.rationale', 'd.why_not', 'd.what_would_make_yes', 'd.conditions')} "
        "FROM decisions d JOIN items i ON i.id = d.item_id",
        "SELECT 'meeting', m.id, NULL, f.area_id, m.status, m.starts_at, f.name, "
        "coalesce(m.place, '') FROM meetings m JOIN forums f ON f.id = m.forum_id",
        "SELECT 'minutes', m.id, NULL, f.area_id, m.status, m.starts_at, f.name, "
        f"{_joined('m.summary', notes)} FROM meetings m JOIN forums f ON f.id = m.forum_id "
        "WHERE m.status = 'approved'",
        f"SELECT 'action', a.id, a.item_id, a.area_id, a.status, {due}, a.what, "
        "coalesce(a.outcome_note, '') FROM sponsor_actions a",
    ]


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("search_fts_insert", "search_fts_delete", "search_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_index("ix_search_documents_item", table_name="search_documents")
    op.drop_table("search_documents")
