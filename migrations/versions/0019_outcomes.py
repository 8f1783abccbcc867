"""Outcome indicators (baselines, targets, quarterly figures), what families told us,
weekly progress-report subscriptions and the public page"s switch

Revision ID: 0019_outcomes
Revises: 0018_single_sign_on
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_outcomes"
down_revision = "0018_single_sign_on"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=60), nullable=False),
        sa.Column("better", sa.String(length=10), nullable=False),
        sa.Column("combine", sa.String(length=10), server_default="sum", nullable=False),
        sa.Column("source", sa.Text(), server_default="", nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("better IN ('higher', 'lower')", name=op.f("ck_indicators_better")),
        sa.CheckConstraint("combine IN ('sum', 'mean')", name=op.f("ck_indicators_combine")),
        sa.ForeignKeyConstraint(
            ["outcome_id"], ["tags.id"], name=op.f("fk_indicators_outcome_id_tags")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators")),
        sa.UniqueConstraint("slug", name=op.f("uq_indicators_slug")),
    )
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicators_outcome_id"), ["outcome_id"], unique=False)

    op.create_table(
        "family_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("heard_on", sa.Date(), nullable=False),
        sa.Column("session", sa.String(length=200), server_default="", nullable=False),
        sa.Column("families_heard", sa.Integer(), nullable=False),
        sa.Column("themes", sa.Text(), nullable=False),
        sa.Column("quotes", sa.Text(), server_default="", nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("families_heard >= 0", name=op.f("ck_family_feedback_families_heard")),
        sa.ForeignKeyConstraint(
            ["area_id"], ["local_areas.id"], name=op.f("fk_family_feedback_area_id_local_areas")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_family_feedback_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_feedback")),
    )
    with op.batch_alter_table("family_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_family_feedback_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_family_feedback_heard_on"), ["heard_on"], unique=False)

    op.create_table(
        "indicator_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=7), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=10), server_default="form", nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "source IN ('form', 'csv', 'seed')", name=op.f("ck_indicator_figures_source")
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["local_areas.id"], name=op.f("fk_indicator_figures_area_id_local_areas")
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"], ["users.id"], name=op.f("fk_indicator_figures_entered_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_indicator_figures_indicator_id_indicators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_figures")),
        sa.UniqueConstraint(
            "indicator_id", "area_id", "quarter", name=op.f("uq_indicator_figures_indicator_id")
        ),
    )
    with op.batch_alter_table("indicator_figures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicator_figures_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_indicator_figures_quarter"), ["quarter"], unique=False)

    op.create_table(
        "indicator_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("baseline", sa.Float(), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["local_areas.id"], name=op.f("fk_indicator_targets_area_id_local_areas")
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_indicator_targets_indicator_id_indicators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_targets")),
        sa.UniqueConstraint(
            "indicator_id", "area_id", name=op.f("uq_indicator_targets_indicator_id")
        ),
    )
    with op.batch_alter_table("indicator_targets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicator_targets_area_id"), ["area_id"], unique=False)

    op.create_table(
        "publication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_page", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["users.id"], name=op.f("fk_publication_changed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication")),
    )
    op.create_table(
        "report_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=80), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["local_areas.id"],
            name=op.f("fk_report_subscriptions_area_id_local_areas"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_report_subscriptions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_subscriptions")),
        sa.UniqueConstraint("user_id", "scope", name=op.f("uq_report_subscriptions_user_id")),
    )
    op.create_table(
        "family_feedback_items",
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["family_feedback.id"],
            name=op.f("fk_family_feedback_items_feedback_id_family_feedback"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_family_feedback_items_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("feedback_id", "item_id", name=op.f("pk_family_feedback_items")),
    )


def downgrade() -> None:
    op.drop_table("family_feedback_items")
    op.drop_table("report_subscriptions")
    op.drop_table("publication")
    with op.batch_alter_table("indicator_targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicator_targets_area_id"))

    op.drop_table("indicator_targets")
    with op.batch_alter_table("indicator_figures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicator_figures_quarter"))
        batch_op.drop_index(batch_op.f("ix_indicator_figures_area_id"))

    op.drop_table("indicator_figures")
    with op.batch_alter_table("family_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_feedback_heard_on"))
        batch_op.drop_index(batch_op.f("ix_family_feedback_area_id"))

    op.drop_table("family_feedback")
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicators_outcome_id"))

    op.drop_table("indicators")
