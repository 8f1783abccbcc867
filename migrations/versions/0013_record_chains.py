"""A record that proves itself: hash chains over every append-only row, their heads, daily
roots and verifications; the database refuses UPDATE, DELETE and TRUNCATE of the record; the
chains are built for the history already there, once

Revision ID: 0013_record_chains
Revises: 0012_item_tallies
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_record_chains"
down_revision = "0012_item_tallies"
branch_labels = None
depends_on = None

CHAINED = ("events", "decisions", "comments", "sponsor_action_events", "meeting_attendance",
           "conflict_declarations", "agenda_items", "meetings", "minutes_addenda")
# Already refused UPDATE and DELETE by migration 0002; TRUNCATE is added here.
APPEND_ONLY_BEFORE = ("events", "decisions", "sponsor_action_events")
# Append-only from now on: a correction is a new row that supersedes.
APPEND_ONLY_NEW = ("comments", "minutes_addenda", "record_roots")
# Editable until sealed (when the meeting's minutes are approved), never after.
SEALED_LATER = ("meeting_attendance", "conflict_declarations", "agenda_items", "meetings")
NO_TRUNCATE = (*APPEND_ONLY_BEFORE, *APPEND_ONLY_NEW, *SEALED_LATER, "sponsor_actions",
               "record_chains")
CHAIN_INDEXES = {"events": "item_id", "decisions": "item_id", "comments": "item_id",
                 "sponsor_action_events": "action_id"}


def _chain_columns() -> list:
    return [
        sa.Column("chain_seq", sa.Integer(), nullable=True),
        sa.Column("chain_prev", sa.String(length=64), nullable=True),
        sa.Column("chain_hash", sa.String(length=64), nullable=True),
        sa.Column("chain_fields", sa.Text(), nullable=True),
        sa.Column("chained_at", sa.DateTime(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "record_chains",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_chains")),
        sa.UniqueConstraint("kind", "subject_id", name="uq_record_chains_subject"),
    )
    op.create_table(
        "record_roots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("root_hash", sa.String(length=64), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("chains", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_roots")),
        sa.UniqueConstraint("day", name=op.f("uq_record_roots_day")),
    )
    op.create_table(
        "record_verifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("intact", sa.Boolean(), nullable=True),
        sa.Column("entries", sa.Integer(), server_default="0", nullable=False),
        sa.Column("breaks", sa.Integer(), server_default="0", nullable=False),
        sa.Column("first_break", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_verifications")),
        sa.UniqueConstraint("day", name=op.f("uq_record_verifications_day")),
    )
    # Plain ADD COLUMN (no table rebuild on SQLite), so the tables keep their triggers.
    for table in CHAINED:
        for column in _chain_columns():
            op.add_column(table, column)
    op.add_column("sponsor_action_events", sa.Column("fields", sa.JSON(), nullable=True))
    # These two have no triggers yet: rebuilding them on SQLite loses nothing.
    for table in ("comments", "minutes_addenda"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("supersedes_id", sa.Integer(), nullable=True))
            batch_op.create_unique_constraint(op.f(f"uq_{table}_supersedes_id"),
                                              ["supersedes_id"])
            batch_op.create_foreign_key(op.f(f"fk_{table}_supersedes_id_{table}"), table,
                                        ["supersedes_id"], ["id"])
    for table, subject in CHAIN_INDEXES.items():
        op.create_index(f"ix_{table}_chain", table, [subject, "chain_seq"], unique=False)

    # The history already there, sealed once, oldest first, in the chains' own format.
    from govflow.clock import utcnow
    from govflow.records.build import build_chains, without_triggers

    bind = op.get_bind()
    with without_triggers(bind, CHAINED):
        build_chains(bind, utcnow())

    if bind.dialect.name == "postgresql":
        _postgres_triggers()
    else:
        _sqlite_triggers()


def _postgres_triggers() -> None:
    # govflow_refuse_change() comes from migration 0002; it names the table and operation.
    for table in APPEND_ONLY_NEW:
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION govflow_refuse_change()")
    for table in SEALED_LATER:
        op.execute(f"CREATE TRIGGER {table}_sealed BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW WHEN (OLD.chain_hash IS NOT NULL) "
                   "EXECUTE FUNCTION govflow_refuse_change()")
    op.execute("CREATE TRIGGER record_chains_no_delete BEFORE DELETE ON record_chains "
               "FOR EACH ROW EXECUTE FUNCTION govflow_refuse_change()")
    # Row triggers do not fire on TRUNCATE: a statement trigger refuses it (and TRUNCATE …
    # CASCADE fires it on every table it would empty).
    for table in NO_TRUNCATE:
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION govflow_refuse_change()")


def _sqlite_triggers() -> None:
    # SQLite has no TRUNCATE: "DELETE FROM t" is a DELETE, refused row by row.
    for table in APPEND_ONLY_NEW:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only: {action} refused'); END"
            )
    for table in SEALED_LATER:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_sealed_no_{action.lower()} BEFORE {action} ON {table} "
                "WHEN OLD.chain_hash IS NOT NULL "
                f"BEGIN SELECT RAISE(ABORT, 'minutes of an approved meeting are locked: "
                f"{table} rows are sealed in the record, {action} refused'); END"
            )
    op.execute("CREATE TRIGGER record_chains_no_delete BEFORE DELETE ON record_chains "
               "BEGIN SELECT RAISE(ABORT, 'record_chains rows are never deleted'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in NO_TRUNCATE:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP TRIGGER IF EXISTS record_chains_no_delete ON record_chains")
        for table in SEALED_LATER:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_sealed ON {table}")
        for table in APPEND_ONLY_NEW:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    else:
        op.execute("DROP TRIGGER IF EXISTS record_chains_no_delete")
        for table in SEALED_LATER:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_sealed_no_{action}")
        for table in APPEND_ONLY_NEW:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
    for table in CHAIN_INDEXES:
        op.drop_index(f"ix_{table}_chain", table_name=table)
    for table in ("comments", "minutes_addenda"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"fk_{table}_supersedes_id_{table}"),
                                     type_="foreignkey")
            batch_op.drop_constraint(op.f(f"uq_{table}_supersedes_id"), type_="unique")
            batch_op.drop_column("supersedes_id")
    # SQLite (3.35+) drops a plain column in place, so the tables keep their triggers (a
    # batch rebuild of meetings would trip over the triggers on other tables that name it).
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in CHAINED:
        columns = ["chained_at", "chain_fields", "chain_hash", "chain_prev", "chain_seq"]
        if table == "sponsor_action_events":
            columns.insert(0, "fields")
        for column in columns:
            if sqlite:
                op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
            else:
                op.drop_column(table, column)
    op.drop_table("record_verifications")
    op.drop_table("record_roots")
    op.drop_table("record_chains")
