"""Keeps the search index (search_documents) current: one SELECT per source of documents,
run for the rows a flush touched, for the whole table by migration 0020_search, and by
`govflow search rebuild` after a bulk load.

Each source is plain SQL that reads its own table and writes rows of (kind, ref_id, item_id,
area_id, state, happened_at, title, body). A new kind of thing (as agreements did, with
migration 0028) registers a Source with its SELECT and `watch`es the models whose changes
should refresh it, and a Kind in govflow/search/kinds.py, and a migration adds its indexes
(docs/search.md); the search page, its filters and the access policy then find it with no
other change. The words themselves are indexed by the database (an FTS5 table per kind kept
in step by triggers on SQLite, a generated tsvector column under GIN indexes on
PostgreSQL), so only these rows are ours to keep current. Writes happen in the same transaction as the change: nothing commits here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain

from sqlalchemy import bindparam, event, inspect, text
from sqlalchemy.orm import Session

COLUMNS = "kind, ref_id, item_id, area_id, state, happened_at, title, body"


@dataclass(frozen=True)
class Source:
    """Where documents of some kinds come from.

    `select(dialect)` returns a SELECT of COLUMNS ending in a WHERE clause that contains
    "{where}"; `keys` name how a refresh picks rows: key -> (predicate on search_documents,
    predicate on the SELECT), both with an expanding `:ids` parameter."""

    name: str
    kinds: tuple[str, ...]
    select: Callable[[str], str]
    keys: dict[str, tuple[str, str]] = field(default_factory=dict)
    # For things that cover several areas (area_id holds one of them at most): a predicate on
    # search_documents, with an `:area_id` parameter, true when the document covers that area.
    # The area filter uses it instead of area_id.
    in_area: str | None = None


SOURCES: dict[str, Source] = {}
# model class -> [(source name, key, attribute holding the id)]
WATCHES: dict[type, list[tuple[str, str, str]]] = defaultdict(list)


def register(source: Source) -> Source:
    SOURCES[source.name] = source
    return source


def watch(model: type, source: str, key: str, attribute: str = "id") -> None:
    """Refresh `source`'s documents keyed by `key` whenever a `model` row changes."""
    WATCHES[model].append((source, key, attribute))


def _midnight(column: str, dialect: str) -> str:
    """A DATE column as a timestamp, in the form each database's DateTime type reads back."""
    if dialect == "postgresql":
        return f"CAST({column} AS timestamp)"
    return f"({column} || ' 00:00:00.000000')"


def _joined(*columns: str) -> str:
    return " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)


def _items_sql(dialect: str) -> str:
    return (f"SELECT i.kind, i.id, i.id, i.area_id, i.state, i.created_at, i.title, "  # noqa: S608 - our own SQL
            f"{_joined('i.description', 'i.effect', 'i.why', 'i.support_needed')} "
            "FROM items i WHERE {where}")


def _decisions_sql(dialect: str) -> str:
    body = _joined("d.summary", "d.rationale", "d.why_not", "d.what_would_make_yes",
                   "d.conditions")
    return (f"SELECT 'decision', d.id, d.item_id, i.area_id, d.outcome, d.decided_at, i.title, "  # noqa: S608 - our own SQL
            f"{body} FROM decisions d JOIN items i ON i.id = d.item_id WHERE {{where}}")


def _meetings_sql(dialect: str) -> str:
    return ("SELECT 'meeting', m.id, NULL, f.area_id, m.status, m.starts_at, f.name, "
            "coalesce(m.place, '') FROM meetings m JOIN forums f ON f.id = m.forum_id "
            "WHERE {where}")


def _minutes_sql(dialect: str) -> str:
    # Approved minutes only (drafts are the forum's own until the chair approves them), and
    # without the notes on restricted items, which the page shows only to those who see them.
    aggregate = "string_agg" if dialect == "postgresql" else "group_concat"
    notes = (f"(SELECT {aggregate}(a.notes, ' ') FROM agenda_items a WHERE a.meeting_id = m.id "  # noqa: S608 - our own SQL
             "AND (a.item_id IS NULL OR a.item_id NOT IN "
             "(SELECT r.id FROM items r WHERE r.restricted = true)))")
    return (f"SELECT 'minutes', m.id, NULL, f.area_id, m.status, m.starts_at, f.name, "  # noqa: S608 - our own SQL
            f"{_joined('m.summary', notes)} FROM meetings m JOIN forums f ON f.id = m.forum_id "
            "WHERE m.status = 'approved' AND {where}")


def _actions_sql(dialect: str) -> str:
    return (f"SELECT 'action', a.id, a.item_id, a.area_id, a.status, "  # noqa: S608 - our own SQL
            f"{_midnight('a.due_on', dialect)}, a.what, coalesce(a.outcome_note, '') "
            "FROM sponsor_actions a WHERE {where}")


register(Source("items", ("blocker", "idea"), _items_sql,
                {"ref": ("ref_id IN :ids", "i.id IN :ids")}))
register(Source("decisions", ("decision",), _decisions_sql,
                {"ref": ("ref_id IN :ids", "d.id IN :ids"),
                 "item": ("item_id IN :ids", "d.item_id IN :ids")}))
