"""Absences and deputies: a person away for a range of dates, and the deputy (holding the
same role in the same scope) who acts for them meanwhile

Revision ID: 0025_absences_and_deputies
Revises: 0024_follows
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_absences_and_deputies"
down_revision = "0024_follows"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "absences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("deputy_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_absences_dates_in_order")),
        sa.CheckConstraint("deputy_id IS NULL OR deputy_id <> user_id",
                           name=op.f("ck_absences_not_own_deputy")),
        sa.ForeignKeyConstraint(["deputy_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_absences_deputy_id_users")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_absences_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absences")),
    )
    op.create_index("ix_absences_deputy_id_starts_on", "absences", ["deputy_id", "starts_on"])
    op.create_index("ix_absences_user_id_starts_on", "absences", ["user_id", "starts_on"])


def downgrade() -> None:
    op.drop_index("ix_absences_user_id_starts_on", table_name="absences")
    op.drop_index("ix_absences_deputy_id_starts_on", table_name="absences")
    op.drop_table("absences")
