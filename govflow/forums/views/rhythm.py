"""A forum's rhythm of meetings (set, changed or stopped by its secretary) and cancelling one
meeting. Moving one meeting is the meeting's ordinary "Change the meeting's details"."""

from __future__ import annotations

from flask import render_template, request, url_for

from govflow.domain_errors import Refused
from govflow.forums import forms, recurrence
from govflow.forums.views.common import (
    bp,
    choices_users,
    done,
    load_forum,
    refused,
    require,
    running,
    take_form,
    user,
)


def _rhythm_form(forum) -> forms.RhythmForm:
    form = forms.RhythmForm()
    form.chair.choices = choices_users(forum.members, "Choose the chair")
    form.weekday.choices = [("", "Choose a day")] + [
        (str(i), day) for i, day in enumerate(recurrence.WEEKDAYS)]
    form.week_of_month.choices = [("", "Not monthly")] + [
        (str(n), word.capitalize()) for n, word in recurrence.ORDINALS.items()]
    current = recurrence.current_rhythm(forum)
    if request.method == "GET":
        form.place.data = current.place if current else forum.place
        if current is not None:
            form.frequency.data = current.frequency
            form.weekday.data = str(current.weekday)
            form.week_of_month.data = str(current.week_of_month or "")
            form.start_time.data = _clock(current.starts)
            form.end_time.data = _clock(current.ends)
            form.chair.data = str(current.chair_id)
    return form


def _clock(value) -> str:
    return value.strftime("%H:%M")


def _number(value) -> int | None:
    return int(value) if (value or "").isdigit() else None


def _details(form) -> recurrence.RhythmDetails:
    return recurrence.RhythmDetails(
        frequency=form.frequency.data, weekday=_number(form.weekday.data),
        week_of_month=_number(form.week_of_month.data), start=form.start_time.parsed,
        end=form.end_time.parsed, place=form.place.data or "", chair_id=form.chair.data)


def _planned(rhythm):
    return done(f"{rhythm.forum.name} meets: {recurrence.describe(rhythm)}. Its meetings for "
                "the next eight weeks are planned; each draft agenda is built the working day "
                "before.", url_for("forums.show", slug=rhythm.forum.slug))


@bp.route("/forums/<slug>/rhythm", methods=["GET", "POST"])
def rhythm(slug):
    forum = load_forum(slug)
    require("meeting.run", forum)
    form = _rhythm_form(forum)
    current = recurrence.current_rhythm(forum)
    return take_form(
        form, lambda: recurrence.set_rhythm(forum, user(), _details(form)),
        then=_planned,
        again=lambda status: (render_template(
            "forums/rhythm.html", page_title=f"How often {forum.name} meets", form=form,
            forum=forum, current=current, described=recurrence.describe(current)), status),
    )


@bp.post("/forums/<slug>/rhythm/stop")
def stop_rhythm(slug):
    forum = load_forum(slug)
    require("meeting.run", forum)
    try:
        recurrence.stop_rhythm(forum, user())
    except Refused as err:
        return refused(err)
    return done(f"{forum.name} has no regular meetings now. The meetings they had planned "
                "are cancelled.", url_for("forums.show", slug=forum.slug))


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["GET", "POST"])
def cancel_meeting(meeting_id):
    meeting = running(meeting_id)
    form = forms.CancelMeetingForm()
    if request.method == "GET":
        form.version.data = str(meeting.version)
    return take_form(
        form, lambda: recurrence.cancel_meeting(meeting, user(), form.reason.data,
                                                version=form.version.data),
        then=lambda _: done("The meeting is cancelled. Members' calendars will show it as "
                            "cancelled.", url_for("forums.meeting", meeting_id=meeting.id)),
        again=lambda status: (render_template(
            "forums/cancel.html", page_title="Cancel the meeting", form=form,
            meeting=meeting), status),
        meeting=meeting,
    )
