"""Room for sealed secrets: the authenticator app's secret and a sign-in provider's client
secret are now kept sealed (govflow/sealed.py), which makes them longer: 64 -> 255 and
500 -> 1000 characters. The values already there stay readable as they are; `govflow
seal-secrets` seals them (the migration cannot: the key is the app's SECRET_KEY).

Revision ID: 0034_sealed_secrets
Revises: 0033_search_newest_in_area
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0034_sealed_secrets"
down_revision = "0033_search_newest_in_area"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("second_factors") as batch:
        batch.alter_column("secret", existing_type=sa.String(length=64),
                           type_=sa.String(length=255), existing_nullable=False)
    with op.batch_alter_table("identity_providers") as batch:
        batch.alter_column("client_secret", existing_type=sa.String(length=500),
                           type_=sa.String(length=1000), existing_nullable=False)


def downgrade() -> None:
    # Sealed values do not fit the old widths: run with them unsealed (or set up again).
    with op.batch_alter_table("identity_providers") as batch:
        batch.alter_column("client_secret", existing_type=sa.String(length=1000),
                           type_=sa.String(length=500), existing_nullable=False)
    with op.batch_alter_table("second_factors") as batch:
        batch.alter_column("secret", existing_type=sa.String(length=255),
                           type_=sa.String(length=64), existing_nullable=False)
