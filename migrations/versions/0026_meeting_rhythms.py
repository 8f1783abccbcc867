"""Recurring meetings (a forum's rhythm; each meeting's series date, agenda built, cancelled)
and private calendar feeds

Revision ID: 0026_meeting_rhythms
Revises: 0025_absences_and_deputies
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_meeting_rhythms"
down_revision = "0025_absences_and_deputies"
branch_labels = None
depends_on = None

# Plain ADD COLUMNs on meetings, not a batch: a batch rebuilds the table on SQLite and would
# drop the triggers that lock approved minutes (see 0014).
NEW_MEETING_COLUMNS = (
    ("occurrence_on", sa.Date()),
    ("agenda_built_at", sa.DateTime()),
    ("cancelled_at", sa.DateTime()),
    ("cancelled_reason", sa.Text()),
)


def upgrade() -> None:
    op.create_table(
        "meeting_rhythms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.String(length=10), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("week_of_month", sa.Integer(), nullable=True),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        sa.Column("place", sa.String(length=300), server_default="", nullable=False),
        sa.Column("chair_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("frequency IN ('weekly', 'monthly')",
                           name=op.f("ck_meeting_rhythms_frequency")),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_meeting_rhythms_weekday")),
        sa.CheckConstraint(
            "(frequency = 'weekly' AND week_of_month IS NULL) OR "
            "(frequency = 'monthly' AND week_of_month BETWEEN 1 AND 5)",
            name=op.f("ck_meeting_rhythms_week_of_month")),
        sa.ForeignKeyConstraint(["forum_id"], ["forums.id"],
                                name=op.f("fk_meeting_rhythms_forum_id_forums")),
        sa.ForeignKeyConstraint(["chair_id"], ["users.id"],
                                name=op.f("fk_meeting_rhythms_chair_id_users")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_meeting_rhythms_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_rhythms")),
    )
    op.create_index(op.f("ix_meeting_rhythms_forum_id"), "meeting_rhythms", ["forum_id"])
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("forum_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_calendar_feeds_user_id_users")),
        sa.ForeignKeyConstraint(["forum_id"], ["forums.id"],
                                name=op.f("fk_calendar_feeds_forum_id_forums")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
    )
    op.create_index(op.f("ix_calendar_feeds_user_id"), "calendar_feeds", ["user_id"])
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its foreign key inline (Alembic would need a batch).
        op.execute("ALTER TABLE meetings ADD COLUMN rhythm_id INTEGER "
                   "CONSTRAINT fk_meetings_rhythm_id_meeting_rhythms "
                   "REFERENCES meeting_rhythms (id)")
    else:
        op.add_column("meetings", sa.Column(
            "rhythm_id", sa.Integer(),
            sa.ForeignKey("meeting_rhythms.id", name="fk_meetings_rhythm_id_meeting_rhythms"),
            nullable=True))
    for name, kind in NEW_MEETING_COLUMNS:
        op.add_column("meetings", sa.Column(name, kind, nullable=True))
    op.create_index("uq_meetings_rhythm_occurrence", "meetings", ["rhythm_id", "occurrence_on"],
                    unique=True)


def downgrade() -> None:
    # Plain DROP COLUMNs too (SQLite 3.35+), for the same reason as above.
    op.drop_index("uq_meetings_rhythm_occurrence", table_name="meetings")
    for name, _ in reversed(NEW_MEETING_COLUMNS):
        op.drop_column("meetings", name)
    op.drop_column("meetings", "rhythm_id")
    op.drop_index(op.f("ix_calendar_feeds_user_id"), table_name="calendar_feeds")
    op.drop_table("calendar_feeds")
    op.drop_index(op.f("ix_meeting_rhythms_forum_id"), table_name="meeting_rhythms")
    op.drop_table("meeting_rhythms")
