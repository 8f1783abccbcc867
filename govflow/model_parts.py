"""Pieces several models share: the checks that a column holds one of a few values, the name and
short name for links of the things people pick from lists, the review date a decision sets,
the version column that guards against lost updates (and the version a form sends back), and
the tables that link two kinds of thing, many to many."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from govflow.domain_errors import Invalid
from govflow.extensions import db


def in_list(column: str, values) -> str:
    """SQL that holds when `column` is one of `values`."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def one_of(**columns) -> tuple[CheckConstraint, ...]:
    """For `__table_args__`: a check per column that it holds one of the values given
    (`kind=KINDS`), named after the column."""
    return tuple(CheckConstraint(in_list(column, values), name=column)
                 for column, values in columns.items())


class Named:
    """Organisations, areas, forums, tags and sign-in providers: each has a name, and a short
    name for links (its slug) that no other of its kind has."""

    # First in the table, where the migrations put them (a mixin's columns otherwise go last).
    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    slug: Mapped[str] = mapped_column(String(80), unique=True, sort_order=-1)
    name: Mapped[str] = mapped_column(String(200), sort_order=-1)


class ReviewDate:
    """The date a decision sets for looking again at what it decided (an idea's trial is
    reviewed then): the workflow's review_on_date, kept on the decision and on its item."""

    review_on: Mapped[date | None] = mapped_column(Date)


class Versioned:
    """Optimistic locking: SQLAlchemy adds 1 to `version` on every update and refuses one
    made from a stale copy (StaleDataError), so two people editing at once cannot overwrite
    each other; forms send back the version the person saw."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


def sent_version(version) -> int:
    """The version a form sent back (the one the person saw), as a number; Invalid if it is
    not one."""
    try:
        return int(version)
    except (TypeError, ValueError):
        raise Invalid("The version sent with the form is not a number.") from None


def link_table(name: str, **columns: str) -> Table:
    """A table linking two kinds of thing, many to many: each column names the id it holds
    (`area_id="local_areas.id"`), the two together are its primary key, and a row goes when
    either thing does."""
    return Table(name, db.metadata, *(
        Column(column, ForeignKey(target, ondelete="CASCADE"), primary_key=True)
        for column, target in columns.items()))
