"""Item tallies: the database keeps how many items there are of each tier, state, kind, area
and organisation, so the queue tabs no longer count up to 30,000 items a visit

Revision ID: 0012_item_tallies
Revises: 0011_systemic_partial_index
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_item_tallies"
down_revision = "0011_systemic_partial_index"
branch_labels = None
depends_on = None

# Triggers, not application code, keep the tallies: every way an item changes (the workflow
# engine, the sweep, an import, a hand-written statement) is then counted, in the same
# transaction. They only ever append rows (+1 for the new combination, -1 for the old one),
# so concurrent writers never wait for each other or deadlock on a shared counter row.
KEY = "tier, state, kind, area_id, organisation_id"
CHANGED = ("OLD.tier IS DISTINCT FROM NEW.tier OR OLD.state IS DISTINCT FROM NEW.state "
           "OR OLD.kind IS DISTINCT FROM NEW.kind OR OLD.area_id IS DISTINCT FROM NEW.area_id "
           "OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id")


def _row(prefix: str, n: int) -> str:
    values = ", ".join(f"{prefix}.{c.strip()}" for c in KEY.split(","))
    return f"INSERT INTO item_tallies ({KEY}, n) VALUES ({values}, {n})"


def upgrade() -> None:
    op.create_table(
        "item_tallies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_tallies")),
    )
    op.create_index("ix_item_tallies_key", "item_tallies",
                    ["tier", "state", "kind", "area_id", "organisation_id", "n"])
    # An area's lists and the queue counts look up the items added to an area: without this
    # index every such lookup read all of item_areas.
    op.create_index("ix_item_areas_area_id_item_id", "item_areas", ["area_id", "item_id"])
    op.execute(f"INSERT INTO item_tallies ({KEY}, n) SELECT {KEY}, count(*) FROM items "
               f"GROUP BY {KEY}")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION govflow_item_tally() RETURNS trigger AS $$
            BEGIN
              IF TG_OP <> 'INSERT' THEN {_row('OLD', -1)}; END IF;
              IF TG_OP <> 'DELETE' THEN {_row('NEW', 1)}; END IF;
              RETURN NULL;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute("CREATE TRIGGER items_tally AFTER INSERT OR DELETE ON items "
                   "FOR EACH ROW EXECUTE FUNCTION govflow_item_tally()")
        op.execute(f"CREATE TRIGGER items_tally_update AFTER UPDATE OF {KEY} ON items "
                   f"FOR EACH ROW WHEN ({CHANGED}) EXECUTE FUNCTION govflow_item_tally()")
    else:
        changed = CHANGED.replace("IS DISTINCT FROM", "IS NOT")
        op.execute(f"CREATE TRIGGER items_tally_insert AFTER INSERT ON items "
                   f"BEGIN {_row('NEW', 1)}; END")
        op.execute(f"CREATE TRIGGER items_tally_delete AFTER DELETE ON items "
                   f"BEGIN {_row('OLD', -1)}; END")
        op.execute(f"CREATE TRIGGER items_tally_update AFTER UPDATE OF {KEY} ON items "
                   f"WHEN {changed} BEGIN {_row('OLD', -1)}; {_row('NEW', 1)}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS items_tally_update ON items")
        op.execute("DROP TRIGGER IF EXISTS items_tally ON items")
        op.execute("DROP FUNCTION IF EXISTS govflow_item_tally()")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS items_tally_{name}")
    op.drop_index("ix_item_areas_area_id_item_id", table_name="item_areas")
    op.drop_index("ix_item_tallies_key", table_name="item_tallies")
    op.drop_table("item_tallies")
