"""Adopted ideas newest first, from a partial index: how far each has spread (the
dashboard's "How far ideas have spread", govflow/learning/queries.py spread) read them by
closing date after sorting every adopted idea, 8 ms at 100,000 items on SQLite.

SQLite's planner takes the new index only once it has statistics for it, so where the
database has statistics already (ANALYZE has been run), the new index is analysed too.

Revision ID: 0029_adopted_ideas_index
Revises: 0028_agreements_in_search
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0029_adopted_ideas_index"
down_revision = "0028_agreements_in_search"
branch_labels = None
depends_on = None

ADOPTED_IDEAS = "kind = 'idea' AND state = 'adopted'"


def upgrade() -> None:
    op.create_index("ix_items_adopted_ideas", "items", ["closed_at"],
                    sqlite_where=sa.text(ADOPTED_IDEAS), postgresql_where=sa.text(ADOPTED_IDEAS))
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and bind.execute(sa.text(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first():
        op.execute("ANALYZE ix_items_adopted_ideas")


def downgrade() -> None:
    op.drop_index("ix_items_adopted_ideas", table_name="items")
