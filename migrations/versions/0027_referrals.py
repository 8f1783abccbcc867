"""Referrals from local groups to the central forum, and the agenda entries they make

Revision ID: 0027_referrals
Revises: 0026_meeting_rhythms
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0027_referrals"
down_revision = "0026_meeting_rhythms"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_forum_id", sa.Integer(), nullable=False),
        sa.Column("from_meeting_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("to_forum_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("referred_by_id", sa.Integer(), nullable=False),
        sa.Column("referred_at", sa.DateTime(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("answer_meeting_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["from_forum_id"], ["forums.id"],
                                name=op.f("fk_referrals_from_forum_id_forums")),
        sa.ForeignKeyConstraint(["to_forum_id"], ["forums.id"],
                                name=op.f("fk_referrals_to_forum_id_forums")),
        sa.ForeignKeyConstraint(["from_meeting_id"], ["meetings.id"],
                                name=op.f("fk_referrals_from_meeting_id_meetings")),
        sa.ForeignKeyConstraint(["answer_meeting_id"], ["meetings.id"],
                                name=op.f("fk_referrals_answer_meeting_id_meetings")),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_referrals_item_id_items")),
        sa.ForeignKeyConstraint(["referred_by_id"], ["users.id"],
                                name=op.f("fk_referrals_referred_by_id_users")),
        sa.ForeignKeyConstraint(["answered_by_id"], ["users.id"],
                                name=op.f("fk_referrals_answered_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    for column in ("from_forum_id", "from_meeting_id", "to_forum_id"):
        op.create_index(op.f(f"ix_referrals_{column}"), "referrals", [column])
    # A plain ADD COLUMN, not a batch: a batch rebuilds agenda_items on SQLite and would drop
    # the triggers that lock approved minutes (see 0014).
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE agenda_items ADD COLUMN referral_id INTEGER "
                   "CONSTRAINT fk_agenda_items_referral_id_referrals REFERENCES referrals (id)")
    else:
        op.add_column("agenda_items", sa.Column(
            "referral_id", sa.Integer(),
            sa.ForeignKey("referrals.id", name="fk_agenda_items_referral_id_referrals"),
            nullable=True))


def downgrade() -> None:
    op.drop_column("agenda_items", "referral_id")
    for column in ("from_forum_id", "from_meeting_id", "to_forum_id"):
        op.drop_index(op.f(f"ix_referrals_{column}"), table_name="referrals")
    op.drop_table("referrals")
