"""Search on SQLite: an FTS5 index per kind (`search_fts_blocker`, `search_fts_idea`, ...),
over each document's title, body and area (the area as a word of its own, `area6`), in place
of the one index over every kind with the kind as a word (migration 0030).

Each kind's part of a search now reads only that kind's index and ranks its newest matches
there and then, with bm25 counting how common the words are among that kind's documents.
With one index, a kind's matches were the intersection of its words with the kind's word
(80,000 blockers), and ranking needed a second pass over every document that matched from
the oldest candidate of any kind on, with bm25 counting each word over all 135,000
documents. The area filter is the area's word in the same index, not a lookup of each
matching document's area. On the 100,000-item benchmark database the twelve searches of
benchmarks/load.py took 10.8 ms of SQLite time on average, and take 4.0 ms this way.

The kinds are those of this migration's day, as for PostgreSQL's indexes per kind
(0031): a kind added later creates its index in the migration that adds it
(tests/search/test_search.py checks that every kind the search page offers has one). The
triggers keep their names (search_fts_insert, _delete, _update) and write each document to
its own kind's index. Building the seven indexes reads every document once: about 2.5 s on
the benchmark database. PostgreSQL is unchanged.

Revision ID: 0036_search_fts_per_kind
Revises: 0035_items_areas_added
Create Date: 2026-12-07
"""

from alembic import op

revision = "0036_search_fts_per_kind"
down_revision = "0035_items_areas_added"
branch_labels = None
depends_on = None

KINDS = ("blocker", "idea", "decision", "meeting", "minutes", "action", "agreement")
TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"
TRIGGERS = ("search_fts_insert", "search_fts_delete", "search_fts_update")


def _drop_triggers() -> None:
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")


def _write(kind: str, row: str) -> str:
    """The statement that indexes `row` (new) in `kind`'s index when it is of that kind."""
    return (f"INSERT INTO search_fts_{kind}(rowid, title, body, area) "
            f"SELECT {row}.id, {row}.title, {row}.body, 'area' || {row}.area_id "
            f"WHERE {row}.kind = '{kind}';")


def _unwrite(kind: str, row: str) -> str:
    """The statement that takes `row` (old) out of `kind`'s index when it was of that kind."""
    return (f"INSERT INTO search_fts_{kind}(search_fts_{kind}, rowid, title, body, area) "
            f"SELECT 'delete', {row}.id, {row}.title, {row}.body, 'area' || {row}.area_id "
            f"WHERE {row}.kind = '{kind}';")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _drop_triggers()
    op.execute("DROP TABLE IF EXISTS search_fts")
    op.execute("DROP VIEW IF EXISTS search_fts_source")
    for kind in KINDS:
        op.execute(f"CREATE VIEW search_fts_{kind}_source AS "
                   f"SELECT id, title, body, 'area' || area_id AS area FROM search_documents "
                   f"WHERE kind = '{kind}'")
        op.execute(f"CREATE VIRTUAL TABLE search_fts_{kind} USING fts5(title, body, area, "
                   f"content='search_fts_{kind}_source', content_rowid='id', {TOKENIZE})")
        op.execute(f"INSERT INTO search_fts_{kind}(search_fts_{kind}) VALUES ('rebuild')")
    writes = " ".join(_write(k, "new") for k in KINDS)
    unwrites = " ".join(_unwrite(k, "old") for k in KINDS)
    op.execute(f"CREATE TRIGGER search_fts_insert AFTER INSERT ON search_documents BEGIN "
               f"{writes} END")
    op.execute(f"CREATE TRIGGER search_fts_delete AFTER DELETE ON search_documents BEGIN "
               f"{unwrites} END")
    op.execute(f"CREATE TRIGGER search_fts_update AFTER UPDATE ON search_documents BEGIN "
               f"{unwrites} {writes} END")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _drop_triggers()
    for kind in KINDS:
        op.execute(f"DROP TABLE IF EXISTS search_fts_{kind}")
        op.execute(f"DROP VIEW IF EXISTS search_fts_{kind}_source")
    # As migration 0030 left it.
    op.execute("CREATE VIEW search_fts_source AS "
               "SELECT id, title, body, 'kind' || kind AS kind FROM search_documents")
    op.execute(f"CREATE VIRTUAL TABLE search_fts USING fts5(title, body, kind, "
               f"content='search_fts_source', content_rowid='id', {TOKENIZE})")
    kind = "'kind' || {row}.kind"
    new, old = kind.format(row="new"), kind.format(row="old")
    op.execute("CREATE TRIGGER search_fts_insert AFTER INSERT ON search_documents BEGIN "
               "INSERT INTO search_fts(rowid, title, body, kind) "
               f"VALUES (new.id, new.title, new.body, {new}); END")
    op.execute("CREATE TRIGGER search_fts_delete AFTER DELETE ON search_documents BEGIN "
               "INSERT INTO search_fts(search_fts, rowid, title, body, kind) "
               f"VALUES ('delete', old.id, old.title, old.body, {old}); END")
    op.execute("CREATE TRIGGER search_fts_update AFTER UPDATE ON search_documents BEGIN "
               "INSERT INTO search_fts(search_fts, rowid, title, body, kind) "
               f"VALUES ('delete', old.id, old.title, old.body, {old}); "
               "INSERT INTO search_fts(rowid, title, body, kind) "
               f"VALUES (new.id, new.title, new.body, {new}); END")
    op.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
