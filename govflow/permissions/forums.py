"""The access policy for forums and meetings: admins set forums up; the forum's secretary
(and admins) schedule and run its meetings; the chair or a vice-chair named on the meeting
approves the minutes, never the person who wrote them (the meeting's secretary who created
it)."""

from __future__ import annotations

from sqlalchemy import select

from govflow.extensions import db
from govflow.permissions.items import can_view_item


def _forum_of(obj):
    return getattr(obj, "forum", None) or obj


def is_forum_secretary(user, obj) -> bool:
    """The forum's secretary"""
    forum = _forum_of(obj)
    return forum is not None and forum.id in user.secretary_forum_ids


def can_run_meeting(user, obj) -> bool:
    """The forum's secretary or an administrator."""
    return "admin" in user.roles or is_forum_secretary(user, obj)


def wrote_minutes(user, meeting) -> bool:
    return meeting is not None and meeting.created_by_id is not None and (
        meeting.created_by_id == user.id)


def chairs(user, meeting) -> bool:
    """The meeting's chair or a vice-chair named on it."""
    return meeting is not None and user.id in {
        meeting.chair_id, getattr(meeting, "vice_chair_id", None)} - {None}


def can_approve_minutes(user, meeting) -> bool:
    """The chair or a vice-chair named on the meeting, never the person who wrote them."""
    return chairs(user, meeting) and not wrote_minutes(user, meeting)


def can_view_minutes(user, meeting) -> bool:
    """Approved minutes: anyone signed in; drafts: the forum's secretary, members, chair and
    administrators."""
    if meeting.status == "approved":
        return True
    return bool("admin" in user.roles or is_forum_secretary(user, meeting)
                or chairs(user, meeting) or user in meeting.forum.members)


def may_refer_to_central(user, obj) -> bool:
    """A local group's facilitator (of its area), its secretary, the meeting's chair, or an
    administrator"""
    forum = _forum_of(obj)
    if forum is None or forum.kind != "local":
        return False
    return bool("admin" in user.roles or is_forum_secretary(user, forum)
                or forum.area_id in user.area_ids_for("facilitator")
                or (obj is not forum and chairs(user, obj)))


def local_group_of(item):
    """The local group of the item's own area (the first, if an area has several), or None."""
    from govflow.forums.models import Forum

    area_id = getattr(item, "area_id", None)
    if area_id is None:
        return None
    return db.session.scalar(select(Forum).where(
        Forum.kind == "local", Forum.active, Forum.area_id == area_id).order_by(Forum.id).limit(1))


def may_refer_item_to_central(user, item) -> bool:
    """Whoever may see it and may refer for the local group of its own area: that group's
    facilitators, its secretary, or an administrator"""
    if item is None or not can_view_item(user, item):
        return False
    return may_refer_to_central(user, local_group_of(item))


def owns_feed(user, feed) -> bool:
    """The person the calendar address was issued to"""
    return feed is not None and feed.user_id == user.id
