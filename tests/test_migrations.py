"""The schema comes only from Alembic: one head, upgrade/downgrade on SQLite and PostgreSQL,
and the migrated database matches the models exactly (autogenerate finds nothing)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, make_url, text
from sqlalchemy.pool import NullPool

import govflow.models  # noqa: F401 - every table on the metadata
from govflow import migrate
from govflow.extensions import db

ROOT = Path(__file__).resolve().parent.parent

# The same settings migrations/env.py gives Alembic, so the comparison is the one
# `alembic revision --autogenerate` would make.
COMPARE_OPTS = {
    "compare_type": True,
    "render_as_batch": True,
    "include_name": migrate.include_name,
}


def _heads() -> list[str]:
    return ScriptDirectory.from_config(migrate.alembic_config()).get_heads()


def test_exactly_one_alembic_head():
    heads = _heads()
    assert len(heads) == 1, f"migrations have {len(heads)} heads: {heads}; re-point a down_revision"


def test_revision_ids_are_unique_and_files_are_numbered():
    script = ScriptDirectory.from_config(migrate.alembic_config())
    revisions = list(script.walk_revisions())
    assert len({r.revision for r in revisions}) == len(revisions)
    for r in revisions:
        assert Path(r.path).name[:4].isdigit(), f"{r.path} should be named NNNN_<topic>.py"


def test_no_code_builds_the_schema_with_create_all():
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("govflow", "tests", "migrations")
        for path in (ROOT / folder).rglob("*.py")
        if "create_all(" in path.read_text(encoding="utf-8")
        and path.name != "test_migrations.py"
    ]
    assert offenders == []


def test_the_test_database_is_at_the_alembic_head(app):
    version = db.session.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    assert version == _heads()


def _differences(url: str) -> list:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts=COMPARE_OPTS)
            return compare_metadata(context, db.metadata)
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _round_trip(url: str) -> None:
    """Empty → head (matches the models) → base (empty again) → head once more."""
    assert _tables(url) == set()
    migrate.upgrade(url)
    tables = _tables(url)
    assert set(db.metadata.tables) <= tables
    assert _differences(url) == []
    migrate.downgrade(url, "base")
    assert _tables(url) <= {"alembic_version"}
    migrate.upgrade(url)
    assert _differences(url) == []


def test_sqlite_upgrade_to_head_matches_models_and_downgrades_to_base(tmp_path):
    _round_trip(f"sqlite:///{tmp_path}/scratch.sqlite")


@pytest.fixture
def scratch_postgres(_database):
    """A brand-new PostgreSQL database made with CREATE DATABASE, dropped afterwards."""
    if not _database.startswith("postgresql"):
        pytest.skip("needs PostgreSQL: set GOVFLOW_TEST_DATABASE_URL (.ci/run does)")
    base = make_url(_database)
    name = f"govflow_scratch_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT",
                          poolclass=NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def test_postgres_upgrade_to_head_matches_models_and_downgrades_to_base(scratch_postgres):
    _round_trip(scratch_postgres)


def test_the_migrated_test_database_has_no_drift(_database):
    assert _differences(_database) == []


# The database's own guards and bookkeeping, by table: history is append-only, approved
# meetings are locked, sponsor actions are never deleted, the search index and the queue
# counts' tallies follow the items. On SQLite a batch migration that rebuilds a table drops
# that table's triggers without a word; this list makes such a migration fail here.
SQLITE_TRIGGERS = {
    "agenda_items": {"agenda_items_locked_no_delete", "agenda_items_locked_no_insert",
                     "agenda_items_locked_no_move", "agenda_items_locked_no_update",
                     "agenda_items_sealed_no_delete", "agenda_items_sealed_no_update"},
    "comments": {"comments_no_delete", "comments_no_update"},
    "conflict_declarations": {
        "conflict_declarations_locked_no_delete", "conflict_declarations_locked_no_insert",
        "conflict_declarations_locked_no_move", "conflict_declarations_locked_no_update",
        "conflict_declarations_sealed_no_delete", "conflict_declarations_sealed_no_update"},
    "decisions": {"decisions_no_delete", "decisions_no_update",
                  "decisions_not_for_approved_meeting"},
    "events": {"events_no_delete", "events_no_update", "events_not_for_approved_meeting"},
    "items": {"items_fts_delete", "items_fts_insert", "items_fts_update",
              "items_tally_delete", "items_tally_insert", "items_tally_update"},
    "meeting_attendance": {
        "meeting_attendance_locked_no_delete", "meeting_attendance_locked_no_insert",
        "meeting_attendance_locked_no_move", "meeting_attendance_locked_no_update",
        "meeting_attendance_sealed_no_delete", "meeting_attendance_sealed_no_update"},
    "meetings": {"meetings_locked_no_delete", "meetings_locked_no_update",
                 "meetings_sealed_no_delete", "meetings_sealed_no_update"},
    "minutes_addenda": {"minutes_addenda_no_delete", "minutes_addenda_no_update"},
    "attachments": {"attachments_no_delete", "attachments_no_update"},
    "attachment_owners": {"attachment_owners_no_delete", "attachment_owners_no_update"},
    "record_chains": {"record_chains_no_delete"},
    "record_roots": {"record_roots_no_delete", "record_roots_no_update"},
    "sponsor_action_events": {"sponsor_action_events_no_delete",
                              "sponsor_action_events_no_update"},
    "search_documents": {"search_fts_insert", "search_fts_delete", "search_fts_update"},
    "sponsor_actions": {"sponsor_actions_never_deleted",
                        "sponsor_actions_not_for_approved_meeting"},
}
POSTGRES_TRIGGERS = {
    "agenda_items": {"agenda_items_locked_when_approved", "agenda_items_sealed",
                     "agenda_items_no_truncate"},
    "comments": {"comments_append_only", "comments_no_truncate"},
    "conflict_declarations": {"conflict_declarations_locked_when_approved",
                              "conflict_declarations_sealed", "conflict_declarations_no_truncate"},
    "decisions": {"decisions_append_only", "decisions_not_for_approved_meeting",
                  "decisions_no_truncate"},
    "events": {"events_append_only", "events_not_for_approved_meeting", "events_no_truncate"},
    "items": {"items_tally", "items_tally_update"},
    "meeting_attendance": {"meeting_attendance_locked_when_approved",
                           "meeting_attendance_sealed", "meeting_attendance_no_truncate"},
    "meetings": {"meetings_locked_when_approved", "meetings_sealed", "meetings_no_truncate"},
    "minutes_addenda": {"minutes_addenda_append_only", "minutes_addenda_no_truncate"},
    "attachments": {"attachments_append_only", "attachments_no_truncate"},
    "attachment_owners": {"attachment_owners_append_only", "attachment_owners_no_truncate"},
    "record_chains": {"record_chains_no_delete", "record_chains_no_truncate"},
    "record_roots": {"record_roots_append_only", "record_roots_no_truncate"},
    "sponsor_action_events": {"sponsor_action_events_append_only",
                              "sponsor_action_events_no_truncate"},
    "sponsor_actions": {"sponsor_actions_never_deleted",
                        "sponsor_actions_not_for_approved_meeting",
                        "sponsor_actions_no_truncate"},
}


def test_the_migrated_database_has_every_trigger(_database):
    engine = create_engine(_database, poolclass=NullPool)
    postgres = engine.dialect.name == "postgresql"
    sql = ("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal"
           if postgres else "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
    found: dict[str, set[str]] = {}
    with engine.connect() as conn:
        for table, name in conn.execute(text(sql)):
            found.setdefault(table, set()).add(name)
    engine.dispose()
    assert found == (POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS)


SEARCH_ROWS = ("SELECT kind, ref_id, item_id, area_id, state, happened_at, title, body "
               "FROM search_documents ORDER BY kind, ref_id")


def _search_rows_after_migrating_down_and_up(url: str) -> tuple[list, list, list]:
    """The demo partnership's search documents as govflow writes them, then as migrations
    0028 (agreements) and 0020 (everything else, agreements' table not there yet) build them
    from the same data, each on the way back up."""
    from govflow import create_app, seeding

    migrate.upgrade(url)
    app = create_app({"GOVFLOW_ENV": "development", "SQLALCHEMY_DATABASE_URI": url,
                      "SECRET_KEY": "migrations-" + "x" * 40, "MAIL_SERVER": "",
                      "REDIS_URL": ""})

    def rows() -> list:
        with app.app_context():
            try:
                return [tuple(r) for r in db.session.execute(text(SEARCH_ROWS))]
            finally:
                db.session.remove()
                db.engine.dispose()

    with app.app_context():
        seeding.load_reference()
        seeding.load_demo()
        db.session.commit()
    written = rows()
    migrate.downgrade(url, "0027_referrals")
    migrate.upgrade(url)
    by_0028 = rows()
    migrate.downgrade(url, "0019_outcomes")  # agreements' table goes, with its rows
    migrate.upgrade(url)
    return written, by_0028, rows()


@pytest.mark.parametrize("engine_name", ["sqlite", "postgresql"])
def test_the_search_migrations_build_what_govflow_writes(engine_name, tmp_path, request):
    """Migrations 0020 and 0028 build the search documents of data already there with the
    statements of their day, written out in them: here, the same rows govflow's index
    writes today."""
    if engine_name == "sqlite":
        url = f"sqlite:///{tmp_path}/search.sqlite"
    else:
        url = request.getfixturevalue("scratch_postgres")
    written, by_0028, by_0020 = _search_rows_after_migrating_down_and_up(url)
    assert len(written) > 50
    assert by_0028 == written
    assert by_0020 == [r for r in written if r[0] != "agreement"]
