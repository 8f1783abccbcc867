"""The "What we've learnt" library's links between an adopted idea and its copies in other
areas, and the agreements register (agreements and the areas they cover)

Revision ID: 0021_learning_agreements
Revises: 0020_search
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_learning_agreements"
down_revision = "0020_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idea_copies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("original_id", sa.Integer(), nullable=False),
        sa.Column("copy_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["original_id"], ["items.id"],
                                name=op.f("fk_idea_copies_original_id_items")),
        sa.ForeignKeyConstraint(["copy_id"], ["items.id"],
                                name=op.f("fk_idea_copies_copy_id_items")),
        sa.ForeignKeyConstraint(["area_id"], ["local_areas.id"],
                                name=op.f("fk_idea_copies_area_id_local_areas")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_idea_copies_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_copies")),
        sa.UniqueConstraint("copy_id", name=op.f("uq_idea_copies_copy_id")),
        sa.UniqueConstraint("original_id", "area_id", name="uq_idea_copies_original_area"),
    )
    op.create_index("ix_idea_copies_original_id", "idea_copies", ["original_id"])

    op.create_table(
        "agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("parties", sa.Text(), server_default="", nullable=False),
        sa.Column("what_shared", sa.Text(), server_default="", nullable=False),
        sa.Column("shared_with", sa.Text(), server_default="", nullable=False),
        sa.Column("basis", sa.Text(), server_default="", nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("reminder_sent_for", sa.Date(), nullable=True),
        sa.Column("lapsed_for", sa.Date(), nullable=True),
        sa.Column("lapse_item_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("kind IN ('data_sharing', 'confidentiality', 'ground_rules')",
                           name=op.f("ck_agreements_kind")),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"],
                                name=op.f("fk_agreements_owner_id_users")),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"],
                                name=op.f("fk_agreements_item_id_items")),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"],
                                name=op.f("fk_agreements_decision_id_decisions")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_agreements_created_by_id_users")),
        sa.ForeignKeyConstraint(["lapse_item_id"], ["items.id"],
                                name=op.f("fk_agreements_lapse_item_id_items")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
    )
    op.create_index(op.f("ix_agreements_owner_id"), "agreements", ["owner_id"])
    op.create_index(op.f("ix_agreements_item_id"), "agreements", ["item_id"])
    op.create_index("ix_agreements_review_on", "agreements", ["review_on", "id"])

    op.create_table(
        "agreement_areas",
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreements.id"], ondelete="CASCADE",
                                name=op.f("fk_agreement_areas_agreement_id_agreements")),
        sa.ForeignKeyConstraint(["area_id"], ["local_areas.id"], ondelete="CASCADE",
                                name=op.f("fk_agreement_areas_area_id_local_areas")),
        sa.PrimaryKeyConstraint("agreement_id", "area_id", name=op.f("pk_agreement_areas")),
    )


def downgrade() -> None:
    op.drop_table("agreement_areas")
    op.drop_index("ix_agreements_review_on", table_name="agreements")
    op.drop_index(op.f("ix_agreements_item_id"), table_name="agreements")
    op.drop_index(op.f("ix_agreements_owner_id"), table_name="agreements")
    op.drop_table("agreements")
    op.drop_index("ix_idea_copies_original_id", table_name="idea_copies")
    op.drop_table("idea_copies")
