"""The in-app inbox: a person's notifications, read and unread (every notification is in it)."""

from __future__ import annotations

import functools

from sqlalchemy import bindparam, func, select, update

from govflow.clock import utcnow
from govflow.domain_errors import NotFound
from govflow.extensions import db
from govflow.notifications.models import Notification
from govflow.permissions import can, item_visible_clause, sees_every_item

PER_PAGE = 25


def inbox_query(user, *, unread_only: bool = False):
    """The person's notifications, less those about items since restricted away from them."""
    q = select(Notification).where(Notification.user_id == user.id,
                                   item_visible_clause(user, Notification.item_id))
    if unread_only:
        q = q.where(Notification.read_at.is_(None))
    return q.order_by(Notification.created_at.desc(), Notification.id.desc())


def unread_count(user) -> int:
    if sees_every_item(user):
        return db.session.scalar(_unread_count_statement(), {"user_id": user.id}) or 0
    return db.session.scalar(_unread_count_statement().where(
        item_visible_clause(user, Notification.item_id)), {"user_id": user.id}) or 0


@functools.cache
def _unread_count_statement():
    """Built once per process: every signed-in page's menu runs it."""
    return select(func.count(Notification.id)).where(
        Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None)
    )


def page_of(user, page: int, *, unread_only: bool = False, per_page: int = PER_PAGE):
    """(rows, total) for one page of the person's inbox, newest first."""
    query = inbox_query(user, unread_only=unread_only)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total or 0


def open_notification(user, notification_id: int) -> Notification:
    """The person's notification, marked read. Someone else's is 'not found'."""
    row = db.session.get(Notification, notification_id)
    if row is None or not can(user, "notification.view", row):
        raise NotFound("There is no notification with that number in your inbox.")
    if row.read_at is None:
        row.read_at = utcnow()
        db.session.flush()
    return row


def mark_all_read(user, now=None) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return result.rowcount
