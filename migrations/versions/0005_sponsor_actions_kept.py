"""Sponsor actions are never deleted: the database refuses DELETE on sponsor_actions

Revision ID: 0005_sponsor_actions_kept
Revises: 0004_item_search
Create Date: 2026-11-27
"""

from alembic import op

revision = "0005_sponsor_actions_kept"
down_revision = "0004_item_search"
branch_labels = None
depends_on = None

# The ORM refuses too (govflow/sponsors/models.py); this stops bulk deletes and other
# clients. Updates stay allowed: an open action becomes done or dropped.


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        # govflow_refuse_change() comes from 0002 and names the table and operation.
        op.execute(
            "CREATE TRIGGER sponsor_actions_never_deleted BEFORE DELETE ON sponsor_actions "
            "FOR EACH ROW EXECUTE FUNCTION govflow_refuse_change()"
        )
    else:
        op.execute(
            "CREATE TRIGGER sponsor_actions_never_deleted BEFORE DELETE ON sponsor_actions "
            "BEGIN SELECT RAISE(ABORT, 'sponsor_actions rows are never deleted: DELETE refused'); END"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS sponsor_actions_never_deleted ON sponsor_actions")
    else:
        op.execute("DROP TRIGGER IF EXISTS sponsor_actions_never_deleted")
