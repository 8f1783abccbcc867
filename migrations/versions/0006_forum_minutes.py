"""Approved minutes are locked in the database too; the minutes record fingerprint

Revision ID: 0006_forum_minutes
Revises: 0005_sponsor_actions_kept
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_forum_minutes"
down_revision = "0005_sponsor_actions_kept"
branch_labels = None
depends_on = None

# The service refuses edits to approved minutes with a clear message; these triggers stop
# anything that bypasses it (a bulk update, hand-written SQL, another client), so approved
# minutes cannot be altered quietly.
CHILDREN = ("agenda_items", "meeting_attendance", "conflict_declarations")
# Rows that point at a meeting and may be added later: none may name an approved meeting,
# except a decision-log correction (supersedes_id set), which refers back to the meeting
# whose decision it corrects; the archived minutes themselves never change.
TAGGED = ("decisions", "events", "sponsor_actions")
TAGGED_WHEN = {"decisions": "NEW.supersedes_id IS NULL"}
MESSAGE = "minutes of an approved meeting are locked"


def upgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("minutes_fingerprint", sa.String(length=64), nullable=True))

    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION govflow_refuse_locked_meeting() RETURNS trigger AS $$
            BEGIN
              IF OLD.status = 'approved' THEN
                RAISE EXCEPTION '{MESSAGE}: % of meeting % refused', TG_OP, OLD.id
                  USING ERRCODE = 'restrict_violation';
              END IF;
              IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
              RETURN NEW;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER meetings_locked_when_approved BEFORE UPDATE OR DELETE ON meetings "
            "FOR EACH ROW EXECUTE FUNCTION govflow_refuse_locked_meeting()"
        )
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION govflow_refuse_locked_minutes_row() RETURNS trigger AS $$
            DECLARE
              mid integer;
            BEGIN
              IF TG_OP = 'DELETE' THEN mid := OLD.meeting_id; ELSE mid := NEW.meeting_id; END IF;
              IF mid IS NOT NULL AND EXISTS (
                SELECT 1 FROM meetings WHERE id = mid AND status = 'approved'
              ) OR (TG_OP = 'UPDATE' AND OLD.meeting_id IS NOT NULL AND EXISTS (
                SELECT 1 FROM meetings WHERE id = OLD.meeting_id AND status = 'approved'
              )) THEN
                RAISE EXCEPTION '{MESSAGE}: % on % refused', TG_OP, TG_TABLE_NAME
                  USING ERRCODE = 'restrict_violation';
              END IF;
              IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
              RETURN NEW;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        for table in CHILDREN:
            op.execute(
                f"CREATE TRIGGER {table}_locked_when_approved BEFORE INSERT OR UPDATE OR DELETE "
                f"ON {table} FOR EACH ROW EXECUTE FUNCTION govflow_refuse_locked_minutes_row()"
            )
        for table in TAGGED:
            when = f"WHEN ({TAGGED_WHEN[table]}) " if table in TAGGED_WHEN else ""
            op.execute(
                f"CREATE TRIGGER {table}_not_for_approved_meeting BEFORE INSERT ON {table} "
                f"FOR EACH ROW {when}EXECUTE FUNCTION govflow_refuse_locked_minutes_row()"
            )
    else:
        approved = "(SELECT status FROM meetings WHERE id = {ref}.meeting_id) = 'approved'"
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER meetings_locked_no_{action.lower()} BEFORE {action} ON meetings "
                f"WHEN OLD.status = 'approved' "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: {action} refused'); END"
            )
        for table in CHILDREN:
            for action, ref in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
                op.execute(
                    f"CREATE TRIGGER {table}_locked_no_{action.lower()} BEFORE {action} "
                    f"ON {table} WHEN {approved.format(ref=ref)} "
                    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: {action} on {table} refused'); END"
                )
            op.execute(
                f"CREATE TRIGGER {table}_locked_no_move BEFORE UPDATE ON {table} "
                f"WHEN {approved.format(ref='NEW')} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE on {table} refused'); END"
            )
        for table in TAGGED:
            extra = f" AND {TAGGED_WHEN[table]}" if table in TAGGED_WHEN else ""
            op.execute(
                f"CREATE TRIGGER {table}_not_for_approved_meeting BEFORE INSERT ON {table} "
                f"WHEN {approved.format(ref='NEW')}{extra} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: INSERT on {table} refused'); END"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS meetings_locked_when_approved ON meetings")
        for table in CHILDREN:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_locked_when_approved ON {table}")
        for table in TAGGED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_not_for_approved_meeting ON {table}")
        op.execute("DROP FUNCTION IF EXISTS govflow_refuse_locked_minutes_row()")
        op.execute("DROP FUNCTION IF EXISTS govflow_refuse_locked_meeting()")
    else:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS meetings_locked_no_{action}")
        for table in CHILDREN:
            for action in ("insert", "update", "delete", "move"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_locked_no_{action}")
        for table in TAGGED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_not_for_approved_meeting")

    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("minutes_fingerprint")
