"""Single sign-on: OpenID providers set up by an admin, the ID-token nonces already used,
and organisations whose people sign in only through their provider

Revision ID: 0018_single_sign_on
Revises: 0017_quorum_and_conflicts
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_single_sign_on"
down_revision = "0017_quorum_and_conflicts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_providers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("issuer", sa.String(length=500), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("client_secret", sa.String(length=500), nullable=False),
        sa.Column("domains", sa.Text(), server_default="", nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("create_accounts", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("active", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_identity_providers_organisation_id_organisations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_providers")),
        sa.UniqueConstraint("slug", name=op.f("uq_identity_providers_slug")),
    )
    op.create_table(
        "used_sign_in_nonces",
        sa.Column("nonce", sa.String(length=128), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_used_sign_in_nonces")),
    )
    op.create_index(op.f("ix_used_sign_in_nonces_used_at"), "used_sign_in_nonces", ["used_at"])
    # A plain ADD COLUMN (no batch): organisations keep their constraints as they are.
    op.add_column("organisations", sa.Column("passwords_off", sa.Boolean(), nullable=False,
                                             server_default="0"))


def downgrade() -> None:
    op.drop_column("organisations", "passwords_off")
    op.drop_index(op.f("ix_used_sign_in_nonces_used_at"), table_name="used_sign_in_nonces")
    op.drop_table("used_sign_in_nonces")
    op.drop_table("identity_providers")
