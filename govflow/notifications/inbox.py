"""The in-app inbox: a person's notifications, read and unread (every notification is in it)."""

from __future__ import annotations

import functools

from sqlalchemy import bindparam, event, func, select, true, update
from sqlalchemy.orm import Session

from govflow import transaction
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
    known = _known_unread(user)
    if known is not None:
        total, about_restricted = known
        # Counted with the person when they were loaded, and nothing written since. Only
        # restricted items are ever hidden from anyone (permissions.hidden_items), so with
        # no unread notification about one, every unread one is for them to see.
        if about_restricted == 0 or sees_every_item(user):
            return total
    if sees_every_item(user):
        return db.session.scalar(_unread_count_statement(), {"user_id": user.id}) or 0
    return db.session.scalar(_unread_count_statement().where(
        item_visible_clause(user, Notification.item_id)), {"user_id": user.id}) or 0


def unread_of(user_id_column) -> tuple:
    """Two columns for the statement that loads the signed-in person (govflow.accounts.auth),
    so that every page's menu needs no statement of its own: how many of the person's
    notifications are unread, and how many of those are about restricted items (the only
    ones the access policy may hide from them: unread_count decides)."""
    from govflow.items.models import Item

    unread = (Notification.user_id == user_id_column, Notification.read_at.is_(None))
    return (
        select(func.count(Notification.id)).where(*unread).scalar_subquery(),
        select(func.count(Notification.id)).join(Item, Item.id == Notification.item_id)
        .where(*unread, Item.restricted == true()).scalar_subquery(),
    )


def remember_unread(user, total: int, about_restricted: int) -> None:
    """Keep the counts loaded with the person for unread_count, until the session writes or
    its transaction ends: a page that marks notifications read, or tells the person of
    something, and then shows the menu counts again."""
    db.session.info[_UNREAD] = (user.id, total or 0, about_restricted or 0)


def _known_unread(user) -> tuple[int, int] | None:
    known = db.session.info.get(_UNREAD)
    if known is None or known[0] != user.id or transaction.wrote(db.session()):
        return None
    return known[1], known[2]


_UNREAD = "govflow_unread_loaded"


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_unread(session, *_args):
    session.info.pop(_UNREAD, None)


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
