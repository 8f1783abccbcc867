"""Attachments: files kept with items, decisions, meetings (and other things), their bytes
outside the database; append-only, in the record's hash chains

Revision ID: 0022_attachments
Revises: 0021_learning_agreements
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_attachments"
down_revision = "0021_learning_agreements"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachment_owners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment_owners")),
        sa.UniqueConstraint("kind", "owner_id", name="uq_attachment_owners_owner"),
    )
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_ref_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=300), server_default="", nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("no_personal_details", sa.Boolean(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("chain_seq", sa.Integer(), nullable=True),
        sa.Column("chain_prev", sa.String(length=64), nullable=True),
        sa.Column("chain_hash", sa.String(length=64), nullable=True),
        sa.Column("chain_fields", sa.Text(), nullable=True),
        sa.Column("chained_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("size >= 0", name=op.f("ck_attachments_size")),
        sa.CheckConstraint("no_personal_details", name=op.f("ck_attachments_confirmed")),
        sa.ForeignKeyConstraint(["owner_ref_id"], ["attachment_owners.id"],
                                name=op.f("fk_attachments_owner_ref_id_attachment_owners")),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"],
                                name=op.f("fk_attachments_uploaded_by_id_users")),
        sa.ForeignKeyConstraint(["supersedes_id"], ["attachments.id"],
                                name=op.f("fk_attachments_supersedes_id_attachments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
        sa.UniqueConstraint("supersedes_id", name=op.f("uq_attachments_supersedes_id")),
    )
    op.create_index(op.f("ix_attachments_owner_ref_id"), "attachments", ["owner_ref_id"])
    # Never deleted or edited (a new version supersedes), like the rest of the record.
    if op.get_bind().dialect.name == "postgresql":
        # govflow_refuse_change() comes from migration 0002.
        for table in ("attachments", "attachment_owners"):
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION govflow_refuse_change()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION govflow_refuse_change()")
    else:
        for table in ("attachments", "attachment_owners"):
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only: {action} "
                    "refused'); END")


def downgrade() -> None:
    # The tables go, and their triggers with them.
    op.drop_index(op.f("ix_attachments_owner_ref_id"), table_name="attachments")
    op.drop_table("attachments")
    op.drop_table("attachment_owners")
