"""Follows: a person follows an item, a forum or an area

Revision ID: 0024_follows
Revises: 0023_notification_preferences
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_follows"
down_revision = "0023_notification_preferences"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "follows",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("thing", sa.String(length=10), nullable=False),
        sa.Column("thing_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("thing IN ('item', 'forum', 'area')", name=op.f("ck_follows_thing")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_follows_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", "thing", "thing_id", name=op.f("pk_follows")),
    )
    op.create_index("ix_follows_thing", "follows", ["thing", "thing_id"])


def downgrade() -> None:
    op.drop_index("ix_follows_thing", table_name="follows")
    op.drop_table("follows")
