"""Each item keeps how many areas have been added to it, and the dashboard's systemic list
reads its blockers most areas first, then the longest waiting, straight from the index of
systemic items: it counted every open systemic blocker's areas and sorted them (about 3 ms a
visit with 900 of them, on either database).

Revision ID: 0035_items_areas_added
Revises: 0034_sealed_secrets
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0035_items_areas_added"
down_revision = "0034_sealed_secrets"
branch_labels = None
depends_on = None

SYSTEMIC = {"sqlite_where": sa.text("systemic = 1"), "postgresql_where": sa.text("systemic")}


def upgrade() -> None:
    # A plain ADD COLUMN (no batch rebuild): the items' triggers stay as they are.
    op.add_column("items", sa.Column("areas_added", sa.Integer(), nullable=False,
                                     server_default="0"))
    op.execute("UPDATE items SET areas_added = (SELECT count(*) FROM item_areas "
               "WHERE item_areas.item_id = items.id) "
               "WHERE id IN (SELECT item_id FROM item_areas)")
    op.drop_index("ix_items_systemic", table_name="items")
    op.create_index("ix_items_systemic", "items",
                    [sa.text("areas_added DESC"), "created_at", "id", "state"], **SYSTEMIC)
    if op.get_bind().dialect.name == "sqlite" and op.get_bind().execute(sa.text(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first():
        op.execute("ANALYZE ix_items_systemic")


def downgrade() -> None:
    op.drop_index("ix_items_systemic", table_name="items")
    op.create_index("ix_items_systemic", "items", ["state"], **SYSTEMIC)
    # A plain DROP COLUMN (SQLite 3.35 and later), so the items' triggers stay.
    op.drop_column("items", "areas_added")
