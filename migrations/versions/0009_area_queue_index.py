"""The area index names the tier too, so a Bronze queue's area part is counted from it

The Bronze queue of someone who facilitates or sponsors an area counts its items with
"tier = bronze AND (area_id IN (...) OR an added area) AND state IN (open states)". With
(area_id, state) SQLite read each of the area's open items from the table to check its
tier (14 ms on the 100,000-item benchmark database); with (area_id, state, tier) the index
answers alone (under 1 ms). It serves every query the old index served.

Revision ID: 0009_area_queue_index
Revises: 0008_dashboard_indexes
Create Date: 2026-11-26
"""

from alembic import op

revision = "0009_area_queue_index"
down_revision = "0008_dashboard_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index("ix_items_area_state")
        batch_op.create_index("ix_items_area_state_tier", ["area_id", "state", "tier"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index("ix_items_area_state_tier")
        batch_op.create_index("ix_items_area_state", ["area_id", "state"], unique=False)
