"""Meeting pages: scheduling, the meeting's own page and calendar invitation, closing it,
approving its minutes, the minutes PDF and corrections (addenda) to approved minutes."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template, request, url_for
from flask_login import current_user

from govflow import workdays
from govflow.domain_errors import Refused
from govflow.edge import id_or_none
from govflow.errors import error_response
from govflow.forums import agenda_builder, forms, minutes, services
from govflow.forums.ics import meeting_ics
from govflow.forums.models import Forum, Meeting
from govflow.forums.views.common import (
    bp,
    can_run,
    choices_users,
    done,
    load_forum,
    load_meeting,
    locked_error,
    pdf_response,
    refused,
    require,
    running,
    take_form,
    user,
)
from govflow.permissions import can

# ---------------------------------------------------------------- scheduling


def _meeting_form(forum: Forum, meeting: Meeting | None = None) -> forms.MeetingForm:
    form = forms.MeetingForm()
    form.chair.choices = choices_users(forum.members, "Choose the chair")
    form.vice_chair.choices = choices_users(forum.members, "Nobody")
    if request.method == "GET":
        if meeting is not None:
            local = workdays.to_london(meeting.starts_at)
            form.day.data = local.date()
            form.start_time.data = workdays.format_time(meeting.starts_at)
            form.end_time.data = workdays.format_time(meeting.ends_at) if meeting.ends_at else ""
            form.place.data = meeting.place
            form.chair.data = str(meeting.chair_id or "")
            form.vice_chair.data = str(meeting.vice_chair_id or "")
            form.version.data = str(meeting.version)
        else:
            form.place.data = forum.place
    return form


def _details(form) -> services.MeetingDetails:
    return services.MeetingDetails(
        day=form.day.data, start=form.start_time.parsed,
        end=getattr(form.end_time, "parsed", None), place=form.place.data or "",
        chair_id=form.chair.data, vice_chair_id=form.vice_chair.data or None,
    )


def _scheduled(meeting: Meeting):
    count = len(meeting.agenda)
    return done(f"Meeting scheduled. Its draft agenda has {count} item{'s' if count != 1 else ''}.",
                url_for("forums.meeting", meeting_id=meeting.id))


@bp.route("/forums/<slug>/meetings/new", methods=["GET", "POST"])
def new_meeting(slug):
    forum = load_forum(slug)
    require("meeting.run", forum)
    form = _meeting_form(forum)
    return take_form(
        form, lambda: services.schedule_meeting(forum, user(), _details(form)),
        then=_scheduled,
        again=lambda status: (render_template(
            "forums/meeting_form.html", page_title=f"Schedule a meeting of {forum.name}",
            form=form, forum=forum, meeting=None), status),
    )


@bp.route("/forums/<slug>/meetings/record-past", methods=["GET", "POST"])
def record_past_meeting(slug):
    """A meeting that already took place, recorded afterwards: its own step, so a meeting
    is never back-dated by scheduling it."""
    forum = load_forum(slug)
    require("meeting.record_past", forum)
    form = _meeting_form(forum)
    return take_form(
        form, lambda: services.record_past_meeting(forum, user(), _details(form)),
        then=lambda meeting: done(
            "Meeting recorded. Record who attended, what was decided and a summary; its "
            "chair or vice-chair approves the minutes.",
            url_for("forums.meeting", meeting_id=meeting.id)),
        again=lambda status: (render_template(
            "forums/meeting_form.html",
            page_title=f"Record a meeting of {forum.name} that has already taken place",
            form=form, forum=forum, meeting=None, past=True), status),
    )


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
def edit_meeting(meeting_id):
    meeting = load_meeting(meeting_id)
    require("meeting.run", meeting)
    if meeting.status == "approved":
        return refused(locked_error(meeting), meeting)
    form = _meeting_form(meeting.forum, meeting)
    return take_form(
        form, lambda: services.update_meeting(meeting, user(), _details(form),
                                              version=form.version.data),
        then=lambda _: done("The meeting's details have been saved.",
                            url_for("forums.meeting", meeting_id=meeting.id)),
        again=lambda status: (render_template(
            "forums/meeting_form.html", page_title="Change the meeting's details",
            form=form, forum=meeting.forum, meeting=meeting), status),
        meeting=meeting,
    )


# ---------------------------------------------------------------- the meeting's page


@bp.get("/meetings/<int:meeting_id>")
def meeting(meeting_id):
    require("forums.view")
    meeting = load_meeting(meeting_id)
    # Restricted items the reader may not see are left out of the page, as of the minutes.
    leave_out = minutes.left_out_for(meeting, current_user)
    agenda = sorted((e for e in meeting.agenda if e.item_id not in leave_out),
                    key=lambda a: a.position)
    decisions = [d for d in services.decisions_at(meeting) if d.item_id not in leave_out]
    return render_template(
        "forums/meeting.html", page_title=f"{meeting.forum.name}: {_day(meeting)}",
        meeting=meeting, forum=meeting.forum, agenda=agenda, decisions=decisions,
        kind_labels=services.AGENDA_KIND_LABELS,
        decisions_by_item=_group(decisions, "item_id"),
        actions=[a for a in services.actions_at(meeting) if a.item_id not in leave_out],
        corrections=[d for d in services.later_corrections(meeting)
                     if d.item_id not in leave_out],
        addenda=minutes.numbered_addenda(meeting),
        pending=agenda_builder.new_candidates(meeting) if can_run(meeting) else [],
        attendance={status: minutes.in_minutes_order(meeting, status) for status in ("present", "apologies")},
        can_run=can_run(meeting), can_approve=can(current_user, "meeting.approve", meeting),
        can_dispense=can(current_user, "meeting.dispense", meeting),
    )


def _group(rows, attr):
    out: dict = {}
    for row in rows:
        out.setdefault(getattr(row, attr), []).append(row)
    return out


def _day(meeting: Meeting) -> str:
    return workdays.format_date(workdays.london_date(meeting.starts_at))


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting_calendar(meeting_id):
    require("forums.view")
    meeting = load_meeting(meeting_id)
    host = (current_app.config.get("SERVER_NAME") or request.host or "govflow").split(":")[0]
    body = meeting_ics(meeting, uid_host=host,
                       leave_out=minutes.left_out_for(meeting, current_user),
                       url=url_for("forums.meeting", meeting_id=meeting.id, _external=True))
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="meeting-{meeting.id}.ics"'
    return response


# ---------------------------------------------------------------- closing and approving


@bp.route("/meetings/<int:meeting_id>/close", methods=["GET", "POST"])
def close(meeting_id):
    meeting = running(meeting_id)
    if meeting.status != "planned":
        return refused(locked_error(meeting) if meeting.status == "approved"
                       else Refused("This meeting has already been closed."), meeting)
    form = forms.CloseMeetingForm()
    if request.method == "GET":
        form.version.data = str(meeting.version)
        form.summary.data = meeting.summary
    return take_form(
        form, lambda: services.close_meeting(meeting, user(), form.summary.data,
                                             version=form.version.data),
        then=lambda _: done("The meeting is closed. Its draft minutes can now be shared and approved.",
                            url_for("forums.meeting", meeting_id=meeting.id)),
        again=lambda status: (render_template("forums/close.html", page_title="Close the meeting",
                                              form=form, meeting=meeting), status),
        meeting=meeting,
    )


@bp.route("/meetings/<int:meeting_id>/approve", methods=["GET", "POST"])
def approve(meeting_id):
    meeting = load_meeting(meeting_id)
    if not can(current_user, "meeting.approve", meeting):
        # Say why: the one who wrote them up is told so; anyone else, whose it is.
        if meeting.created_by_id == current_user.id:
            why = ("You wrote these minutes, so you cannot approve them: the meeting's chair "
                   "(or a vice-chair named on the meeting) approves them.")
        else:
            why = ("Only the meeting's chair (or a vice-chair named on the meeting) can approve "
                   "these minutes.")
        return error_response(403, why)
    if meeting.status != "held":
        err = locked_error(meeting) if meeting.status == "approved" else Refused(
            "Close the meeting with a summary before its minutes are approved.")
        return refused(err, meeting)
    form = forms.ApproveForm()
    # Not through take_form: this confirmation page answers 200 whatever was sent, and a
    # bad version is the app's own 400 page, not an error beside a field.
    if request.method == "GET":
        form.version.data = str(meeting.version)
    elif form.validate_on_submit():
        try:
            services.approve_minutes(meeting, user(), version=form.version.data)
        except Refused as err:
            return refused(err, meeting)
        return done("The minutes are approved and archived. They can no longer be changed.",
                    url_for("forums.meeting", meeting_id=meeting.id))
    return render_template("forums/approve.html", page_title="Approve the minutes", form=form,
                           meeting=meeting, decisions=services.decisions_at(meeting),
                           actions=services.actions_at(meeting))


@bp.get("/meetings/<int:meeting_id>/minutes.pdf")
def minutes_pdf(meeting_id):
    require("forums.view")
    meeting = load_meeting(meeting_id)
    data, archived = minutes.minutes_pdf(meeting, reader=current_user)
    stem = f"minutes-{meeting.forum.slug}-{workdays.london_date(meeting.starts_at).isoformat()}"
    if archived:
        return pdf_response(data, f"{stem}.pdf", sha256=meeting.minutes_sha256)
    return pdf_response(data, f"{stem}-DRAFT.pdf")


@bp.route("/meetings/<int:meeting_id>/addenda", methods=["GET", "POST"])
def addenda(meeting_id):
    meeting = load_meeting(meeting_id)
    require("meeting.run", meeting)
    if meeting.status != "approved":
        return refused(Refused("Addenda are for approved minutes. Until they are approved, "
                               "correct the draft itself."), meeting)
    form = forms.AddendumForm()
    corrects = _addendum_to_correct(meeting, form)
    return take_form(
        form, lambda: services.add_addendum(meeting, user(), form.body.data,
                                            supersedes=corrects and corrects.addendum),
        then=lambda _: done("Correction added beside the approved minutes.",
                            url_for("forums.meeting", meeting_id=meeting.id) + "#addenda"),
        again=lambda status: (render_template(
            "forums/addenda.html", form=form, meeting=meeting, corrects=corrects,
            page_title=f"Correct addendum {corrects.n}" if corrects else "Add a correction",
        ), status),
        refusals=None,
    )


def _addendum_to_correct(meeting: Meeting, form) -> minutes.NumberedAddendum | None:
    """The addendum a new one corrects (`corrects` in the link, kept in the form), or None.
    One that is not this meeting's, or is already corrected, is not found."""
    wanted = id_or_none(form.corrects.data if request.method == "POST"
                        else request.args.get("corrects"))
    if wanted is None:
        if (form.corrects.data or request.args.get("corrects")):
            abort(404)
        return None
    for row in minutes.numbered_addenda(meeting):
        if row.addendum.id == wanted and row.corrected_by is None:
            form.corrects.data = str(wanted)
            return row
    abort(404)


@bp.get("/meetings/<int:meeting_id>/addenda.pdf")
def addenda_pdf(meeting_id):
    require("forums.view")
    meeting = load_meeting(meeting_id)
    if meeting.status != "approved" or not (meeting.addenda or services.later_corrections(meeting)):
        abort(404)
    stem = f"minutes-{meeting.forum.slug}-{workdays.london_date(meeting.starts_at).isoformat()}"
    return pdf_response(minutes.render_addenda(meeting), f"{stem}-addenda.pdf")
