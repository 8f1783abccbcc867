"""Quorum for forums, decisions taken without one, and dispensations for declared interests

Revision ID: 0017_quorum_and_conflicts
Revises: 0016_second_factor
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_quorum_and_conflicts"
down_revision = "0016_second_factor"
branch_labels = None
depends_on = None

# Plain ADD COLUMNs, not batch operations: a batch migration rebuilds the table on SQLite
# and would drop the triggers on decisions (append-only) and conflict_declarations (locked
# minutes). The columns on chained tables are nullable with no default, so every row sealed
# before them keeps its hash (docs/record-integrity.md, "Changing the schema").


def _add_user_fk(table: str, column: str, name: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER "
                   f"CONSTRAINT {name} REFERENCES users (id)")
    else:
        op.add_column(table, sa.Column(column, sa.Integer(),
                                       sa.ForeignKey("users.id", name=name), nullable=True))


def upgrade() -> None:
    op.add_column("forums", sa.Column("quorum", sa.Integer(), nullable=True))
    op.add_column("forums", sa.Column("quorum_tiers", sa.String(length=40), nullable=False,
                                      server_default=""))
    op.add_column("forums", sa.Column("decide_without_quorum", sa.Boolean(), nullable=False,
                                      server_default="0"))
    op.add_column("decisions", sa.Column("without_quorum", sa.Text(), nullable=True))
    op.add_column("conflict_declarations", sa.Column("dispensation", sa.Text(), nullable=True))
    op.add_column("conflict_declarations", sa.Column("dispensation_at", sa.DateTime(),
                                                     nullable=True))
    _add_user_fk("conflict_declarations", "dispensation_by_id",
                 "fk_conflict_declarations_dispensation_by_id_users")


def downgrade() -> None:
    op.drop_column("conflict_declarations", "dispensation_by_id")
    op.drop_column("conflict_declarations", "dispensation_at")
    op.drop_column("conflict_declarations", "dispensation")
    op.drop_column("decisions", "without_quorum")
    op.drop_column("forums", "decide_without_quorum")
    op.drop_column("forums", "quorum_tiers")
    op.drop_column("forums", "quorum")
