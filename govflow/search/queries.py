"""The statements behind the search page: words matched by the database's own full-text
search (FTS5 on SQLite, tsvector on PostgreSQL), best first within each kind, filtered by
kind, area, state and date, and kept to what the person may see (the access policy's
restricted items are never read back)."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from time import monotonic

from sqlalchemy import (
    DateTime,
    String,
    bindparam,
    case,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
    text,
    union_all,
)

from govflow.db import is_postgres
from govflow.extensions import db
from govflow.permissions import hidden_restricted_ids
from govflow.query_args import QueryArgs
from govflow.search.index import source_of
from govflow.search.models import SearchDocument
from govflow.systemic.search import STOP_WORDS

MAX_WORDS = 8
# Matches ranked per kind: the most recent ones (see _candidates).
CAP = 200
# PostgreSQL: how a kind's newest matches are found depends on how many of its documents
# hold the words together, which PostgreSQL cannot judge (see _dense_kinds): it looks at the
# newest PROBE documents of each kind, and where at least DENSE of them match it reads the
# kind newest first, WINDOW documents at most.
PROBE = 200
DENSE = 10
WINDOW = 5000
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Endings the stemmer takes off, so "booked" lights up "booking" in the results too.
_ENDINGS = ("ings", "ing", "ied", "ies", "ed", "es", "s")


@dataclass
class SearchFilters:
    """What the person asked for: ?q=&kind=&area=&state=&from=&to= (ISO dates)."""

    words: str = ""
    kind: str | None = None
    area: str | None = None  # area slug
    state: str | None = None
    happened_from: date | None = None
    happened_to: date | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args, kinds, states) -> SearchFilters:
        read = QueryArgs(args)
        kind = args.get("kind") or None
        state = args.get("state") or None
        happened_from, happened_to = read.period()
        return cls(words=(args.get("q") or "").strip()[:200],
                   kind=kind if kind in kinds else None,
                   area=(args.get("area") or "").strip() or None,
                   state=state if state in states else None,
                   happened_from=happened_from, happened_to=happened_to, errors=read.errors)

    def as_args(self) -> dict:
        args = {"q": self.words, "kind": self.kind, "area": self.area, "state": self.state,
                "from": self.happened_from.isoformat() if self.happened_from else None,
                "to": self.happened_to.isoformat() if self.happened_to else None}
        return {k: v for k, v in args.items() if v}


@dataclass(frozen=True)
class Hit:
    kind: str
    ref_id: int
    area_id: int | None
    state: str
    happened_at: datetime | None
    title: str
    body: str
    position: int  # 1 for the best of its kind
    total: int  # how many of its kind match


def words_of(text_: str) -> list[str]:
    """The words worth searching for, lower case, in order, without repeats."""
    out: list[str] = []
    for w in _WORD.findall(text_ or ""):
        w = w.lower()
        if w not in STOP_WORDS and w not in out:
            out.append(w)
    return out[:MAX_WORDS]


def _fts_words(words: list[str]) -> str:
    """FTS5 query: every word, quoted so none is read as an operator. No prefix search: the
    stemmer already finds "booking" for "booked", and a prefix of a common word costs the
    merging of every word that starts with it."""
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def _tsquery():
    return func.to_tsquery("english", bindparam("tsquery", type_=String))


def _of_kind(kind: str):
    """PostgreSQL: the kind written into the statement, not bound, so the planner can use the
    kind's own indexes (migration 0032): its words (the expression below, whose statistics
    say how common each word is in this kind, not in every kind) and its ids, newest first
    (0033: and in each area)."""
    d = SearchDocument
    of_kind = d.kind == literal(kind, String, literal_execute=True)
    return of_kind, case((of_kind, literal_column("search_documents.search_vector")))


def _candidates(kind: str, conditions: list, postgres: bool, dense: bool = False):
    """The CAP most recent documents of one kind that match, with what ranks them. Capped so
    that a word found in nearly everything costs the same as a rare one: only the most
    recent matches are ranked (see _scored)."""
    d = SearchDocument
    if postgres:
        of_kind, words = _of_kind(kind)
        if dense:
            # Newest first, the words tested on each document read: the newest CAP that
            # match are found after reading a few hundred or thousand (the subquery's own
            # LIMIT keeps PostgreSQL to that order, and to WINDOW documents at most).
            newest = (select(d.id.label("id"), d.kind.label("kind"), words.label("words"))
                      .where(of_kind, *conditions).order_by(d.id.desc()).limit(WINDOW)
                      .subquery())
            # Ranked as they are read (see _scored).
            return (select(newest.c.id, newest.c.kind,
                           (-func.ts_rank(newest.c.words, _tsquery())).label("score"))
                    .where(newest.c.words.op("@@")(_tsquery()))
                    .order_by(newest.c.id.desc()).limit(CAP))
        # Every match read from the kind's index of words, the newest CAP kept.
        return (select(d.id.label("id"), d.kind.label("kind"))
                .where(words.op("@@")(_tsquery()), of_kind, *conditions)
                .order_by(d.id.desc()).limit(CAP))
    # Each kind has an FTS5 index of its own (migration 0036), holding the area as a word:
    # the words are bound as match_<kind>, with the area's word when the area filter is on.
    # bm25 ranks the candidates as they are read (lower is better; a word in the title
    # counts four times one in the body, the area counts nothing), counting how common each
    # word is among this kind's documents.
    name = f"search_fts_{kind}"
    fts = table(name, column("rowid"))
    chosen = select(fts.c.rowid.label("id"), literal(kind, String).label("kind"),
                    literal_column(f"bm25({name}, 4.0, 1.0, 0.0)").label("score"))
    # The documents' own columns only when a filter needs them.
    chosen = (chosen.select_from(fts.join(d, d.id == fts.c.rowid)) if conditions
              else chosen.select_from(fts))
    return (chosen.where(text(f"{name} MATCH :match_{kind}"), *conditions)
            .order_by(fts.c.rowid.desc()).limit(CAP))


def _scored(parts: list, dense: frozenset, postgres: bool):
    """The candidates of every kind with their scores (lower is better)."""
    if not postgres:
        # Made once: bm25 can only be called where its own index is read.
        found = ((parts[0][1] if len(parts) == 1 else union_all(*(p for _, p in parts)))
                 .cte("found").prefix_with("MATERIALIZED", dialect="sqlite"))
        return select(found.c.id, found.c.kind, found.c.score)
    # The kinds read from their index of words are ranked above their LIMIT, so only the
    # candidates are ranked, not every match, and their words read again by id (in one
    # join for all of them: a join per kind took PostgreSQL 1 ms more to plan): carried
    # through each kind's newest-first sort, the words of every match cost "youth workers"
    # (8,000 blockers) 3 ms more. The kinds read newest first were ranked as they were read.
    indexed = [p for k, p in parts if k not in dense]
    ranked = [select(p.subquery()) for k, p in parts if k in dense]
    if indexed:
        found = (indexed[0] if len(indexed) == 1 else union_all(*indexed)).subquery()
        vector = literal_column("search_documents.search_vector")
        ranked.append(select(found.c.id, found.c.kind,
                             (-func.ts_rank(vector, _tsquery())).label("score"))
                      .join_from(found, SearchDocument, SearchDocument.id == found.c.id))
    both = ranked[0] if len(ranked) == 1 else union_all(*ranked)
    found = both.subquery()
    return select(found.c.id, found.c.kind, found.c.score)


def _in_area(kind: str, postgres: bool) -> list:
    """The area filter for one kind (`:area_id`): its documents' area, or for things that
    cover several areas (agreements) any of theirs. On SQLite a document's own area is a
    word in its kind's index, asked for with the words (see search)."""
    in_area = source_of(kind).in_area
    if in_area:
        return [text(in_area)]
    return [SearchDocument.area_id == bindparam("area_id")] if postgres else []


