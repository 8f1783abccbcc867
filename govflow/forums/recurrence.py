"""Recurring meetings: a forum's rhythm ("every Tuesday 9:30am to 10:30am at the Denaby
café", "monthly on the first Thursday"), the meetings it makes eight weeks ahead, each draft
agenda built the working day before, and a single meeting cancelled. Moving one meeting is
the ordinary update_meeting; it keeps the date it fell on in the series, so the sweep never
makes it again.

Times are London clock times placed on each meeting's own day, so a 9:30am meeting is at
9:30am in both GMT and BST. Services flush, never commit (the request, command or sweep
commits)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from govflow import workdays
from govflow.clock import utcnow
from govflow.domain_errors import Invalid, Refused
from govflow.extensions import db
from govflow.forums import rules
from govflow.forums.agenda_builder import build_agenda
from govflow.forums.models import Forum, Meeting
from govflow.forums.schedule_models import FREQUENCIES, WEEKS_OF_MONTH, MeetingRhythm

HORIZON = timedelta(weeks=8)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "last"}
RHYTHM_CHANGED = "The forum's rhythm of meetings changed."


@dataclass(frozen=True)
class RhythmDetails:
    frequency: str
    weekday: int | None
    week_of_month: int | None
    start: time | None
    end: time | None
    place: str
    chair_id: int | None


def describe(rhythm: MeetingRhythm | None) -> str:
    """The rhythm in words: "Every Tuesday, 9:30am to 10:30am" or "Monthly on the first
    Thursday, 10am to midday"."""
    if rhythm is None:
        return "No regular meetings"
    day = WEEKDAYS[rhythm.weekday]
    when = (f"Every {day}" if rhythm.frequency == "weekly"
            else f"Monthly on the {ORDINALS[rhythm.week_of_month]} {day}")
    today = date(2000, 1, 3)  # any date: only the clock times are read
    start = workdays._clock_text(datetime.combine(today, rhythm.starts))
    end = workdays._clock_text(datetime.combine(today, rhythm.ends))
    return f"{when}, {start} to {end}"


def current_rhythm(forum: Forum) -> MeetingRhythm | None:
    return db.session.scalar(
        select(MeetingRhythm).where(MeetingRhythm.forum_id == forum.id,
                                    MeetingRhythm.ended_at.is_(None))
        .order_by(MeetingRhythm.id.desc()).limit(1)
    )


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th (1–4) or last (5) given weekday of a month."""
    days = [d for d in calendar.Calendar().itermonthdates(year, month)
            if d.month == month and d.weekday() == weekday]
    return days[-1] if n == 5 else days[n - 1]


def occurrences(rhythm: MeetingRhythm, first: date, last: date) -> list[date]:
    """The dates the rhythm falls on from `first` to `last`, both included."""
    out: list[date] = []
    if rhythm.frequency == "weekly":
        day = first + timedelta(days=(rhythm.weekday - first.weekday()) % 7)
        while day <= last:
            out.append(day)
            day += timedelta(weeks=1)
        return out
    year, month = first.year, first.month
    while date(year, month, 1) <= last:
        day = _nth_weekday(year, month, rhythm.weekday, rhythm.week_of_month)
        if first <= day <= last:
            out.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _check(forum: Forum, details: RhythmDetails) -> dict:
    from govflow.forums.services import _chair

    errors = {}
    if details.frequency not in FREQUENCIES:
        errors["frequency"] = "Choose how often the forum meets"
    if details.weekday is None or not 0 <= details.weekday <= 6:
        errors["weekday"] = "Choose the day of the week it meets"
    if details.frequency == "monthly" and details.week_of_month not in WEEKS_OF_MONTH:
        errors["week_of_month"] = "Choose which week of the month it meets"
    if details.start is None:
        errors["start_time"] = "Enter the time it starts, like 9:30am"
    if details.end is None:
        errors["end_time"] = "Enter the time it ends, like 10:30am"
    elif details.start is not None and details.end <= details.start:
        errors["end_time"] = "Enter an end time after the start time"
    if errors:
        raise Invalid("Check the rhythm of meetings.", field_errors=errors)
    rules.check({"place": details.place or ""}, personal_data=False)
    return {"chair_id": _chair(forum, details.chair_id).id}


def set_rhythm(forum: Forum, actor, details: RhythmDetails,
               now: datetime | None = None) -> MeetingRhythm:
    """Give the forum a (new) rhythm and make its meetings for the next eight weeks. The old
    rhythm ends; its meetings still to come that nobody has touched are cancelled (calendars
    see them cancelled), unless the new rhythm meets at the same time, where it takes them on."""
    now = now or utcnow()
    if not forum.active:
        raise Refused("This forum is closed, so it has no meetings to plan.")
    checked = _check(forum, details)
    rhythm = MeetingRhythm(
        forum_id=forum.id, frequency=details.frequency, weekday=details.weekday,
        week_of_month=details.week_of_month if details.frequency == "monthly" else None,
        starts=details.start, ends=details.end, place=(details.place or "").strip(),
        chair_id=checked["chair_id"], created_by_id=actor.id, created_at=now,
    )
    db.session.add(rhythm)
    db.session.flush()
    rhythm.forum = forum
    _end_other_rhythms(forum, rhythm, now)
    fill_horizon(rhythm, now)
    return rhythm


def stop_rhythm(forum: Forum, actor, now: datetime | None = None) -> None:
    """No more regular meetings: the rhythm ends and its untouched meetings are cancelled."""
    now = now or utcnow()
    rhythm = current_rhythm(forum)
    if rhythm is None:
        raise Refused("This forum has no regular meetings to stop.")
    _end_other_rhythms(forum, None, now)


def _end_other_rhythms(forum: Forum, keep: MeetingRhythm | None, now: datetime) -> None:
    for old in db.session.scalars(select(MeetingRhythm).where(
            MeetingRhythm.forum_id == forum.id, MeetingRhythm.ended_at.is_(None))):
        if keep is not None and old.id == keep.id:
            continue
        old.ended_at = now
        for meeting in _untouched_future(old, now):
            if keep is not None and _same_slot(keep, meeting):
                meeting.rhythm_id = keep.id  # the new series takes it on as it is
                continue
            meeting.cancelled_at, meeting.cancelled_reason = now, RHYTHM_CHANGED
            rules.save(meeting)
    db.session.flush()


def _untouched_future(rhythm: MeetingRhythm, now: datetime) -> list[Meeting]:
    """The rhythm's planned meetings still to come whose agenda has not been built."""
    return list(db.session.scalars(select(Meeting).where(
        Meeting.rhythm_id == rhythm.id, Meeting.status == "planned",
        Meeting.cancelled_at.is_(None), Meeting.agenda_built_at.is_(None),
        Meeting.starts_at > now)))


