"""Indexes for the dashboard: events by destination state and by trigger; systemic items

Revision ID: 0008_dashboard_indexes
Revises: 0007_list_indexes
Create Date: 2026-11-26
"""

from alembic import op

revision = "0008_dashboard_indexes"
down_revision = "0007_list_indexes"
branch_labels = None
depends_on = None

# The dashboard counts the few unblockings, reopenings and idea milestones among a
# million events; without these it reads every event (7 s at 1,000,000 events, 1.7 s with).
# Its systemic-blocker list reads the few systemic items, not all of them.


def upgrade() -> None:
    op.create_index("ix_events_to_state_item_id", "events", ["to_state", "item_id"])
    op.create_index("ix_events_trigger_item_id", "events", ["trigger", "item_id"])
    op.create_index("ix_items_systemic_state", "items", ["systemic", "state"])


def downgrade() -> None:
    op.drop_index("ix_items_systemic_state", table_name="items")
    op.drop_index("ix_events_trigger_item_id", table_name="events")
    op.drop_index("ix_events_to_state_item_id", table_name="events")
