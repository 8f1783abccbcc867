"""Alembic, driven from the app: `govflow db upgrade|downgrade|current` and the tests use this."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

# Database objects the migrations create that the models do not describe, so autogenerate
# (and the drift check) must not offer to drop them: the full-text search index of items
# (SQLite FTS5 table and its shadow tables; PostgreSQL GIN expression index), and the same
# for the one search box (migration 0020_search: FTS5 table, tsvector column and its index;
# 0031 to 0033: each kind's own GIN index over its words and btree indexes over its ids, on
# PostgreSQL; 0036_search_fts_per_kind: each kind's own FTS5 table and the view it reads,
# search_fts_<kind> and search_fts_<kind>_source, on SQLite).
SEARCH_OBJECTS = ("items_fts", "ix_items_search", "search_fts", "search_vector",
                  "ix_search_documents_words", "ix_search_documents_newest")


def include_name(name, type_, parent_names) -> bool:
    """Alembic include_name hook: skip the search objects above."""
    return not (name and any(name == o or name.startswith(o + "_") for o in SEARCH_OBJECTS))


def alembic_config(database_url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if database_url:
        # Alembic's config is ConfigParser-based: a literal % must be doubled.
        cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "-1") -> None:
    command.downgrade(alembic_config(database_url), revision)


def current(database_url: str, verbose: bool = False) -> None:
    command.current(alembic_config(database_url), verbose=verbose)
