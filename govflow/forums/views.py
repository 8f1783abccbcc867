"""Forum pages: forums and members, meetings, the agenda, running the meeting, minutes PDFs,
the .ics invitation and decision log PDFs. Thin views: parse, check access, call a service."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.validators import Optional

from govflow import workdays
from govflow.accounts.models import LocalArea
from govflow.clock import utcnow
from govflow.domain_errors import DomainError, Invalid, Refused, Unprocessable
from govflow.errors import Restricted, error_response
from govflow.extensions import db
from govflow.forums import forms, minutes, services
from govflow.forums.ics import meeting_ics
from govflow.forums.models import Forum, Meeting
from govflow.permissions import can
from govflow.sponsors.services import area_sponsors

bp = Blueprint("forums", __name__)


@bp.before_request
@login_required
def _signed_in():
    return None


@bp.app_template_filter("clock")
def _clock(dt):
    """London clock time, GOV.UK style ("10am", "2:30pm")."""
    return workdays.format_time(dt) if dt else ""


# ---------------------------------------------------------------- helpers


def _user():
    return current_user._get_current_object()


def _forum(slug: str) -> Forum:
    forum = db.session.scalar(select(Forum).where(Forum.slug == slug))
    if forum is None:
        abort(404)
    return forum


def _meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _entry(meeting: Meeting, agenda_item_id: int):
    entry = next((a for a in meeting.agenda if a.id == agenda_item_id), None)
    if entry is None:
        abort(404)
    return entry


def _require(action: str, obj=None) -> None:
    if not can(current_user, action, obj):
        abort(403)


def _refused(err: DomainError, meeting: Meeting | None = None):
    """A refusal on a forum page: its own message and a way back, status 409 (403 if not allowed)."""
    locked = bool(err.extra.get("locked"))
    heading = ("These minutes are approved and locked" if locked
               else "This cannot be done now")
    return render_template(
        "forums/refused.html", page_title=heading, heading=heading, message=err.message,
        meeting=meeting, locked=locked,
    ), err.status


def _form_failed(form, err: DomainError) -> int:
    forms.apply_errors(form, err)
    return err.status


def _choices_users(users, blank: str | None = None):
    choices = [("", blank)] if blank is not None else []
    return choices + [(str(u.id), u.display_name) for u in users]


def _pdf(data: bytes, filename: str, *, sha256: str | None = None, inline: bool = False) -> Response:
    response = Response(data, mimetype="application/pdf")
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    if sha256:
        response.headers["X-Minutes-SHA256"] = sha256
    return response


def _can_run(meeting_or_forum) -> bool:
    return can(current_user, "meeting.run", meeting_or_forum)


# ---------------------------------------------------------------- forums


@bp.get("/forums")
def index():
    _require("forums.view")
    forums = db.session.scalars(
        select(Forum).order_by((Forum.kind != "central"), Forum.name)
    ).all()
    now = utcnow()
    upcoming, last = {}, {}
    for forum in forums:
        meetings = services.meetings_of(forum)
        future = [m for m in meetings if m.starts_at >= now]
        past = [m for m in meetings if m.starts_at < now]
        upcoming[forum.id] = future[-1] if future else None
        last[forum.id] = past[0] if past else None
    return render_template("forums/index.html", page_title="Forums", forums=forums,
                           upcoming=upcoming, last=last, can_manage=can(current_user, "forums.manage"))


def _forum_form(forum: Forum | None = None) -> forms.ForumForm:
    form = forms.ForumForm(obj=None if request.method == "POST" else forum)
    areas = db.session.scalars(select(LocalArea).where(LocalArea.active).order_by(LocalArea.name)).all()
    form.area.choices = [("", "Choose an area")] + [(a.slug, a.name) for a in areas]
    if request.method == "GET" and forum is not None:
        form.area.data = forum.area.slug if forum.area else ""
    return form


@bp.route("/forums/new", methods=["GET", "POST"])
def new_forum():
    _require("forums.manage")
    form = _forum_form()
    status = 200
    if form.validate_on_submit():
        try:
            forum = services.save_forum(_user(), slug=form.slug.data, name=form.name.data,
                                        kind=form.kind.data, area_slug=form.area.data,
                                        place=form.place.data or "", active=bool(form.active.data))
        except (Invalid, Unprocessable) as err:
            status = _form_failed(form, err)
        else:
            flash(f"{forum.name} has been set up. Now add its members and secretary.", "success")
            return redirect(url_for("forums.members", slug=forum.slug))
    elif request.method == "POST":
        status = 400
    return render_template("forums/forum_form.html", page_title="Set up a forum", form=form,
                           forum=None), status


@bp.route("/forums/<slug>/edit", methods=["GET", "POST"])
def edit_forum(slug):
    _require("forums.manage")
    forum = _forum(slug)
    form = _forum_form(forum)
    status = 200
    if form.validate_on_submit():
        try:
            services.save_forum(_user(), forum=forum, slug=form.slug.data, name=form.name.data,
                                kind=form.kind.data, area_slug=form.area.data,
                                place=form.place.data or "", active=bool(form.active.data))
        except (Invalid, Unprocessable) as err:
            status = _form_failed(form, err)
        else:
            flash("The forum's details have been saved.", "success")
            return redirect(url_for("forums.show", slug=forum.slug))
    elif request.method == "POST":
        status = 400
    return render_template("forums/forum_form.html", page_title=f"Change {forum.name}", form=form,
                           forum=forum), status


@bp.route("/forums/<slug>/members", methods=["GET", "POST"])
def members(slug):
    _require("forums.manage")
    forum = _forum(slug)
    form = forms.MembersForm()
    people = services.active_users()
    choices = [(str(u.id), f"{u.display_name}{' — ' + u.job_title if u.job_title else ''}") for u in people]
    form.members.choices = choices
    form.secretaries.choices = choices
    status = 200
    if request.method == "GET":
        form.members.data = [str(u.id) for u in forum.members]
        form.secretaries.data = [str(u.id) for u in services.forum_secretaries(forum)]
    elif form.validate_on_submit():
        try:
            services.set_members(forum, member_ids=form.members.data, secretary_ids=form.secretaries.data)
        except (Invalid, Unprocessable) as err:
            status = _form_failed(form, err)
        else:
            flash("Members saved.", "success")
            return redirect(url_for("forums.show", slug=forum.slug))
    else:
        status = 400
    return render_template("forums/members.html", page_title=f"Members of {forum.name}", form=form,
                           forum=forum), status


@bp.get("/forums/<slug>")
def show(slug):
    _require("forums.view")
    forum = _forum(slug)
    meetings = services.meetings_of(forum)
    now = utcnow()
    return render_template(
        "forums/show.html", page_title=forum.name, forum=forum,
        upcoming=sorted([m for m in meetings if m.starts_at >= now], key=lambda m: m.starts_at),
        past=[m for m in meetings if m.starts_at < now],
        secretaries=services.forum_secretaries(forum),
        can_run=_can_run(forum), can_manage=can(current_user, "forums.manage"),
    )


# ---------------------------------------------------------------- scheduling


def _meeting_form(forum: Forum, meeting: Meeting | None = None) -> forms.MeetingForm:
    form = forms.MeetingForm()
    form.chair.choices = _choices_users(forum.members, "Choose the chair")
    form.vice_chair.choices = _choices_users(forum.members, "Nobody")
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


@bp.route("/forums/<slug>/meetings/new", methods=["GET", "POST"])
def new_meeting(slug):
    forum = _forum(slug)
    _require("meeting.run", forum)
    form = _meeting_form(forum)
    status = 200
    if form.validate_on_submit():
        try:
            meeting = services.schedule_meeting(forum, _user(), _details(form))
        except (Invalid, Unprocessable) as err:
            status = _form_failed(form, err)
        except Refused as err:
            return _refused(err)
        else:
            count = len(meeting.agenda)
            flash(f"Meeting scheduled. Its draft agenda has {count} item{'s' if count != 1 else ''}.", "success")
            return redirect(url_for("forums.meeting", meeting_id=meeting.id))
    elif request.method == "POST":
        status = 400
    return render_template("forums/meeting_form.html", page_title=f"Schedule a meeting of {forum.name}",
                           form=form, forum=forum, meeting=None), status


@bp.route("/forums/<slug>/meetings/record-past", methods=["GET", "POST"])
def record_past_meeting(slug):
    """A meeting that already took place, recorded afterwards: its own step, so a meeting
    is never back-dated by scheduling it."""
    forum = _forum(slug)
    _require("meeting.record_past", forum)
    form = _meeting_form(forum)
    status = 200
    if form.validate_on_submit():
        try:
            meeting = services.record_past_meeting(forum, _user(), _details(form))
        except (Invalid, Unprocessable) as err:
            status = _form_failed(form, err)
        except Refused as err:
            return _refused(err)
        else:
            flash("Meeting recorded. Record who attended, what was decided and a summary; its "
                  "chair or vice-chair approves the minutes.", "success")
            return redirect(url_for("forums.meeting", meeting_id=meeting.id))
    elif request.method == "POST":
        status = 400
    return render_template("forums/meeting_form.html",
                           page_title=f"Record a meeting of {forum.name} that has already taken place",
                           form=form, forum=forum, meeting=None, past=True), status


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
def edit_meeting(meeting_id):
    meeting = _meeting(meeting_id)
    _require("meeting.run", meeting)
    if meeting.status == "approved":
        return _refused(_locked_error(meeting), meeting)
    form = _meeting_form(meeting.forum, meeting)
    status = 200
    if form.validate_on_submit():
        try:
            services.update_meeting(meeting, _user(), _details(form), version=form.version.data)
        except (Invalid, Unprocessable) as err:
            status = _form_failed(form, err)
        except Refused as err:
            return _refused(err, meeting)
        else:
            flash("The meeting's details have been saved.", "success")
            return redirect(url_for("forums.meeting", meeting_id=meeting.id))
    elif request.method == "POST":
        status = 400
    return render_template("forums/meeting_form.html", page_title="Change the meeting's details",
                           form=form, forum=meeting.forum, meeting=meeting), status


def _locked_error(meeting: Meeting) -> Refused:
    try:
        services._editable(meeting)
    except Refused as err:
        return err
    raise AssertionError("meeting is not locked")  # pragma: no cover


@bp.get("/meetings/<int:meeting_id>")
def meeting(meeting_id):
    _require("forums.view")
    meeting = _meeting(meeting_id)
    # Restricted items the reader may not see are left out of the page, as of the minutes.
    leave_out = minutes.left_out_for(meeting, current_user)
    agenda = sorted((e for e in meeting.agenda if e.item_id not in leave_out),
                    key=lambda a: a.position)
    decisions = [d for d in services.decisions_at(meeting) if d.item_id not in leave_out]
    return render_template(
        "forums/meeting.html", page_title=f"{meeting.forum.name}: {_day(meeting)}",
        meeting=meeting, forum=meeting.forum, agenda=agenda, decisions=decisions,
        decisions_by_item=_group(decisions, "item_id"),
        actions=[a for a in services.actions_at(meeting) if a.item_id not in leave_out],
        corrections=[d for d in services.later_corrections(meeting)
                     if d.item_id not in leave_out],
        pending=services.new_candidates(meeting) if _can_run(meeting) else [],
        attendance={status: minutes.in_minutes_order(meeting, status) for status in ("present", "apologies")},
        can_run=_can_run(meeting), can_approve=can(current_user, "meeting.approve", meeting),
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
    _require("forums.view")
    meeting = _meeting(meeting_id)
    host = (current_app.config.get("SERVER_NAME") or request.host or "govflow").split(":")[0]
    body = meeting_ics(meeting, uid_host=host,
                       leave_out=minutes.left_out_for(meeting, current_user),
                       url=url_for("forums.meeting", meeting_id=meeting.id, _external=True))
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="meeting-{meeting.id}.ics"'
    return response


# ---------------------------------------------------------------- the agenda


def _agenda_page(meeting, *, topic_form=None, item_form=None, status=200):
    return render_template(
        "forums/agenda.html", page_title="Agenda", meeting=meeting, forum=meeting.forum,
        agenda=sorted(meeting.agenda, key=lambda a: a.position),
        pending=services.new_candidates(meeting),
        topic_form=topic_form or forms.TopicForm(formdata=None),
        item_form=item_form or forms.AddItemForm(formdata=None),
        kind_labels=services.AGENDA_KIND_LABELS,
    ), status


def _running(meeting_id: int) -> Meeting:
    """Load a meeting someone is about to change: 404, then 403 unless they may run it."""
    meeting = _meeting(meeting_id)
    _require("meeting.run", meeting)
    return meeting


@bp.get("/meetings/<int:meeting_id>/agenda")
def agenda(meeting_id):
    meeting = _running(meeting_id)
    if meeting.status == "approved":
        return _refused(_locked_error(meeting), meeting)
    return _agenda_page(meeting)


@bp.post("/meetings/<int:meeting_id>/agenda/topics")
def add_topic(meeting_id):
    meeting = _running(meeting_id)
    form = forms.TopicForm()
    if not form.validate_on_submit():
        return _agenda_page(meeting, topic_form=form, status=400)
    try:
        services.add_topic(meeting, _user(), form.title.data)
    except (Invalid, Unprocessable) as err:
        return _agenda_page(meeting, topic_form=form, status=_form_failed(form, err))
    except Refused as err:
        return _refused(err, meeting)
    flash("Topic added to the agenda.", "success")
    return redirect(url_for("forums.agenda", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/agenda/items")
def add_item(meeting_id):
    meeting = _running(meeting_id)
    form = forms.AddItemForm()
    if not form.validate_on_submit():
        return _agenda_page(meeting, item_form=form, status=400)
    try:
        entry = services.add_item(meeting, _user(), form.item_number.data)
    except (Invalid, Unprocessable) as err:
        return _agenda_page(meeting, item_form=form, status=_form_failed(form, err))
    except Refused as err:
        return _refused(err, meeting)
    flash(f"Added to the agenda: {entry.title}", "success")
    return redirect(url_for("forums.agenda", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/agenda/refresh")
def refresh_agenda(meeting_id):
    meeting = _running(meeting_id)
    try:
        added = services.refresh_agenda(meeting, _user())
    except Refused as err:
        return _refused(err, meeting)
    flash(f"{added} new item{'s' if added != 1 else ''} added to the agenda." if added
          else "Nothing new has reached this forum since the agenda was built.", "success")
    return redirect(url_for("forums.agenda", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/agenda/<int:agenda_item_id>/move")
def move(meeting_id, agenda_item_id):
    meeting = _running(meeting_id)
    entry = _entry(meeting, agenda_item_id)
    direction = request.form.get("direction", "")
    if direction not in ("up", "down"):
        abort(400)
    try:
        services.move_agenda_item(meeting, _user(), entry, direction)
    except Refused as err:
        return _refused(err, meeting)
    return redirect(url_for("forums.agenda", meeting_id=meeting.id) + f"#agenda-{entry.id}")


@bp.post("/meetings/<int:meeting_id>/agenda/<int:agenda_item_id>/remove")
def remove(meeting_id, agenda_item_id):
    meeting = _running(meeting_id)
    entry = _entry(meeting, agenda_item_id)
    title = entry.title
    try:
        services.remove_agenda_item(meeting, _user(), entry)
    except Refused as err:
        return _refused(err, meeting)
    flash(f"Removed from the agenda: {title}", "success")
    return redirect(url_for("forums.agenda", meeting_id=meeting.id))


# ---------------------------------------------------------------- an agenda item in the meeting


def _agenda_item_page(meeting, entry, *, notes_form=None, status=200):
    present = services.present_members(meeting)
    options = {}
    for person in present:
        for available in services.decision_triggers(entry, person):
            options.setdefault(available.trigger.name, (available.trigger, []))[1].append(person)
    if notes_form is None:
        notes_form = forms.NotesForm(formdata=None)
        notes_form.notes.data = entry.notes
    return render_template(
        "forums/agenda_item.html", page_title=entry.title or "Agenda item", meeting=meeting,
        forum=meeting.forum, entry=entry, notes_form=notes_form,
        decision_options=list(options.values()), present=present,
        decisions=services._decisions_for(meeting, entry),
        actions=services._actions_for(meeting, entry),
        can_run=_can_run(meeting), kind_labels=services.AGENDA_KIND_LABELS,
    ), status


@bp.get("/meetings/<int:meeting_id>/agenda/<int:agenda_item_id>")
def agenda_item(meeting_id, agenda_item_id):
    _require("forums.view")
    meeting = _meeting(meeting_id)
    entry = _entry(meeting, agenda_item_id)
    if entry.item is not None and not can(current_user, "item.view", entry.item):
        raise Restricted(entry.item)
    return _agenda_item_page(meeting, entry)


@bp.post("/meetings/<int:meeting_id>/agenda/<int:agenda_item_id>/notes")
def save_notes(meeting_id, agenda_item_id):
    meeting = _running(meeting_id)
    entry = _entry(meeting, agenda_item_id)
    form = forms.NotesForm()
    if not form.validate_on_submit():
        return _agenda_item_page(meeting, entry, notes_form=form, status=400)
    try:
        services.save_notes(meeting, _user(), entry, form.notes.data)
    except (Invalid, Unprocessable) as err:
        return _agenda_item_page(meeting, entry, notes_form=form, status=_form_failed(form, err))
    except Refused as err:
        return _refused(err, meeting)
    flash("Notes saved.", "success")
    return redirect(url_for("forums.agenda_item", meeting_id=meeting.id, agenda_item_id=entry.id))


# The meeting says when a decision was made; the rest of a trigger's fields come from the
# workflow file, typed as it declares them.
NOT_ASKED_IN_MEETINGS = {"decided_at"}


def _decision_fields(spec, trigger_name: str, meeting) -> list:
    fields = [f for f in spec.form_fields(trigger_name) if f.name not in NOT_ASKED_IN_MEETINGS]
    if services.recorded_late(meeting) and all(f.name != "delay_explanation" for f in fields):
        fields.append(spec.field_spec(trigger_name, "delay_explanation", required=True))
    return fields


def _decision_form_class(trigger, fields):
    from govuk_frontend_wtf.wtforms_widgets import (
        GovSelect,
        GovSubmitInput,
        GovTextArea,
        GovTextInput,
    )
    from wtforms import StringField

    attrs = {
        "decider": SelectField("Who took the decision", widget=GovSelect()),
        "version": HiddenField(),
    }
    for f in fields:
        if f.type == "select":
            attrs[f.name] = SelectField(f.label, widget=GovSelect(), validators=[Optional()],
                                        description=f.hint, choices={"": "Choose one"} | dict(f.choices))
        elif f.type == "date":
            attrs[f.name] = forms.GovDateField(f.label, description=f.hint, validators=[Optional()])
        elif f.type in ("text", "money"):
            attrs[f.name] = StringField(f.label, widget=GovTextInput(), description=f.hint,
                                        validators=[Optional()])
        else:
            attrs[f.name] = TextAreaField(f.label, widget=GovTextArea(), description=f.hint,
                                          validators=[Optional()])
    attrs["submit"] = SubmitField(trigger.label, widget=GovSubmitInput())
    return type("DecisionForm", (forms.FlaskForm,), attrs)


@bp.route("/meetings/<int:meeting_id>/agenda/<int:agenda_item_id>/decisions/<trigger>",
          methods=["GET", "POST"])
def decision(meeting_id, agenda_item_id, trigger):
    from govflow.workflow import engine

    meeting = _running(meeting_id)
    entry = _entry(meeting, agenda_item_id)
    if meeting.status == "approved":
        return _refused(_locked_error(meeting), meeting)
    if entry.item is None:
        abort(404)
    spec = engine.definition(entry.item.kind)
    trigger_spec = spec.triggers.get(trigger)
    if trigger_spec is None:
        abort(404)
    deciders = [p for p in services.present_members(meeting)
                if any(a.trigger.name == trigger for a in services.decision_triggers(entry, p))]
    fields = _decision_fields(spec, trigger, meeting)
    form = _decision_form_class(trigger_spec, fields)()
    form.decider.choices = _choices_users(deciders, "Choose who took the decision")
    status = 200
    if request.method == "GET":
        form.version.data = str(entry.item.version)
        if meeting.chair in deciders:
            form.decider.data = str(meeting.chair_id)
        if hasattr(form, "conflicts"):
            form.conflicts.data = services.conflicts_text(meeting, entry)
    elif form.validate_on_submit():
        values = {f.name: getattr(form, f.name).data for f in fields}
        try:
            services.take_decision(meeting, _user(), entry, trigger=trigger,
                                   decider_id=form.decider.data, fields=values,
                                   version=form.version.data or None)
        except (Invalid, Unprocessable) as err:
            status = _form_failed(form, err)
        except Refused as err:
            if err.extra.get("locked"):
                return _refused(err, meeting)
            raise
        else:
            flash(f"Decision recorded: {trigger_spec.done}.", "success")
            return redirect(url_for("forums.agenda_item", meeting_id=meeting.id, agenda_item_id=entry.id))
    else:
        status = 400
    return render_template("forums/decision_form.html", page_title=trigger_spec.label, form=form,
                           meeting=meeting, entry=entry, trigger=trigger_spec,
                           fields=[f.name for f in fields], deciders=deciders), status


@bp.route("/meetings/<int:meeting_id>/agenda/<int:agenda_item_id>/actions/new", methods=["GET", "POST"])
def new_action(meeting_id, agenda_item_id):
    meeting = _running(meeting_id)
    entry = _entry(meeting, agenda_item_id)
    if meeting.status == "approved":
        return _refused(_locked_error(meeting), meeting)
    form = forms.ActionForm()
    people = services.active_users()
    form.owner.choices = _choices_users(people, "Choose who will do it")
    areas = db.session.scalars(select(LocalArea).where(LocalArea.active).order_by(LocalArea.name)).all()
    form.area.choices = [("", "Choose an area")] + [(a.slug, a.name) for a in areas]
    fixed_area = meeting.forum.area if meeting.forum.kind == "local" else None
    by_area = area_sponsors([a.id for a in areas])
    form.sponsor.choices = [("", "Choose the sponsor")] + [
        (str(u.id), f"{u.display_name} ({a.name})")
        for a in areas if fixed_area is None or a.id == fixed_area.id
        for u in by_area.get(a.id, [])
    ]
    status = 200
    if request.method == "GET":
        default_area = fixed_area or (entry.item.area if entry.item else None)
        form.area.data = default_area.slug if default_area else ""
    elif form.validate_on_submit():
        try:
            services.add_action(meeting, _user(), entry, what=form.what.data, owner_id=form.owner.data,
                                sponsor_id=form.sponsor.data, area_slug=form.area.data,
                                due_on=form.due_on.data)
        except (Invalid, Unprocessable) as err:
            status = _form_failed(form, err)
        except Refused as err:
            if err.extra.get("locked"):
                return _refused(err, meeting)
            raise
        else:
            flash("Action recorded.", "success")
            return redirect(url_for("forums.agenda_item", meeting_id=meeting.id, agenda_item_id=entry.id))
    else:
        status = 400
    return render_template("forums/action_form.html", page_title="Record an action", form=form,
                           meeting=meeting, entry=entry, fixed_area=fixed_area), status


@bp.route("/meetings/<int:meeting_id>/agenda/<int:agenda_item_id>/action-outcome", methods=["GET", "POST"])
def action_outcome(meeting_id, agenda_item_id):
    meeting = _running(meeting_id)
    entry = _entry(meeting, agenda_item_id)
    if meeting.status == "approved":
        return _refused(_locked_error(meeting), meeting)
    if entry.sponsor_action is None:
        abort(404)
    form = forms.CloseActionForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.close_action(meeting, _user(), entry, status=form.status.data,
                                  outcome_note=form.outcome_note.data)
        except (Invalid, Unprocessable) as err:
            status = _form_failed(form, err)
        except Refused as err:
            return _refused(err, meeting)
        else:
            flash("Outcome recorded; the action is closed.", "success")
            return redirect(url_for("forums.agenda_item", meeting_id=meeting.id, agenda_item_id=entry.id))
    elif request.method == "POST":
        status = 400
    return render_template("forums/action_outcome.html", page_title="Record what happened", form=form,
                           meeting=meeting, entry=entry, action=entry.sponsor_action), status


# ---------------------------------------------------------------- attendance and conflicts


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


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
def attendance(meeting_id):
    meeting = _running(meeting_id)
    if meeting.status == "approved":
        return _refused(_locked_error(meeting), meeting)
    if request.method == "GET":
        return _attendance_page(meeting)
    form = forms.AttendanceForm()
    form.present.choices = form.apologies.choices = [(str(u.id), u.display_name) for u in meeting.forum.members]
    if not form.validate_on_submit():
        return _attendance_page(meeting, form=form, status=400)
    try:
        services.set_member_attendance(meeting, _user(), present_ids=form.present.data,
                                       apology_ids=form.apologies.data)
    except (Invalid, Unprocessable) as err:
        return _attendance_page(meeting, form=form, status=_form_failed(form, err))
    except Refused as err:
        return _refused(err, meeting)
    flash("Attendance saved.", "success")
    return redirect(url_for("forums.attendance", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/attendance/guests")
def add_guest(meeting_id):
    meeting = _running(meeting_id)
    form = forms.GuestForm()
    if not form.validate_on_submit():
        return _attendance_page(meeting, guest_form=form, status=400)
    try:
        services.add_guest(meeting, _user(), name=form.guest_name.data, role=form.guest_role.data or "",
                           status=form.guest_status.data)
    except (Invalid, Unprocessable) as err:
        return _attendance_page(meeting, guest_form=form, status=_form_failed(form, err))
    except Refused as err:
        return _refused(err, meeting)
    flash(f"{form.guest_name.data.strip()} added.", "success")
    return redirect(url_for("forums.attendance", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/attendance/<int:attendance_id>/remove")
def remove_attendance(meeting_id, attendance_id):
    meeting = _running(meeting_id)
    try:
        services.remove_attendance(meeting, _user(), attendance_id)
    except Refused as err:
        return _refused(err, meeting)
    flash("Removed from the attendance.", "success")
    return redirect(url_for("forums.attendance", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/conflicts")
def declare_conflict(meeting_id):
    meeting = _running(meeting_id)
    form = forms.ConflictForm()
    _conflict_choices(meeting, form)
    if not form.validate_on_submit():
        return _attendance_page(meeting, conflict_form=form, status=400)
    try:
        services.declare_conflict(meeting, _user(), person=form.person.data,
                                  declaration=form.declaration.data,
                                  agenda_item_id=int(form.agenda_item.data) if form.agenda_item.data else None)
    except (Invalid, Unprocessable) as err:
        return _attendance_page(meeting, conflict_form=form, status=_form_failed(form, err))
    except Refused as err:
        return _refused(err, meeting)
    flash("Declaration of interest recorded.", "success")
    return redirect(url_for("forums.attendance", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/conflicts/<int:conflict_id>/remove")
def remove_conflict(meeting_id, conflict_id):
    meeting = _running(meeting_id)
    try:
        services.remove_conflict(meeting, _user(), conflict_id)
    except Refused as err:
        return _refused(err, meeting)
    flash("Declaration removed.", "success")
    return redirect(url_for("forums.attendance", meeting_id=meeting.id))


# ---------------------------------------------------------------- closing and approving


@bp.route("/meetings/<int:meeting_id>/close", methods=["GET", "POST"])
def close(meeting_id):
    meeting = _running(meeting_id)
    if meeting.status != "planned":
        return _refused(_locked_error(meeting) if meeting.status == "approved"
                        else Refused("This meeting has already been closed."), meeting)
    form = forms.CloseMeetingForm()
    status = 200
    if request.method == "GET":
        form.version.data = str(meeting.version)
        form.summary.data = meeting.summary
    elif form.validate_on_submit():
        try:
            services.close_meeting(meeting, _user(), form.summary.data, version=form.version.data)
        except (Invalid, Unprocessable) as err:
            status = _form_failed(form, err)
        except Refused as err:
            return _refused(err, meeting)
        else:
            flash("The meeting is closed. Its draft minutes can now be shared and approved.", "success")
            return redirect(url_for("forums.meeting", meeting_id=meeting.id))
    else:
        status = 400
    return render_template("forums/close.html", page_title="Close the meeting", form=form,
                           meeting=meeting), status


@bp.route("/meetings/<int:meeting_id>/approve", methods=["GET", "POST"])
def approve(meeting_id):
    meeting = _meeting(meeting_id)
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
        err = _locked_error(meeting) if meeting.status == "approved" else Refused(
            "Close the meeting with a summary before its minutes are approved.")
        return _refused(err, meeting)
    form = forms.ApproveForm()
    if request.method == "GET":
        form.version.data = str(meeting.version)
    elif form.validate_on_submit():
        try:
            services.approve_minutes(meeting, _user(), version=form.version.data)
        except Refused as err:
            return _refused(err, meeting)
        flash("The minutes are approved and archived. They can no longer be changed.", "success")
        return redirect(url_for("forums.meeting", meeting_id=meeting.id))
    return render_template("forums/approve.html", page_title="Approve the minutes", form=form,
                           meeting=meeting, decisions=services.decisions_at(meeting),
                           actions=services.actions_at(meeting))


@bp.get("/meetings/<int:meeting_id>/minutes.pdf")
def minutes_pdf(meeting_id):
    _require("forums.view")
    meeting = _meeting(meeting_id)
    data, archived = minutes.minutes_pdf(meeting, reader=current_user)
    stem = f"minutes-{meeting.forum.slug}-{workdays.london_date(meeting.starts_at).isoformat()}"
    if archived:
        return _pdf(data, f"{stem}.pdf", sha256=meeting.minutes_sha256)
    return _pdf(data, f"{stem}-DRAFT.pdf")


@bp.route("/meetings/<int:meeting_id>/addenda", methods=["GET", "POST"])
def addenda(meeting_id):
    meeting = _meeting(meeting_id)
    _require("meeting.run", meeting)
    if meeting.status != "approved":
        return _refused(Refused("Addenda are for approved minutes. Until they are approved, "
                                "correct the draft itself."), meeting)
    form = forms.AddendumForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.add_addendum(meeting, _user(), form.body.data)
        except (Invalid, Unprocessable) as err:
            status = _form_failed(form, err)
        else:
            flash("Correction added beside the approved minutes.", "success")
            return redirect(url_for("forums.meeting", meeting_id=meeting.id) + "#addenda")
    elif request.method == "POST":
        status = 400
    return render_template("forums/addenda.html", page_title="Add a correction", form=form,
                           meeting=meeting), status


@bp.get("/meetings/<int:meeting_id>/addenda.pdf")
def addenda_pdf(meeting_id):
    _require("forums.view")
    meeting = _meeting(meeting_id)
    if meeting.status != "approved" or not (meeting.addenda or services.later_corrections(meeting)):
        abort(404)
    stem = f"minutes-{meeting.forum.slug}-{workdays.london_date(meeting.starts_at).isoformat()}"
    return _pdf(minutes.render_addenda(meeting), f"{stem}-addenda.pdf")


# ---------------------------------------------------------------- decision logs


def _log_form():
    form = forms.DecisionLogForm(request.args)
    forums_ = db.session.scalars(select(Forum).order_by((Forum.kind != "central"), Forum.name)).all()
    areas = db.session.scalars(select(LocalArea).order_by(LocalArea.name)).all()
    form.forum.choices = [("", "Any forum")] + [(f.slug, f.name) for f in forums_]
    form.area.choices = [("", "Any area")] + [(a.slug, a.name) for a in areas]
    return form


@bp.get("/forums/decision-log")
def decision_log():
    _require("decisions.view")
    return render_template("forums/decision_log.html", page_title="Print a decision log",
                           form=_log_form())


def _range_ok(form) -> bool:
    if form.date_from.data and form.date_to.data and form.date_to.data < form.date_from.data:
        form.date_to.errors = list(form.date_to.errors) + ["The end date must be on or after the start date"]
        return False
    return True


@bp.get("/forums/decision-log.pdf")
def decision_log_pdf():
    _require("decisions.view")
    form = _log_form()
    if not form.validate() or not _range_ok(form):
        return render_template("forums/decision_log.html", page_title="Print a decision log",
                               form=form), 400
    forum = db.session.scalar(select(Forum).where(Forum.slug == form.forum.data)) if form.forum.data else None
    area = db.session.scalar(select(LocalArea).where(LocalArea.slug == form.area.data)) if form.area.data else None
    scope = minutes.LogScope(reader=current_user._get_current_object(), forum=forum, area=area,
                             date_from=form.date_from.data, date_to=form.date_to.data)
    pdf = minutes.render_decision_log(scope, author=forum.name if forum else "govflow")
    name = "decision-log" + (f"-{forum.slug}" if forum else "") + (f"-{area.slug}" if area else "")
    if form.date_from.data:
        name += f"-from-{form.date_from.data.isoformat()}"
    if form.date_to.data:
        name += f"-to-{form.date_to.data.isoformat()}"
    return _pdf(pdf, f"{name}.pdf")

