"""A working-day calendar table, so SQL can count working days between two datetimes

Revision ID: 0003_working_days
Revises: 0002
Create Date: 2026-11-27
"""

from alembic import op
import sqlalchemy as sa

revision = "0003_working_days"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "working_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("working", sa.Boolean(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_working_days")),
        sa.UniqueConstraint("starts_at", name=op.f("uq_working_days_starts_at")),
    )
    with op.batch_alter_table("working_days", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_working_days_month"), ["month"], unique=False)

    # Filled here so a freshly migrated database can answer at once; `govflow calendar
    # fill` rebuilds it (new bank holidays, more years) and the sweep keeps it ahead.
    from govflow.metrics import calendar

    calendar.fill(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("working_days", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_working_days_month"))
    op.drop_table("working_days")
