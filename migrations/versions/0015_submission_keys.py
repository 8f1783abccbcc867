"""Submission keys: each one-time key a person has used on a form or as an API
Idempotency-Key, with the outcome of its first use, so a second send changes nothing

Revision ID: 0015_submission_keys
Revises: 0014_access_policy
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_submission_keys"
down_revision = "0014_access_policy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The primary key (person, key) is what lets only one of two concurrent sends commit.
    op.create_table(
        "submission_keys",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("outcome_url", sa.String(length=2000), nullable=True),
        sa.Column("request_hash", sa.String(length=64), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=100), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_submission_keys_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", "key", name=op.f("pk_submission_keys")),
    )
    # The sweep forgets old keys by age.
    op.create_index(op.f("ix_submission_keys_created_at"), "submission_keys", ["created_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_submission_keys_created_at"), table_name="submission_keys")
    op.drop_table("submission_keys")
