"""The format of an entry's hash survives the schema growing: a column added to a chained
table after the chains began leaves the hashes of rows sealed before it as they were, while a
value written into it is covered."""

from __future__ import annotations

from sqlalchemy import Column, MetaData, Table, select

from govflow.extensions import db
from govflow.forums.models import Meeting
from govflow.records import chain


def _as_0013_knew_it(table) -> Table:
    """The meetings table as migration 0013 left it: without the columns added since."""
    columns = [Column(c.name, c.type) for c in table.columns
               if c.name in chain.HASHED_SINCE_0013["meetings"] or c.name in
               ("id", "version", "minutes_pdf", *chain.CHAIN_COLUMNS)]
    return Table("meetings", MetaData(), *columns)


def test_a_column_added_later_leaves_sealed_hashes_alone_until_it_holds_a_value(app):
    table = Meeting.__table__
    added = [c.name for c in chain.content_columns(table)
             if not chain.always_hashed("meetings", c.name)]
    assert added, "the meetings table has grown since migration 0013 (vice_chair_id)"
    row = db.session.execute(select(table).where(table.c.status == "approved")).mappings().first()
    assert all(row[name] is None for name in added)

    def digest(t, values_of):
        values = chain.entry_values(t, row["chain_seq"], row["chain_prev"], row["chained_at"],
                                    lambda c: values_of.get(c.name))
        return chain.entry_hash(t, row["id"], values)

    then = _as_0013_knew_it(table)
    assert digest(then, dict(row)) == digest(table, dict(row)) == row["chain_hash"]
    filled = dict(row) | {"vice_chair_id": 1}
    assert digest(table, filled) != row["chain_hash"]