def _area_word(kind: str, area_id: int) -> str:
    """What the FTS5 query adds for the area filter: the area's word, or nothing for a kind
    whose documents cover several areas (filtered by _in_area)."""
    return "" if source_of(kind).in_area else f' AND area:"area{area_id}"'


def _conditions(*, hidden: bool, state: bool, after: bool, before: bool) -> list:
    d = SearchDocument
    conditions = []
    if hidden:
        conditions.append(d.item_id.is_(None)
                          | d.item_id.not_in(bindparam("hidden", expanding=True)))
    if state:
        conditions.append(d.state == bindparam("state"))
    if after:
        conditions.append(d.happened_at >= bindparam("after", type_=DateTime))
    if before:
        conditions.append(d.happened_at < bindparam("before", type_=DateTime))
    return conditions


@lru_cache(maxsize=512)
def _statement(postgres: bool, kinds: tuple[str, ...], *, hidden: bool, state: bool,
               after: bool, before: bool, area: bool, dense: frozenset = frozenset()):
    """The search statement for one shape of search (which kinds, which filters, and on
    PostgreSQL which kinds are read newest first), its values bound when it runs: built once
    per shape, as building it took about 1 ms a request."""
    d = SearchDocument
    conditions = _conditions(hidden=hidden, state=state, after=after, before=before)
    parts = [(k, select(_candidates(k, conditions + (_in_area(k, postgres) if area else []),
                                    postgres, k in dense).subquery())) for k in kinds]
    s = _scored(parts, dense, postgres).subquery()
    ranked = select(
        s.c.id, s.c.kind,
        func.row_number().over(partition_by=s.c.kind, order_by=(s.c.score, s.c.id.desc()))
        .label("position"),
        func.count().over(partition_by=s.c.kind).label("total"),
    ).subquery()
    return (select(d.kind, d.ref_id, d.area_id, d.state, d.happened_at, d.title, d.body,
                   ranked.c.position, ranked.c.total)
            .join(ranked, ranked.c.id == d.id)
            .where(ranked.c.position.between(bindparam("first"), bindparam("last")))
            .order_by(ranked.c.kind, ranked.c.position))