_BY_FORUM = ("ref_id IN (SELECT fm.id FROM meetings fm WHERE fm.forum_id IN :ids)",
             "f.id IN :ids")
register(Source("meetings", ("meeting",), _meetings_sql,
                {"ref": ("ref_id IN :ids", "m.id IN :ids"), "forum": _BY_FORUM}))
register(Source("minutes", ("minutes",), _minutes_sql,
                {"ref": ("ref_id IN :ids", "m.id IN :ids"), "forum": _BY_FORUM}))
register(Source("actions", ("action",), _actions_sql,
                {"ref": ("ref_id IN :ids", "a.id IN :ids")}))


def _agreements_sql(dialect: str) -> str:
    # Everyone signed in reads every agreement (the access policy's agreement.view), so the
    # document points at no item: the blocker that produced one may be restricted, but the
    # agreement is not, and none of that item's words are in the document. The area shown is
    # its only area; one that covers several shows none, and is found by in_area.
    only_area = ("(SELECT CASE WHEN count(*) = 1 THEN min(aa.area_id) END "
                 "FROM agreement_areas aa WHERE aa.agreement_id = g.id)")
    return (f"SELECT 'agreement', g.id, NULL, {only_area}, g.kind, g.created_at, g.title, "  # noqa: S608 - our own SQL
            f"{_joined('g.parties', 'g.what_shared', 'g.shared_with', 'g.basis')} "
            "FROM agreements g WHERE {where}")


register(Source("agreements", ("agreement",), _agreements_sql,
                {"ref": ("ref_id IN :ids", "g.id IN :ids")},
                in_area=("search_documents.ref_id IN (SELECT aa.agreement_id "
                         "FROM agreement_areas aa WHERE aa.area_id = :area_id)")))


def source_of(kind: str) -> Source:
    """The source that writes documents of this kind."""
    return next(s for s in SOURCES.values() if kind in s.kinds)


def _watch_models() -> None:
    from govflow.agreements.models import Agreement
    from govflow.decisions.models import Decision
    from govflow.forums.models import AgendaItem, Forum, Meeting
    from govflow.items.models import Item
    from govflow.sponsors.models import SponsorAction

    watch(Item, "items", "ref")
    watch(Item, "decisions", "item")  # a decision is found by its item's title
    watch(Decision, "decisions", "ref")
    for source in ("meetings", "minutes"):
        watch(Meeting, source, "ref")
        watch(Forum, source, "forum")
    watch(AgendaItem, "minutes", "ref", "meeting_id")
    watch(SponsorAction, "actions", "ref")
    # A change to its areas marks the agreement itself changed.
    watch(Agreement, "agreements", "ref")


def _kinds(source: Source) -> str:
    return ", ".join(f"'{k}'" for k in source.kinds)


def refresh(connection, source: Source, key: str, ids) -> None:
    """Write again the documents of `source` picked by `key` for these ids."""
    ids = sorted(set(ids))
    if not ids:
        return
    doc_where, source_where = source.keys[key]
    dialect = connection.dialect.name
    param = bindparam("ids", expanding=True)
    connection.execute(text(f"DELETE FROM search_documents WHERE kind IN ({_kinds(source)}) "  # noqa: S608 - our own SQL
                            f"AND {doc_where}").bindparams(param), {"ids": ids})
    select_sql = source.select(dialect).replace("{where}", source_where)
    connection.execute(text(f"INSERT INTO search_documents ({COLUMNS}) {select_sql}")
                       .bindparams(param), {"ids": ids})


def rebuild(connection, sources: list[str] | None = None) -> int:
    """Write every document again, from the tables as they are; returns how many there are."""
    dialect = connection.dialect.name
    for name in sources or list(SOURCES):
        source = SOURCES[name]
        connection.execute(text(f"DELETE FROM search_documents WHERE kind IN ({_kinds(source)})"))  # noqa: S608 - our own SQL
        select_sql = source.select(dialect).replace("{where}", "1 = 1")
        connection.execute(text(f"INSERT INTO search_documents ({COLUMNS}) {select_sql}"))
    return connection.execute(text("SELECT count(*) FROM search_documents")).scalar_one()


def _after_flush(session, _flush_context) -> None:
    """Refresh the documents of every watched row this flush wrote, in its transaction."""
    wanted: dict[tuple[str, str], set[int]] = defaultdict(set)
    for obj in chain(session.new, session.dirty, session.deleted):
        for source, key, attribute in WATCHES.get(type(obj), ()):
            # New rows are not persistent yet (no identity) but hold their id by now.
            value = obj.__dict__.get(attribute)
            if value is None and attribute == "id":
                identity = inspect(obj).identity
                value = identity[0] if identity else None
            if value is not None:
                wanted[(source, key)].add(value)
    if not wanted:
        return
    connection = session.connection()
    for (source, key), ids in wanted.items():
        refresh(connection, SOURCES[source], key, ids)


def init_app(app) -> None:
    if not WATCHES:
        _watch_models()
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
