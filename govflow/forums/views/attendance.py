"""Attendance pages: who came, who sent apologies, guests, and declarations of interest."""

from __future__ import annotations

from flask import render_template, request, url_for

from govflow.forums import attendance as attending
from govflow.forums import forms
from govflow.forums.views.common import (
    bp,
    done,
    locked_error,
    refused,
    running,
    take_form,
    user,
)


def _attendance_page(meeting, *, form=None, guest_form=None, conflict_form=None, status=200):
    members = meeting.forum.members
    if form is None:
        form = forms.AttendanceForm(formdata=None)
        form.present.data = [str(a.user_id) for a in meeting.attendance if a.user_id and a.status == "present"]
        form.apologies.data = [str(a.user_id) for a in meeting.attendance if a.user_id and a.status == "apologies"]
    form.present.choices = [(str(u.id), u.display_name) for u in members]
    form.apologies.choices = [(str(u.id), u.display_name) for u in members]
    guest_form = guest_form or forms.GuestForm(formdata=None)
    conflict_form = conflict_form or forms.ConflictForm(formdata=None)
    _conflict_choices(meeting, conflict_form)
    return render_template(
        "forums/attendance.html", page_title="Attendance and declarations", meeting=meeting,
        forum=meeting.forum, form=form, guest_form=guest_form, conflict_form=conflict_form,
        guests=[a for a in meeting.attendance if a.user_id is None],
    ), status


def _conflict_choices(meeting, form):
    people = [(f"user:{a.user_id}", a.name) for a in meeting.attendance if a.user_id]
    people += [(f"guest:{a.guest_name}", f"{a.guest_name} (guest)") for a in meeting.attendance if not a.user_id]
    form.person.choices = [("", "Choose a person")] + people
    form.agenda_item.choices = [("", "The whole meeting")] + [
        (str(a.id), f"{a.position}. {a.title}"[:120]) for a in sorted(meeting.agenda, key=lambda a: a.position)
    ]


def _to_attendance(meeting, message: str):
    return done(message, url_for("forums.attendance", meeting_id=meeting.id))


def _on_attendance(meeting, form, shown_as: str, use_case, said):
    """Take one of the attendance page's forms: back to the page saying `said(result)`, or
    the page again with the form (its `_attendance_page` keyword is `shown_as`) and its errors."""
    return take_form(
        form, use_case, then=lambda result: _to_attendance(meeting, said(result)),
        again=lambda status: _attendance_page(meeting, status=status, **{shown_as: form}),
        meeting=meeting,
    )


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
def attendance(meeting_id):
    meeting = running(meeting_id)
    if meeting.status == "approved":
        return refused(locked_error(meeting), meeting)
    if request.method == "GET":
        return _attendance_page(meeting)
    form = forms.AttendanceForm()
    form.present.choices = form.apologies.choices = [(str(u.id), u.display_name) for u in meeting.forum.members]
    return _on_attendance(
        meeting, form, "form", lambda: attending.set_member_attendance(
            meeting, user(), present_ids=form.present.data, apology_ids=form.apologies.data),
        lambda _: "Attendance saved.")


@bp.post("/meetings/<int:meeting_id>/attendance/guests")
def add_guest(meeting_id):
    meeting = running(meeting_id)
    form = forms.GuestForm()
    return _on_attendance(
        meeting, form, "guest_form", lambda: attending.add_guest(
            meeting, user(), name=form.guest_name.data, role=form.guest_role.data or "",
            status=form.guest_status.data),
        lambda guest: f"{guest.guest_name} added.")


@bp.post("/meetings/<int:meeting_id>/attendance/<int:attendance_id>/remove")
def remove_attendance(meeting_id, attendance_id):
    return _remove(meeting_id, attending.remove_attendance, attendance_id,
                   "Removed from the attendance.")


@bp.post("/meetings/<int:meeting_id>/conflicts")
def declare_conflict(meeting_id):
    meeting = running(meeting_id)
    form = forms.ConflictForm()
    _conflict_choices(meeting, form)
    return _on_attendance(
        meeting, form, "conflict_form", lambda: attending.declare_conflict(
            meeting, user(), person=form.person.data, declaration=form.declaration.data,
            agenda_item_id=int(form.agenda_item.data) if form.agenda_item.data else None),
        lambda _: "Declaration of interest recorded.")


@bp.post("/meetings/<int:meeting_id>/conflicts/<int:conflict_id>/remove")
def remove_conflict(meeting_id, conflict_id):
    return _remove(meeting_id, attending.remove_conflict, conflict_id, "Declaration removed.")


def _remove(meeting_id, remove, row_id: int, message: str):
    """The attendance page's remove buttons: a person (or guest), a declaration."""
    meeting = running(meeting_id)
    return take_form(None, lambda: remove(meeting, user(), row_id),
                     then=lambda _: _to_attendance(meeting, message), meeting=meeting)