def search(user, filters: SearchFilters, kinds: list[str], *, area_id: int | None,
           first: int, last: int) -> list[Hit]:
    """For each kind, its matches numbered first..last (best first), with how many match
    (at most CAP: `Hit.total == CAP` means "CAP or more")."""
    words = words_of(filters.words)
    if not words or not kinds:
        return []
    postgres = is_postgres(db.session)
    # The restricted items this person may not see are few: read once, left out by id.
    hidden = hidden_restricted_ids(user)
    values: dict = {"first": first, "last": last, "hidden": hidden, "state": filters.state,
                    "area_id": area_id or 0}
    if filters.happened_from:
        values["after"] = datetime.combine(filters.happened_from, time())
    if filters.happened_to:
        values["before"] = datetime.combine(filters.happened_to, time()) + timedelta(days=1)
    if postgres:
        values["tsquery"] = " & ".join(words)
    else:
        matched = _fts_words(words)
        values.update({f"match_{k}": matched + (_area_word(k, area_id or 0) if filters.area
                                                else "") for k in kinds})
    shape = {"hidden": bool(hidden), "state": bool(filters.state),
             "after": "after" in values, "before": "before" in values,
             "area": bool(filters.area)}
    if postgres:
        return _search_postgres(kinds, shape, values, tuple(hidden))
    rows = db.session.execute(_statement(False, tuple(kinds), **shape), values).all()
    return [Hit(*row) for row in rows]


def _search_postgres(kinds: list[str], shape: dict, values: dict, hidden: tuple) -> list[Hit]:
    """search() on PostgreSQL: each kind read the way its words call for (_dense_kinds)."""
    # psycopg prepares a statement run five times on a connection, and PostgreSQL then plans
    # it once for any words: for "family" (in nearly every document) that generic plan reads
    # all 80,000 blockers' matches (64 ms, against 17 ms planned for the words). Never
    # prepared, it is planned for each search's own words (as `SET LOCAL plan_cache_mode =
    # force_custom_plan` did, without a round trip to say so).
    with _unprepared(db.session.connection().connection.driver_connection):
        # A filtered search reads fewer matches, and the newest documents of an area or a
        # state are not the newest of their kind: only a search by words alone looks.
        key = (values["tsquery"], tuple(kinds), hidden)
        filtered = shape["state"] or shape["after"] or shape["before"] or shape["area"]
        dense = frozenset() if filtered else _dense_kinds(key, kinds, values)
        rows = db.session.execute(
            _statement(True, tuple(kinds), **shape, dense=dense), values).all()
        hits = [Hit(*row) for row in rows]
        # A kind read newest first that found fewer than CAP may have stopped at WINDOW
        # documents: read it again from its index of words, which finds every match.
        short = {k for k in dense if all(h.total < CAP for h in hits if h.kind == k)}
        if short:
            dense = dense - short
            _DENSE[key] = (monotonic(), dense)
            rows = db.session.execute(
                _statement(True, tuple(kinds), **shape, dense=dense), values).all()
            hits = [Hit(*row) for row in rows]
    return hits


# What _dense_kinds found for the searches of the last few minutes, per process: only which
# kinds to read newest first, never what was found (each search reads the documents).
_DENSE: dict[tuple, tuple[float, frozenset]] = {}
_DENSE_SIZE = 2048
_DENSE_SECONDS = 600


