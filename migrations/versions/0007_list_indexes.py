"""Indexes for the item lists and the decision log at scale

A queue's tabs are counted from (tier, state, kind, area_id, organisation_id) alone, and
its pages read in deadline order from (tier, due_at, id, state, kind, area_id), so a page
of the Gold queue no longer sorts every open item at Gold; (due_at, id) does the same for
lists not limited to one tier. The first replaces (tier, state), which it covers.

The decision log's list of deciders and its "Decided by" filter use decided_by_id.
ix_decisions_corrections (partial: corrections only) finds which decisions on a page were
corrected; the unique constraint's index would, but SQLite's ANALYZE counts its NULLs as
one value 30,000 rows deep and the table was scanned instead.

Revision ID: 0007_list_indexes
Revises: 0006_forum_minutes
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_list_indexes"
down_revision = "0006_forum_minutes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index("ix_items_tier_state")
        batch_op.create_index("ix_items_queue_counts",
                              ["tier", "state", "kind", "area_id", "organisation_id"],
                              unique=False)
        batch_op.create_index("ix_items_queue_order",
                              ["tier", "due_at", "id", "state", "kind", "area_id"], unique=False)
        batch_op.create_index("ix_items_due", ["due_at", "id"], unique=False)
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index("ix_decisions_decided_by_id", ["decided_by_id"], unique=False)
        batch_op.create_index("ix_decisions_corrections", ["supersedes_id"], unique=False,
                              sqlite_where=sa.text("supersedes_id IS NOT NULL"),
                              postgresql_where=sa.text("supersedes_id IS NOT NULL"))


def downgrade() -> None:
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_decisions_corrections")
        batch_op.drop_index("ix_decisions_decided_by_id")
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index("ix_items_due")
        batch_op.drop_index("ix_items_queue_order")
        batch_op.drop_index("ix_items_queue_counts")
        batch_op.create_index("ix_items_tier_state", ["tier", "state"], unique=False)