def _slot(rhythm: MeetingRhythm, day: date) -> tuple[datetime, datetime]:
    return (workdays._london_to_naive_utc(day, rhythm.starts),
            workdays._london_to_naive_utc(day, rhythm.ends))


def _same_slot(rhythm: MeetingRhythm, meeting: Meeting) -> bool:
    day = workdays.london_date(meeting.starts_at)
    return (day in occurrences(rhythm, day, day)
            and _slot(rhythm, day) == (meeting.starts_at, meeting.ends_at))


def fill_horizon(rhythm: MeetingRhythm, now: datetime | None = None) -> int:
    """Make the rhythm's meetings from now to eight weeks ahead that do not exist yet (a
    moved or cancelled one still exists: it is never made again). Returns how many."""
    now = now or utcnow()
    today = workdays.london_date(now)
    made = set(db.session.scalars(select(Meeting.occurrence_on).where(
        Meeting.rhythm_id == rhythm.id, Meeting.occurrence_on >= today)))
    taken = {m.starts_at for m in db.session.scalars(select(Meeting).where(
        Meeting.forum_id == rhythm.forum_id, Meeting.starts_at >= now,
        Meeting.cancelled_at.is_(None)))}
    added = 0
    for day in occurrences(rhythm, today, today + HORIZON):
        starts, ends = _slot(rhythm, day)
        if day in made or starts <= now or starts in taken:
            continue
        db.session.add(Meeting(
            forum_id=rhythm.forum_id, rhythm_id=rhythm.id, occurrence_on=day,
            starts_at=starts, ends_at=ends, place=rhythm.place or rhythm.forum.place or "",
            chair_id=rhythm.chair_id, created_by_id=rhythm.created_by_id, created_at=now,
            status="planned",
        ))
        added += 1
    db.session.flush()
    return added


def agenda_due(meeting: Meeting, now: datetime) -> bool:
    """A rhythm's meeting has its draft agenda built from the working day before it."""
    day = workdays.london_date(meeting.starts_at)
    today = workdays.london_date(now)
    return today >= day or workdays.next_working_day(today) >= day


def build_due_agenda(meeting: Meeting, now: datetime | None = None) -> int:
    """Build the draft agenda of a meeting the rhythm made, once."""
    now = now or utcnow()
    if meeting.agenda_built_at is not None or meeting.cancelled or meeting.status != "planned":
        return 0
    added = build_agenda(meeting, now=now)
    meeting.agenda_built_at = now
    rules.save(meeting)
    return added


def cancel_meeting(meeting: Meeting, actor, reason: str, version=None,
                   now: datetime | None = None) -> Meeting:
    """Cancel one planned meeting (the rest of the series carries on). It stays on the
    forum's page and in calendars, marked cancelled."""
    rules.editable(meeting)
    rules.check_version(meeting, version)
    if meeting.cancelled:
        raise Refused("This meeting has already been cancelled.")
    if meeting.status != "planned":
        raise Refused("This meeting has been held, so it can no longer be cancelled.")
    reason = rules.required_text("reason", reason, "Say why it is cancelled.",
                                 "Enter why the meeting is cancelled", checked_as="summary")
    meeting.cancelled_at, meeting.cancelled_reason = now or utcnow(), reason
    rules.save(meeting)
    return meeting


def next_meeting(forum: Forum, now: datetime | None = None) -> Meeting | None:
    return db.session.scalar(
        select(Meeting).where(Meeting.forum_id == forum.id, Meeting.starts_at >= (now or utcnow()),
                              Meeting.cancelled_at.is_(None))
        .order_by(Meeting.starts_at).limit(1))