def _dense_kinds(key: tuple, kinds: list[str], values: dict) -> frozenset:
    """The kinds whose newest PROBE documents hold the words at least DENSE times.

    PostgreSQL judges how many documents hold every word searched for by multiplying how
    common each word is, as if people's words were unrelated; but "youth workers", "school
    nurse" and "community centre" are written together. Told that 1 blocker in 160 holds
    "youth" and "workers" when 1 in 10 does, it reads all 8,000 matches from the index of
    words (7 ms on the 100,000-item benchmark database) where reading blockers newest first
    finds the newest 200 after about 2,000 (0.6 ms). So a search first looks at the newest
    documents of each kind (one statement, about 0.3 ms, remembered for a few minutes), and
    reads newest first the kinds where the words are common together."""
    known = _DENSE.get(key)
    if known and monotonic() - known[0] < _DENSE_SECONDS:
        return known[1]
    counts = dict(db.session.execute(_probe(tuple(kinds), bool(values["hidden"])),
                                     values).all())
    dense = frozenset(k for k in kinds if counts.get(k, 0) >= DENSE)
    if len(_DENSE) >= _DENSE_SIZE:
        _DENSE.clear()
    _DENSE[key] = (monotonic(), dense)
    return dense


@lru_cache(maxsize=128)
def _probe(kinds: tuple[str, ...], hidden: bool):
    """(kind, how many of its newest PROBE documents match) for each kind."""
    d = SearchDocument
    conditions = _conditions(hidden=hidden, state=False, after=False, before=False)
    parts = []
    for k in kinds:
        of_kind, words = _of_kind(k)
        newest = (select(words.label("words")).where(of_kind, *conditions)
                  .order_by(d.id.desc()).limit(PROBE).subquery())
        parts.append(select(literal(k, String).label("kind"), func.count().label("n"))
                     .select_from(newest).where(newest.c.words.op("@@")(_tsquery())))
    return parts[0] if len(parts) == 1 else union_all(*parts)


@contextmanager
def _unprepared(connection):
    """psycopg prepares no statement on `connection` meanwhile (Connection.prepare_threshold)."""
    threshold = connection.prepare_threshold
    connection.prepare_threshold = None
    try:
        yield
    finally:
        connection.prepare_threshold = threshold


def area_choices() -> list[tuple[int, str, str]]:
    """(id, slug, name) of every area, by name."""
    from govflow.accounts.models import LocalArea

    return [tuple(r) for r in db.session.execute(
        select(LocalArea.id, LocalArea.slug, LocalArea.name).order_by(LocalArea.name))]


def _stem(word: str) -> str:
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def highlighter(words: list[str]):
    """text -> the text in pieces, each marked whether it is a word the person searched for
    (the template puts the marked ones in <mark>, escaped like any text): a word is marked
    when it starts with the stem of one searched for."""
    if not words:
        return lambda text_: [(text_, False)] if text_ else []
    found = _marking(tuple(sorted({_stem(w) for w in words}, key=len, reverse=True)))
    return lambda text_: _pieces(text_ or "", found)


@lru_cache(maxsize=256)
def _marking(stems: tuple[str, ...]) -> re.Pattern:
    """Whole words (as _WORD finds them) that start with one of the stems, any case."""
    return re.compile(r"(?<![^\W_])(?:" + "|".join(map(re.escape, stems)) + r")[^\W_]*",
                      re.IGNORECASE)


def _pieces(text_: str, found: re.Pattern) -> list[tuple[str, bool]]:
    pieces: list[tuple[str, bool]] = []
    at = 0
    for m in found.finditer(text_):
        if m.start() > at:
            pieces.append((text_[at:m.start()], False))
        pieces.append((m.group(), True))
        at = m.end()
    if at < len(text_):
        pieces.append((text_[at:], False))
    return pieces


def excerpt(text_: str, words: list[str], width: int = 30) -> str:
    """About `width` words of the text around the first word searched for."""
    tokens = (text_ or "").split()
    if len(tokens) <= width:
        return " ".join(tokens)
    stems = tuple(_stem(w) for w in words)
    hit = next((n for n, t in enumerate(tokens)
                if t.lower().strip("\"'(“‘").startswith(stems)), 0)
    start = max(0, min(hit - width // 3, len(tokens) - width))
    out = " ".join(tokens[start:start + width])
    return ("… " if start else "") + out + (" …" if start + width < len(tokens) else "")
