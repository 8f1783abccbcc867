"""Restricted items (with the reason) and a vice-chair named on a meeting

Revision ID: 0014_access_policy
Revises: 0013_record_chains
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_access_policy"
down_revision = "0013_record_chains"
branch_labels = None
depends_on = None

# Plain ADD COLUMNs, not batch operations: a batch migration rebuilds the table on SQLite
# and would drop the triggers on items (tallies, search) and meetings (locked minutes).


def upgrade() -> None:
    op.add_column("items", sa.Column("restricted", sa.Boolean(), nullable=False,
                                     server_default="0"))
    op.add_column("items", sa.Column("restricted_reason", sa.Text(), nullable=False,
                                     server_default=""))
    # Restricting is the exception: the few restricted items, found without reading the rest.
    op.create_index("ix_items_restricted", "items", ["id"],
                    sqlite_where=sa.text("restricted = 1"), postgresql_where=sa.text("restricted"))
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its foreign key inline (Alembic would need a batch).
        op.execute("ALTER TABLE meetings ADD COLUMN vice_chair_id INTEGER "
                    "CONSTRAINT fk_meetings_vice_chair_id_users REFERENCES users (id)")
    else:
        op.add_column("meetings", sa.Column(
            "vice_chair_id", sa.Integer(),
            sa.ForeignKey("users.id", name="fk_meetings_vice_chair_id_users"), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMNs too (SQLite 3.35+), for the same reason as above.
    op.drop_index("ix_items_restricted", table_name="items")
    op.drop_column("meetings", "vice_chair_id")
    op.drop_column("items", "restricted_reason")
    op.drop_column("items", "restricted")
