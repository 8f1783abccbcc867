"""Notification preferences: how often each person is emailed about each kind of
notification (at once, in the daily digest, or not at all); no row means at once

Revision ID: 0023_notification_preferences
Revises: 0022_attachments
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_notification_preferences"
down_revision = "0022_attachments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("how", sa.String(length=10), nullable=False),
        sa.CheckConstraint("how IN ('now', 'digest', 'off')",
                           name=op.f("ck_notification_preferences_how")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_notification_preferences_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", "kind", name=op.f("pk_notification_preferences")),
    )


def downgrade() -> None:
    op.drop_table("notification_preferences")
