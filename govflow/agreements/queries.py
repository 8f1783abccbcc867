"""Which agreements match a search, and what the register and the library show of them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from govflow import workdays
from govflow.accounts.models import LocalArea
from govflow.agreements.models import AGREEMENT_KINDS, Agreement, agreement_areas
from govflow.extensions import db


def item_page_has(item_id, _user_id) -> dict:
    """For the item page's one statement of what it has (items.queries.item_page_has)."""
    return {"agreements": exists().where(Agreement.item_id == item_id)}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _midnight_utc(d: date) -> datetime:
    return datetime.combine(d, time(0), tzinfo=workdays.LONDON).astimezone(UTC).replace(
        tzinfo=None)


def matching(*, q: str = "", kinds=(), areas=(), made_from: date | None = None,
             made_to: date | None = None) -> Select:
    """SELECT of the ids of agreements matching every word of `q` (in the title, parties,
    what is shared, with whom or the basis), of these kinds, covering one of these areas
    (slugs), made between these dates. Everyone signed in may read every agreement."""
    query = select(Agreement.id)
    for word in [w for w in (q or "").split() if w][:8]:
        pattern = f"%{_escape_like(word)}%"
        query = query.where(or_(*(column.ilike(pattern, escape="\\") for column in (
            Agreement.title, Agreement.parties, Agreement.what_shared, Agreement.shared_with,
            Agreement.basis))))
    kinds = [k for k in kinds if k in AGREEMENT_KINDS]
    if kinds:
        query = query.where(Agreement.kind.in_(kinds))
    if areas:
        query = query.where(Agreement.id.in_(
            select(agreement_areas.c.agreement_id)
            .join(LocalArea, LocalArea.id == agreement_areas.c.area_id)
            .where(LocalArea.slug.in_(list(areas)))))
    if made_from:
        query = query.where(Agreement.created_at >= _midnight_utc(made_from))
    if made_to:
        query = query.where(Agreement.created_at < _midnight_utc(made_to + timedelta(days=1)))
    return query


def count_of(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def page_of(query: Select, offset: int, limit: int) -> list[Agreement]:
    """One page, soonest review first, with owner, areas and the item that produced each."""
    ids = list(db.session.scalars(
        query.order_by(Agreement.review_on, Agreement.id).offset(offset).limit(limit)))
    if not ids:
        return []
    rows = {a.id: a for a in db.session.scalars(
        select(Agreement).where(Agreement.id.in_(ids))
        .options(joinedload(Agreement.owner), selectinload(Agreement.areas),
                 joinedload(Agreement.item)))}
    return [rows[i] for i in ids if i in rows]


def status_of(agreement: Agreement, today: date, window_days: int) -> tuple[str, str]:
    """(words, tag colour) for an agreement's review: current, review due soon, or lapsed."""
    if agreement.review_on < today:
        return "Lapsed", "govuk-tag--red"
    if agreement.review_on <= workdays.add_working_days(today, window_days):
        return "Review due", "govuk-tag--yellow"
    return "Current", "govuk-tag--green"
