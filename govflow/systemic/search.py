"""Full-text search for similar open blockers: SQLite FTS5 or PostgreSQL full-text.

The index is built by migration 0004_item_search (an FTS5 table kept in step by triggers on
SQLite; a GIN index on PG_DOCUMENT on PostgreSQL). Words are OR-ed, so a blocker sharing
the important words of a title ranks first; the last word also matches as a prefix, because
people are still typing it.
"""

from __future__ import annotations

import re

from sqlalchemy import bindparam, func, literal_column, select, text
from sqlalchemy.orm import selectinload

from govflow.db import is_postgres
from govflow.extensions import db
from govflow.items.models import Item, ItemArea
from govflow.permissions import hidden_restricted_ids
from govflow.workflow import vocabulary

OPEN_BLOCKER_STATES = vocabulary.waiting_states("blocker")
MAX_TERMS = 12
MIN_LENGTH = 3
# Same expression as the GIN index in migration 0004_item_search, so the index is used.
PG_DOCUMENT = (
    "(setweight(to_tsvector('english', coalesce(items.title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(items.description, '')), 'B'))"
)
# Words too common in blocker titles to say two blockers are alike (PostgreSQL drops
# English stop words itself; SQLite's FTS5 does not).
STOP_WORDS = frozenset(
    " ".join((
        "a about after all also an and any are as at be because been but by can cannot",
        "could did do does for from get gets had has have how if in into is it its just more",
        "most no nobody not of on only or our out over so than that the their them then there",
        "these they this to too up us was we were what when where which who why will with",
        "without would you your",
    )).split(" ")
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def terms(title: str) -> list[str]:
    """The words of a title worth searching for, in order, without repeats."""
    words = [w.lower() for w in _WORD.findall(title or "")]
    out = []
    for w in words:
        if len(w) >= MIN_LENGTH and w not in STOP_WORDS and w not in out:
            out.append(w)
    return out[:MAX_TERMS]


def _prefix_last(title: str, words: list[str]) -> bool:
    """Match the last word as a prefix only while it is still being typed (no space after)."""
    stripped = (title or "")
    return (bool(words) and not stripped.endswith((" ", ".", "?", "!"))
            and stripped.lower().rstrip().endswith(words[-1]))


def similar_ids(title: str, limit: int = 5, exclude: tuple[int, ...] = (), *,
                user=None) -> list[int]:
    """Ids of open blockers (any area) most like `title` that `user` may see, best first
    (with no person, no restricted item at all)."""
    # Restricted items the person may not see are left out like the ones excluded (few).
    hidden = (hidden_restricted_ids(user) if user is not None else
              db.session.scalars(select(Item.id).where(Item.restricted.is_(True))).all())
    exclude = (*exclude, *hidden)
    words = terms(title)
    if not words:
        return []
    prefix = _prefix_last(title, words)
    if is_postgres(db.session):
        parts = list(words)
        if prefix:
            parts[-1] += ":*"
        query = func.to_tsquery("english", " | ".join(parts))
        document = literal_column(PG_DOCUMENT)
        ids = db.session.scalars(
            select(Item.id)
            .where(document.op("@@")(query), Item.kind == "blocker",
                   Item.state.in_(OPEN_BLOCKER_STATES))
            .order_by(func.ts_rank(document, query).desc(), Item.id.desc())
            .limit(limit + len(exclude))
        ).all()
        return [i for i in ids if i not in exclude][:limit]
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    if prefix:
        quoted[-1] += "*"
    # bm25: lower is better; the title counts four times as much as the description.
    sql = text(
        "SELECT items.id FROM items_fts JOIN items ON items.id = items_fts.rowid "
        "WHERE items_fts MATCH :query AND items.kind = 'blocker' "
        "AND items.state IN :states "
        "ORDER BY bm25(items_fts, 4.0, 1.0), items.id DESC LIMIT :limit"
    )
    query = " OR ".join(quoted)
    sql = sql.bindparams(bindparam("states", expanding=True))
    ids = db.session.scalars(
        sql, {"query": query, "limit": limit + len(exclude), "states": list(OPEN_BLOCKER_STATES)}
    ).all()
    return [i for i in ids if i not in exclude][:limit]


def similar_blockers(title: str, limit: int = 5, exclude: tuple[int, ...] = (), *,
                     user=None) -> list[Item]:
    """Open blockers like `title` that `user` may see, best first, with their areas loaded."""
    ids = similar_ids(title, limit, exclude, user=user)
    if not ids:
        return []
    items = db.session.scalars(
        select(Item)
        .where(Item.id.in_(ids))
        .options(selectinload(Item.area),
                 selectinload(Item.extra_areas).selectinload(ItemArea.area))
    ).all()
    order = {item_id: n for n, item_id in enumerate(ids)}
    return sorted(items, key=lambda i: order[i.id])
