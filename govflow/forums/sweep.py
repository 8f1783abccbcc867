"""Sweep steps for forums: keep each rhythm's meetings filled eight weeks ahead, and build
each one's draft agenda the working day before. Idempotent: a rhythm makes one meeting per
date of its series (a unique index), and an agenda is built once (agenda_built_at). Rows are
claimed FOR UPDATE SKIP LOCKED on PostgreSQL, so two sweeps at once never both do one."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from govflow import transaction, workdays
from govflow.db import for_update_skip_locked, writing
from govflow.extensions import db
from govflow.forums import recurrence
from govflow.forums.models import Forum, Meeting
from govflow.forums.schedule_models import MeetingRhythm


def sweep_steps():
    return [fill_horizons, build_agendas]


def _finish(ctx) -> None:
    if ctx.dry_run:
        db.session.rollback()
    else:
        transaction.commit()


def fill_horizons(ctx) -> None:
    """Every running rhythm of an open forum has its meetings for the next eight weeks."""
    ids = list(db.session.scalars(
        select(MeetingRhythm.id).join(Forum, Forum.id == MeetingRhythm.forum_id)
        .where(MeetingRhythm.ended_at.is_(None), Forum.active).order_by(MeetingRhythm.id)))
    for rhythm_id in ids:
        with writing():
            rhythm = db.session.scalars(for_update_skip_locked(
                select(MeetingRhythm).where(MeetingRhythm.id == rhythm_id,
                                            MeetingRhythm.ended_at.is_(None)), db.session)).first()
            added = recurrence.fill_horizon(rhythm, ctx.now) if rhythm is not None else 0
            if added:
                ctx.did("meetings planned", f"Planned {added} meetings of {rhythm.forum.name}",
                        n=added)
            _finish(ctx)


def build_agendas(ctx) -> None:
    """The draft agenda of each rhythm's meeting, built once, the working day before it."""
    today = workdays.london_date(ctx.now)
    # The next working day after today is at most a few days off (a long weekend): look a
    # fortnight ahead and let agenda_due decide.
    horizon = ctx.now + timedelta(days=14)
    ids = list(db.session.scalars(
        select(Meeting.id).where(Meeting.rhythm_id.is_not(None), Meeting.status == "planned",
                                 Meeting.cancelled_at.is_(None),
                                 Meeting.agenda_built_at.is_(None),
                                 Meeting.starts_at <= horizon)
        .order_by(Meeting.starts_at, Meeting.id)))
    for meeting_id in ids:
        with writing():
            meeting = db.session.scalars(for_update_skip_locked(
                select(Meeting).where(Meeting.id == meeting_id,
                                      Meeting.agenda_built_at.is_(None)), db.session)).first()
            if meeting is None or not recurrence.agenda_due(meeting, ctx.now):
                continue
            added = recurrence.build_due_agenda(meeting, ctx.now)
            ctx.did("agendas built",
                    f"Built the draft agenda of {meeting.forum.name} on "
                    f"{workdays.format_date(workdays.london_date(meeting.starts_at))} "
                    f"({added} items, as of {workdays.format_date(today)})")
            _finish(ctx)
