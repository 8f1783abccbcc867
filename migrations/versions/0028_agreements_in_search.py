"""Agreements in the search box: the agreements already in the register written into the
search index (search_documents), with the statement every later write uses
(govflow/search/index.py, source "agreements"). No schema change.

Revision ID: 0028_agreements_in_search
Revises: 0027_referrals
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0028_agreements_in_search"
down_revision = "0027_referrals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from govflow.search.index import rebuild

    rebuild(op.get_bind(), sources=["agreements"])


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM search_documents WHERE kind = 'agreement'"))
