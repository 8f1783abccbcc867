"""Following: whether a person follows a thing, following and unfollowing (flush only), who
follows an item (directly or through its area), and what changed lately among what a person
follows (Home). Every list goes through the access policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, func, or_, select

from govflow import workdays
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.follows.models import THINGS, Follow
from govflow.forums.models import Forum, Meeting
from govflow.items.models import Event, Item, ItemArea
from govflow.permissions import visibility_clause

CHANGED_WITHIN = timedelta(days=7)
SHOWN = 10


def item_page_has(item_id, user_id) -> dict:
    """For the item page's one statement of what it has (items.queries.item_page_has): does
    the person follow the item?"""
    return {"following": exists().where(Follow.user_id == user_id, Follow.thing == "item",
                                        Follow.thing_id == item_id)}


def is_following(user_id: int, thing: str, thing_id: int) -> bool:
    return db.session.scalar(select(Follow.user_id).where(
        Follow.user_id == user_id, Follow.thing == thing, Follow.thing_id == thing_id)) \
        is not None


def follow(user_id: int, thing: str, thing_id: int) -> bool:
    """Start following (flushes; the request commits). False if they already were."""
    if thing not in THINGS:
        raise ValueError(thing)
    if is_following(user_id, thing, thing_id):
        return False
    db.session.add(Follow(user_id=user_id, thing=thing, thing_id=thing_id))
    db.session.flush()
    return True


def unfollow(user_id: int, thing: str, thing_id: int) -> bool:
    gone = db.session.execute(delete(Follow).where(
        Follow.user_id == user_id, Follow.thing == thing, Follow.thing_id == thing_id))
    return bool(gone.rowcount)


def follower_ids(item) -> set[int]:
    """People following the item, or an area it is in (its own or one added to it)."""
    areas = select(ItemArea.area_id).where(ItemArea.item_id == item.id)
    return set(db.session.scalars(select(Follow.user_id).where(or_(
        and_(Follow.thing == "item", Follow.thing_id == item.id),
        and_(Follow.thing == "area", or_(Follow.thing_id == item.area_id,
                                         Follow.thing_id.in_(areas)))))))


@dataclass(frozen=True)
class Changed:
    """One line of "What you follow that changed"."""

    kind: str  # "item" or "meeting"
    id: int
    title: str
    at: datetime
    state: str  # the item's state, or the meeting's status


def _followed(user_id: int, thing: str):
    return select(Follow.thing_id).where(Follow.user_id == user_id, Follow.thing == thing)


def changed(user, now: datetime | None = None) -> tuple[list[Changed], int]:
    """Items followed (or in a followed area) with a history entry in the last week, and
    meetings of followed forums that were held, approved or scheduled in it: the latest
    first, at most SHOWN, and how many there are. Restricted items the person may not see
    are left out."""
    now = now or utcnow()
    since = now - CHANGED_WITHIN
    last = (select(Event.item_id, func.max(Event.at).label("at"))
            .where(Event.at >= since).group_by(Event.item_id).subquery())
    in_followed_area = or_(
        Item.area_id.in_(_followed(user.id, "area")),
        Item.id.in_(select(ItemArea.item_id).where(
            ItemArea.area_id.in_(_followed(user.id, "area")))))
    items = (select(Item.id, Item.title, Item.kind, Item.state, last.c.at)
             .join(last, last.c.item_id == Item.id)
             .where(or_(Item.id.in_(_followed(user.id, "item")), in_followed_area),
                    visibility_clause(user)))
    touched = func.coalesce(Meeting.approved_at, Meeting.closed_at, Meeting.created_at)
    meetings = (select(Meeting.id, Meeting.status, Meeting.starts_at, touched.label("at"),
                       Forum.name.label("forum_name"))
                .join(Forum, Forum.id == Meeting.forum_id)
                .where(Meeting.forum_id.in_(_followed(user.id, "forum")), touched >= since))
    item_rows = db.session.execute(items.order_by(last.c.at.desc()).limit(SHOWN)).all()
    meeting_rows = db.session.execute(meetings.order_by(touched.desc()).limit(SHOWN)).all()
    count = (db.session.scalar(select(func.count()).select_from(items.subquery())) or 0) + (
        db.session.scalar(select(func.count()).select_from(meetings.subquery())) or 0)
    out = [Changed("item", r.id, r.title, r.at, r.state) for r in item_rows]
    out += [Changed("meeting", r.id, f"{r.forum_name}: meeting on "
                    f"{workdays.format_date(workdays.london_date(r.starts_at))}", r.at, r.status)
            for r in meeting_rows]
    out.sort(key=lambda c: c.at, reverse=True)
    return out[:SHOWN], count
