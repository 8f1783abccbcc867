"""Recurring meetings: a forum's rhythm makes its meetings eight weeks ahead (weekly, or
monthly on the first Thursday), at the same London clock time across the clock change; the
sweep keeps the horizon filled and builds each draft agenda the working day before, however
often it runs; one meeting can be moved or cancelled without the series making it again.

Every moment here is chosen by the test (passed as `now`), so it passes at any date."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import select

from govflow import workdays
from govflow.domain_errors import Invalid, Refused
from govflow.extensions import db
from govflow.forums import attendance, recurrence, services
from govflow.forums import sweep as forum_sweep
from govflow.forums.models import Forum, Meeting
from govflow.forums.schedule_models import MeetingRhythm
from govflow.sweep import SweepContext

CAFE = "Denaby Community Café"


def _club() -> Forum:
    return db.session.scalar(select(Forum).where(Forum.slug == "denaby-conversation-club"))


def _central() -> Forum:
    return db.session.scalar(select(Forum).where(Forum.slug == "central-forum"))


@pytest.fixture(autouse=True)
def _no_demo_series(app):
    """The demo's own weekly series ends first: planned at the suite's moment (in spring,
    on the night the clocks go forward), its meetings would hold the very Tuesdays these
    tests plan, and a new series never makes a second meeting in a slot already taken."""
    from govflow.clock import utcnow

    for rhythm in db.session.scalars(select(MeetingRhythm).where(MeetingRhythm.ended_at.is_(None))):
        rhythm.ended_at = utcnow()
    for meeting in db.session.scalars(select(Meeting).where(
            Meeting.rhythm_id.is_not(None), Meeting.cancelled_at.is_(None),
            Meeting.status == "planned")):
        meeting.cancelled_at, meeting.cancelled_reason = utcnow(), "Cleared for the test"
    db.session.flush()


def _series(rhythm) -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).where(Meeting.rhythm_id == rhythm.id)
                                   .order_by(Meeting.starts_at)))


def _weekly(people, now, **changes):
    details = dict(frequency="weekly", weekday=1, week_of_month=None, start=time(9, 30),
                   end=time(10, 30), place=CAFE,
                   chair_id=people["lorraine.hebden@denaby-cafe.example"].id)
    details.update(changes)
    return recurrence.set_rhythm(_club(), people["jo.mitchell@denaby-cafe.example"],
                                 recurrence.RhythmDetails(**details), now=now)


def _london(meeting) -> tuple[date, str]:
    return workdays.london_date(meeting.starts_at), workdays.format_time(meeting.starts_at)


def test_every_tuesday_makes_eight_weeks_of_meetings_at_half_past_nine_across_the_clock_change(
        people):
    # Wednesday 10 March 2027; the clocks go forward on Sunday 28 March.
    rhythm = _weekly(people, datetime(2027, 3, 10, 10, 0))
    meetings = _series(rhythm)
    assert [_london(m)[0] for m in meetings] == [
        date(2027, 3, 16), date(2027, 3, 23), date(2027, 3, 30), date(2027, 4, 6),
        date(2027, 4, 13), date(2027, 4, 20), date(2027, 4, 27), date(2027, 5, 4)]
    assert {_london(m)[1] for m in meetings} == {"9:30am"}
    assert {workdays.format_time(m.ends_at) for m in meetings} == {"10:30am"}
    # In UTC the meeting moves an hour earlier once London is on summer time.
    assert meetings[1].starts_at == datetime(2027, 3, 23, 9, 30)
    assert meetings[2].starts_at == datetime(2027, 3, 30, 8, 30)
    assert {m.place for m in meetings} == {CAFE}
    assert {m.chair.display_name for m in meetings} == {"Lorraine Hebden"}
    assert {m.status for m in meetings} == {"planned"}
    assert all(m.agenda == [] and m.agenda_built_at is None for m in meetings)
    assert recurrence.describe(rhythm) == "Every Tuesday, 9:30am to 10:30am"


def test_monthly_on_the_first_thursday(people):
    central = _central()
    rhythm = recurrence.set_rhythm(
        central, people["secretary"],
        recurrence.RhythmDetails(frequency="monthly", weekday=3, week_of_month=1,
                                 start=time(10), end=time(12), place="",
                                 chair_id=people["katherine.ward@dcst.example"].id),
        now=datetime(2027, 1, 12, 10, 0))
    days = [workdays.london_date(m.starts_at) for m in _series(rhythm)]
    assert days == [date(2027, 2, 4), date(2027, 3, 4)]
    assert recurrence.describe(rhythm) == "Monthly on the first Thursday, 10am to midday"
    assert {m.place for m in _series(rhythm)} == {central.place}
    assert recurrence.occurrences(rhythm, date(2027, 1, 1), date(2027, 12, 31))[-1] == date(
        2027, 12, 2)
    last_friday = MeetingRhythm(frequency="monthly", weekday=4, week_of_month=5)
    assert recurrence.occurrences(last_friday, date(2027, 10, 1), date(2027, 12, 31)) == [
        date(2027, 10, 29), date(2027, 11, 26), date(2027, 12, 31)]


def test_the_sweep_keeps_the_horizon_filled_and_running_it_again_changes_nothing(people):
    now = datetime(2027, 3, 10, 10, 0)
    rhythm = _weekly(people, now)
    assert len(_series(rhythm)) == 8
    forum_sweep.fill_horizons(SweepContext(now=now))  # (the central forum's demo rhythm too)
    again = SweepContext(now=now)
    forum_sweep.fill_horizons(again)
    assert again.counts["meetings planned"] == 0
    assert len(_series(rhythm)) == 8
    # A week on, one more Tuesday has come into the eight weeks; a second sweep adds none.
    week_on = datetime(2027, 3, 17, 6, 0)
    forum_sweep.fill_horizons(SweepContext(now=week_on))
    again = SweepContext(now=week_on)
    forum_sweep.fill_horizons(again)
    assert again.counts["meetings planned"] == 0
    assert [workdays.london_date(m.starts_at) for m in _series(rhythm)][-1] == date(2027, 5, 11)
    assert len(_series(rhythm)) == 9


def test_the_draft_agenda_is_built_the_working_day_before_and_only_once(people):
    rhythm = _weekly(people, datetime(2027, 3, 10, 10, 0))
    first = _series(rhythm)[0]  # Tuesday 16 March
    friday = datetime(2027, 3, 12, 7, 0)
    forum_sweep.build_agendas(SweepContext(now=friday))
    assert first.agenda_built_at is None
    monday = datetime(2027, 3, 15, 7, 0)
    ctx = SweepContext(now=monday)
    forum_sweep.build_agendas(ctx)
    assert ctx.counts["agendas built"] == 1
    assert first.agenda_built_at == monday
    # The club's open blockers in Denaby (its first meeting: all of them) are on it.
    assert any(a.kind == "item" for a in first.agenda)
    built = [(a.kind, a.item_id, a.title) for a in first.agenda]
    ctx = SweepContext(now=datetime(2027, 3, 15, 18, 0))
    forum_sweep.build_agendas(ctx)
    assert ctx.counts["agendas built"] == 0
    assert [(a.kind, a.item_id, a.title) for a in first.agenda] == built
    assert _series(rhythm)[1].agenda_built_at is None  # next week's waits for its own Monday


def test_after_a_bank_holiday_weekend_the_agenda_is_built_on_the_working_day_before(people):
    # Tuesday 29 December 2026 follows Christmas Day and the Boxing Day substitute (Monday 28).
    rhythm = _weekly(people, datetime(2026, 12, 2, 10, 0))
    # The forum's meeting that Tuesday: the new series' own, or (when the suite runs on that
    # bank holiday) the demo's, whose agenda is already built and so stays as it is.
    meeting = next(m for m in db.session.scalars(select(Meeting).where(
        Meeting.forum_id == rhythm.forum_id, Meeting.cancelled_at.is_(None)))
        if workdays.london_date(m.starts_at) == date(2026, 12, 29))
    assert not recurrence.agenda_due(meeting, datetime(2026, 12, 23, 12, 0))
    assert recurrence.agenda_due(meeting, datetime(2026, 12, 24, 9, 0))


def test_a_moved_meeting_keeps_its_place_in_the_series_and_is_not_made_again(people):
    now = datetime(2027, 3, 10, 10, 0)
    rhythm = _weekly(people, now)
    meeting = _series(rhythm)[1]  # Tuesday 23 March
    services.update_meeting(meeting, people["jo.mitchell@denaby-cafe.example"],
                            services.MeetingDetails(day=date(2027, 3, 24), start=time(13),
                                                    end=time(14), place="Denaby Library",
                                                    chair_id=meeting.chair_id))
    assert meeting.occurrence_on == date(2027, 3, 23)
    assert _london(meeting) == (date(2027, 3, 24), "1pm")
    assert recurrence.fill_horizon(rhythm, now) == 0
    assert date(2027, 3, 23) not in [workdays.london_date(m.starts_at) for m in _series(rhythm)]


def test_a_cancelled_meeting_stays_cancelled_and_nothing_can_be_recorded_at_it(people):
    now = datetime(2027, 3, 10, 10, 0)
    secretary = people["jo.mitchell@denaby-cafe.example"]
    rhythm = _weekly(people, now)
    meeting = _series(rhythm)[0]
    with pytest.raises(Invalid) as missing:
        recurrence.cancel_meeting(meeting, secretary, "  ", now=now)
    assert missing.value.field_errors == {"reason": "Enter why the meeting is cancelled"}
    recurrence.cancel_meeting(meeting, secretary, "The café is closed for repairs", now=now)
    assert meeting.cancelled and meeting.status == "planned"
    assert recurrence.fill_horizon(rhythm, now) == 0
    assert recurrence.next_meeting(_club(), now) == _series(rhythm)[1]
    with pytest.raises(Refused) as refused:
        attendance.set_member_attendance(meeting, secretary, present_ids=[secretary.id],
                                         apology_ids=[])
    assert refused.value.message == (
        "This meeting was cancelled on 10 March 2027 (The café is closed for repairs). "
        "Nothing can be recorded at it.")
    with pytest.raises(Refused):
        recurrence.cancel_meeting(meeting, secretary, "again", now=now)
    # The sweep builds no agenda for it.
    forum_sweep.build_agendas(SweepContext(now=datetime(2027, 3, 15, 7, 0)))
    assert meeting.agenda_built_at is None


def test_a_new_rhythm_cancels_the_old_series_meetings_it_does_not_take_on(people):
    now = datetime(2027, 3, 10, 10, 0)
    old = _weekly(people, now)
    first = _series(old)[0]
    new = _weekly(people, now, weekday=3)  # Thursdays from now on
    assert old.ended_at == now and recurrence.current_rhythm(_club()) == new
    assert first.cancelled and first.cancelled_reason == recurrence.RHYTHM_CHANGED
    assert all(m.cancelled for m in _series(old))
    # Eight Thursdays, less any slot the demo's own club meeting already holds (it is
    # seeded near the suite's moment: in spring, a Thursday morning in this window).
    held = sum(1 for m in db.session.scalars(select(Meeting).where(
        Meeting.forum_id == new.forum_id, Meeting.rhythm_id.is_(None),
        Meeting.cancelled_at.is_(None), Meeting.starts_at > now))
        if _london(m) == (workdays.london_date(m.starts_at), "9:30am")
        and workdays.london_date(m.starts_at).weekday() == 3)
    assert [workdays.london_date(m.starts_at).weekday() for m in _series(new)] == [3] * (8 - held)
    # Same time and day again: the untouched meetings carry over rather than being doubled.
    same = _weekly(people, now, weekday=3)
    assert len(_series(same)) == 8 - held and _series(new) == []


def test_a_rhythm_is_checked_before_anything_is_made(people):
    with pytest.raises(Invalid) as bad:
        _weekly(people, datetime(2027, 3, 10, 10, 0), frequency="monthly", week_of_month=None,
                end=time(9))
    assert bad.value.field_errors == {
        "week_of_month": "Choose which week of the month it meets",
        "end_time": "Enter an end time after the start time"}
