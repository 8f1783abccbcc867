"""Agreements in the search box: the agreements already in the register written into the
search index (search_documents), with the statement govflow/search/index.py (source
"agreements") used on this migration's day. No schema change.

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
    # The statement of this migration's day, written out so that later changes to
    # govflow/search/index.py do not change what this migration does. The area is the
    # agreement's only area; one that covers several has none (the search finds it by
    # agreement_areas).
    op.execute(
        "INSERT INTO search_documents "
        "(kind, ref_id, item_id, area_id, state, happened_at, title, body) "
        "SELECT 'agreement', g.id, NULL, "
        "(SELECT CASE WHEN count(*) = 1 THEN min(aa.area_id) END FROM agreement_areas aa "
        "WHERE aa.agreement_id = g.id), g.kind, g.created_at, g.title, "
        "coalesce(g.parties, '') || ' ' || coalesce(g.what_shared, '') || ' ' || "
        "coalesce(g.shared_with, '') || ' ' || coalesce(g.basis, '') FROM agreements g"
    )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM search_documents WHERE kind = 'agreement'"))
