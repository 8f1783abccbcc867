"""Items by organisation, for what a Head of Service may see

A Head of Service sees the items of their organisation as well as their own and their
areas' ("... OR organisation_id = ?"). With no index on organisation_id that OR made every
list, count and decision-log query of theirs read all items (the API list's count: 19 ms on
the 100,000-item benchmark database); with it, each part of the OR is an index search
(1.5 ms).

Revision ID: 0010_items_organisation_index
Revises: 0009_area_queue_index
Create Date: 2026-11-26
"""

from alembic import op

revision = "0010_items_organisation_index"
down_revision = "0009_area_queue_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.create_index("ix_items_organisation_id", ["organisation_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index("ix_items_organisation_id")
