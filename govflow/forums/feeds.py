"""Calendar subscriptions: a private address per person for a forum's meetings, or for their
own meetings (the forums they belong to, and meetings they chair), as an RFC 5545 calendar
built with the icalendar library.

Each meeting is one VEVENT whose UID is the meeting's own (the same as its "Add to calendar"
file), whose SEQUENCE follows the meeting's version, so a moved meeting updates the entry,
and a cancelled meeting stays in the feed with STATUS:CANCELLED, so calendar programs take it
out rather than keep a ghost. The feed shows what its owner may see: restricted items they
may not see are left out of agendas, as on every other surface.

Only a SHA-256 of each address's secret is kept; the address is shown once. Issuing a new
address for the same calendar revokes the old one; a revoked address answers 404."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import or_, select

from govflow.accounts.models import RoleAssignment
from govflow.clock import utcnow
from govflow.domain_errors import Forbidden, Refused
from govflow.extensions import db
from govflow.forums.models import Forum, Meeting, forum_members
from govflow.forums.schedule_models import CalendarFeed
from govflow.permissions import can, hidden_restricted_ids

TOKEN_PREFIX = "gfcal_"  # noqa: S105 - marks an address as a calendar secret; not a secret
# How far back a feed reaches: recent meetings stay in people's calendars.
LOOK_BACK = timedelta(weeks=13)
DEFAULT_LENGTH = timedelta(hours=2)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def active_feeds(user) -> list[CalendarFeed]:
    return list(db.session.scalars(
        select(CalendarFeed).where(CalendarFeed.user_id == user.id,
                                   CalendarFeed.revoked_at.is_(None))
        .order_by(CalendarFeed.forum_id.is_not(None), CalendarFeed.id)))


def issue_feed(user, forum: Forum | None = None, now: datetime | None = None) -> str:
    """A new private address for the person's own meetings (forum None) or a forum's; the
    address they had for the same calendar stops working. Returns the secret, shown once."""
    if not can(user, "calendar.subscribe", forum):
        raise Forbidden("You cannot subscribe to this calendar.")
    if forum is not None and not forum.active:
        raise Refused("This forum is closed, so it has no calendar to subscribe to.")
    now = now or utcnow()
    for old in db.session.scalars(select(CalendarFeed).where(
            CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None),
            CalendarFeed.forum_id == forum.id if forum is not None
            else CalendarFeed.forum_id.is_(None))):
        old.revoked_at = now
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(CalendarFeed(user_id=user.id, forum_id=forum.id if forum else None,
                                token_hash=_hash(token), created_at=now))
    db.session.flush()
    return token


def revoke_feed(user, feed: CalendarFeed, now: datetime | None = None) -> None:
    if not can(user, "calendar.revoke", feed):
        raise Forbidden("That calendar address is not yours.")
    if feed.revoked_at is None:
        feed.revoked_at = now or utcnow()
        db.session.flush()


def feed_by_token(token: str) -> CalendarFeed | None:
    """The live feed an address names: not revoked, its owner still active and still
    allowed to read forums; otherwise None (the address answers 404)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _hash(token)))
    if feed is None or feed.revoked_at is not None or not feed.user.active:
        return None
    if not can(feed.user, "calendar.subscribe", feed.forum):
        return None
    return feed


def feed_meetings(feed: CalendarFeed, now: datetime | None = None) -> list[Meeting]:
    since = (now or utcnow()) - LOOK_BACK
    query = select(Meeting).where(Meeting.starts_at >= since)
    if feed.forum_id is not None:
        query = query.where(Meeting.forum_id == feed.forum_id)
    else:
        user_id = feed.user_id
        member_of = select(forum_members.c.forum_id).where(forum_members.c.user_id == user_id)
        secretary_of = select(RoleAssignment.forum_id).where(
            RoleAssignment.user_id == user_id, RoleAssignment.role == "secretary",
            RoleAssignment.forum_id.is_not(None))
        query = query.where(or_(Meeting.forum_id.in_(member_of),
                                Meeting.forum_id.in_(secretary_of),
                                Meeting.chair_id == user_id, Meeting.vice_chair_id == user_id))
    return list(db.session.scalars(query.order_by(Meeting.starts_at, Meeting.id)))


def feed_name(feed: CalendarFeed) -> str:
    return f"{feed.forum.name} meetings" if feed.forum is not None else "My govflow meetings"


def _description(meeting: Meeting, hidden: set[int], url: str) -> str:
    lines = [f"Chair: {meeting.chair.display_name if meeting.chair else 'to be confirmed'}"]
    if meeting.cancelled:
        lines.insert(0, f"Cancelled: {meeting.cancelled_reason}")
    agenda = [f"{a.position}. {a.title}" for a in sorted(meeting.agenda, key=lambda a: a.position)
              if a.item_id not in hidden]
    if agenda and not meeting.cancelled:
        lines += ["", "Draft agenda:", *agenda]
    if url:
        lines += ["", url]
    return "\n".join(lines)


def calendar_for(feed: CalendarFeed, *, uid_host: str, meeting_url, now: datetime | None = None
                 ) -> bytes:
    """The feed as an iCalendar file. `meeting_url(meeting)` gives each meeting's page."""
    now = now or utcnow()
    hidden = set(hidden_restricted_ids(feed.user))
    cal = Calendar()
    cal.add("prodid", "-//govflow//Governance forums//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", feed_name(feed))
    cal.add("x-published-ttl", "PT1H")
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for meeting in feed_meetings(feed, now):
        url = meeting_url(meeting)
        event = Event()
        event.add("uid", f"govflow-meeting-{meeting.id}@{uid_host}")
        event.add("dtstamp", _aware(now))
        event.add("dtstart", _aware(meeting.starts_at))
        event.add("dtend", _aware(meeting.ends_at or meeting.starts_at + DEFAULT_LENGTH))
        event.add("sequence", max(0, (meeting.version or 1) - 1))
        event.add("summary", ("Cancelled: " if meeting.cancelled else "") + meeting.forum.name)
        event.add("location", meeting.place or meeting.forum.place or "")
        event.add("description", _description(meeting, hidden, url))
        event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
        event.add("transp", "TRANSPARENT" if meeting.cancelled else "OPAQUE")
        if url:
            event.add("url", url)
        cal.add_component(event)
    return cal.to_ical()


def _aware(dt: datetime) -> datetime:
    from datetime import UTC

    return dt.replace(tzinfo=UTC)
