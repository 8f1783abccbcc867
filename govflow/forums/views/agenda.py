"""Agenda pages: building the agenda, and each agenda item in the meeting (notes, the
decisions taken through the workflow engine, sponsor actions and their outcomes)."""

from __future__ import annotations

from functools import wraps

from flask import abort, render_template, request, url_for
from flask_login import current_user
from wtforms import HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.validators import Optional

from govflow.errors import Restricted
from govflow.forums import agenda_builder, forms, queries, quorum, services
from govflow.forums.views.common import (
    bp,
    can_run,
    choices_users,
    done,
    load_entry,
    load_meeting,
    locked_error,
    refused,
    require,
    running,
    take_form,
    user,
)
from govflow.permissions import can
from govflow.sponsors.services import area_sponsors

# ---------------------------------------------------------------- the agenda


def _agenda_page(meeting, *, topic_form=None, item_form=None, status=200):
    return render_template(
        "forums/agenda.html", page_title="Agenda", meeting=meeting, forum=meeting.forum,
        agenda=sorted(meeting.agenda, key=lambda a: a.position),
        pending=agenda_builder.new_candidates(meeting),
        find=(request.args.get("find") or "").strip()[:200],
        pickable=agenda_builder.pickable_items(meeting, user(), request.args.get("find") or ""),
        topic_form=topic_form or forms.TopicForm(formdata=None),
        item_form=item_form or forms.AddItemForm(formdata=None),
        kind_labels=services.AGENDA_KIND_LABELS,
    ), status


def _to_agenda(meeting, message: str | None = None):
    return done(message, url_for("forums.agenda", meeting_id=meeting.id))


@bp.get("/meetings/<int:meeting_id>/agenda")
def agenda(meeting_id):
    meeting = running(meeting_id)
    if meeting.status == "approved":
        return refused(locked_error(meeting), meeting)
    return _agenda_page(meeting)


@bp.post("/meetings/<int:meeting_id>/agenda/topics")
def add_topic(meeting_id):
    return _add_to_agenda(
        meeting_id, forms.TopicForm, "topic_form",
        lambda meeting, form: services.add_topic(meeting, user(), form.title.data),
        lambda topic: "Topic added to the agenda.")


@bp.post("/meetings/<int:meeting_id>/agenda/items")
def add_item(meeting_id):
    return _add_to_agenda(
        meeting_id, forms.AddItemForm, "item_form",
        lambda meeting, form: services.add_item(meeting, user(), form.item_number.data),
        lambda entry: f"Added to the agenda: {entry.title}")


def _add_to_agenda(meeting_id, form_class, shown_as: str, add, said):
    """The agenda page's two forms, a topic and a blocker or idea: `add(meeting, form)` puts
    the entry on the agenda, which then says `said(entry)`; a problem shows the page again
    with the form (its `_agenda_page` keyword is `shown_as`) and its errors."""
    meeting = running(meeting_id)
    form = form_class()
    return take_form(
        form, lambda: add(meeting, form),
        then=lambda entry: _to_agenda(meeting, said(entry)),
        again=lambda status: _agenda_page(meeting, status=status, **{shown_as: form}),
        meeting=meeting,
    )


def _refreshed(meeting, added: int):
    return _to_agenda(meeting, f"{added} new item{'s' if added != 1 else ''} added to the agenda."
                      if added else "Nothing new has reached this forum since the agenda was built.")


@bp.post("/meetings/<int:meeting_id>/agenda/refresh")
def refresh_agenda(meeting_id):
    meeting = running(meeting_id)
    return take_form(None, lambda: services.refresh_agenda(meeting, user()),
                     then=lambda added: _refreshed(meeting, added), meeting=meeting)


@bp.post("/meetings/<int:meeting_id>/agenda/<int:agenda_item_id>/move")
def move(meeting_id, agenda_item_id):
    meeting = running(meeting_id)
    entry = load_entry(meeting, agenda_item_id)
    direction = request.form.get("direction", "")
    if direction not in ("up", "down"):
        abort(400)
    return take_form(
        None, lambda: services.move_agenda_item(meeting, user(), entry, direction),
        then=lambda _: done(None, url_for("forums.agenda", meeting_id=meeting.id)
                            + f"#agenda-{entry.id}"),
        meeting=meeting,
    )


@bp.post("/meetings/<int:meeting_id>/agenda/<int:agenda_item_id>/remove")
def remove(meeting_id, agenda_item_id):
    meeting = running(meeting_id)
    entry = load_entry(meeting, agenda_item_id)
    title = entry.title
    return take_form(None, lambda: services.remove_agenda_item(meeting, user(), entry),
                     then=lambda _: _to_agenda(meeting, f"Removed from the agenda: {title}"),
                     meeting=meeting)


# ---------------------------------------------------------------- an agenda item in the meeting


def _agenda_item_page(meeting, entry, *, notes_form=None, status=200):
    present = services.present_members(meeting)
    recused = [(p, quorum.recused(meeting, entry.item, p)) for p in present]
    recused = [(p, c) for p, c in recused if c is not None]
    options = {}
    for person in present:
        if any(p is person for p, _ in recused):
            continue  # declared an interest in this item: not offered as the decider
        for available in services.decision_triggers(entry, person, meeting):
            options.setdefault(available.trigger.name, (available.trigger, []))[1].append(person)
    if notes_form is None:
        notes_form = forms.NotesForm(formdata=None)
        notes_form.notes.data = entry.notes
    return render_template(
        "forums/agenda_item.html", page_title=entry.title or "Agenda item", meeting=meeting,
        forum=meeting.forum, entry=entry, notes_form=notes_form,
        decision_options=list(options.values()), present=present, recused=recused,
        shortfall=quorum.quorum_shortfall(meeting) if entry.item else None,
        decisions=services._decisions_for(meeting, entry),
        actions=services._actions_for(meeting, entry),
        can_run=can_run(meeting), kind_labels=services.AGENDA_KIND_LABELS,
        can_refer=(meeting.forum.kind == "local" and meeting.status != "approved"
                   and not meeting.cancelled and entry.referral_id is None
                   and can(current_user, "forum.refer", meeting)),
    ), status


def _recording_at_entry(view):
    """For a page that records something at an agenda entry (a decision, an action, its
    outcome): the running meeting and the entry are loaded (404, 403), and a meeting whose
    minutes are approved gets the refusal page; then `view(meeting, entry, ...)`."""
    @wraps(view)
    def page(meeting_id, agenda_item_id, **kwargs):
        meeting = running(meeting_id)
        entry = load_entry(meeting, agenda_item_id)
        if meeting.status == "approved":
            return refused(locked_error(meeting), meeting)
        return view(meeting, entry, **kwargs)

    return page


def _to_agenda_item(meeting, entry, message: str):
    return done(message, url_for("forums.agenda_item", meeting_id=meeting.id,
                                 agenda_item_id=entry.id))


@bp.get("/meetings/<int:meeting_id>/agenda/<int:agenda_item_id>")
def agenda_item(meeting_id, agenda_item_id):
    require("forums.view")
    meeting = load_meeting(meeting_id)
    entry = load_entry(meeting, agenda_item_id)
    if entry.item is not None and not can(current_user, "item.view", entry.item):
        raise Restricted(entry.item)
    return _agenda_item_page(meeting, entry)


@bp.post("/meetings/<int:meeting_id>/agenda/<int:agenda_item_id>/notes")
def save_notes(meeting_id, agenda_item_id):
    meeting = running(meeting_id)
    entry = load_entry(meeting, agenda_item_id)
    form = forms.NotesForm()
    return take_form(
        form, lambda: services.save_notes(meeting, user(), entry, form.notes.data),
        then=lambda _: _to_agenda_item(meeting, entry, "Notes saved."),
        again=lambda status: _agenda_item_page(meeting, entry, notes_form=form, status=status),
        meeting=meeting,
    )


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
@_recording_at_entry
def decision(meeting, entry, trigger):
    from govflow.workflow import engine

    if entry.item is None:
        abort(404)
    spec = engine.definition(entry.item.kind)
    trigger_spec = spec.triggers.get(trigger)
    if trigger_spec is None:
        abort(404)
    deciders = [p for p in services.present_members(meeting)
                if quorum.recused(meeting, entry.item, p) is None
                and any(a.trigger.name == trigger
                        for a in services.decision_triggers(entry, p, meeting))]
    fields = _decision_fields(spec, trigger, meeting)
    form = _decision_form_class(trigger_spec, fields)()
    form.decider.choices = choices_users(deciders, "Choose who took the decision")
    if request.method == "GET":
        form.version.data = str(entry.item.version)
        if meeting.chair in deciders:
            form.decider.data = str(meeting.chair_id)
        if hasattr(form, "conflicts"):
            form.conflicts.data = services.conflicts_text(meeting, entry)
    return take_form(
        form, lambda: services.take_decision(
            meeting, user(), entry, trigger=trigger, decider_id=form.decider.data,
            fields={f.name: getattr(form, f.name).data for f in fields},
            version=form.version.data or None),
        then=lambda _: _to_agenda_item(meeting, entry, f"Decision recorded: {trigger_spec.done}."),
        again=lambda status: (render_template(
            "forums/decision_form.html", page_title=trigger_spec.label, form=form,
            meeting=meeting, entry=entry, trigger=trigger_spec,
            fields=[f.name for f in fields], deciders=deciders,
            shortfall=quorum.quorum_shortfall(meeting)), status),
        meeting=meeting, refusals="locked",
    )


def _action_form(meeting, entry):
    form = forms.ActionForm()
    people = services.active_users()
    form.owner.choices = choices_users(people, "Choose who will do it")
    areas = queries.areas_by_name(active_only=True)
    form.area.choices = [("", "Choose an area")] + [(a.slug, a.name) for a in areas]
    fixed_area = meeting.forum.area if meeting.forum.kind == "local" else None
    by_area = area_sponsors([a.id for a in areas])
    form.sponsor.choices = [("", "Choose the sponsor")] + [
        (str(u.id), f"{u.display_name} ({a.name})")
        for a in areas if fixed_area is None or a.id == fixed_area.id
        for u in by_area.get(a.id, [])
    ]
    if request.method == "GET":
        default_area = fixed_area or (entry.item.area if entry.item else None)
        form.area.data = default_area.slug if default_area else ""
    return form, fixed_area


@bp.route("/meetings/<int:meeting_id>/agenda/<int:agenda_item_id>/actions/new", methods=["GET", "POST"])
@_recording_at_entry
def new_action(meeting, entry):
    form, fixed_area = _action_form(meeting, entry)
    return take_form(
        form, lambda: services.add_action(
            meeting, user(), entry, what=form.what.data, owner_id=form.owner.data,
            sponsor_id=form.sponsor.data, area_slug=form.area.data, due_on=form.due_on.data),
        then=lambda _: _to_agenda_item(meeting, entry, "Action recorded."),
        again=lambda status: (render_template(
            "forums/action_form.html", page_title="Record an action", form=form,
            meeting=meeting, entry=entry, fixed_area=fixed_area), status),
        meeting=meeting, refusals="locked",
    )


@bp.route("/meetings/<int:meeting_id>/agenda/<int:agenda_item_id>/action-outcome", methods=["GET", "POST"])
@_recording_at_entry
def action_outcome(meeting, entry):
    if entry.sponsor_action is None:
        abort(404)
    form = forms.CloseActionForm()
    return take_form(
        form, lambda: services.close_action(meeting, user(), entry, status=form.status.data,
                                            outcome_note=form.outcome_note.data),
        then=lambda _: _to_agenda_item(meeting, entry, "Outcome recorded; the action is closed."),
        again=lambda status: (render_template(
            "forums/action_outcome.html", page_title="Record what happened", form=form,
            meeting=meeting, entry=entry, action=entry.sponsor_action), status),
        meeting=meeting,
    )
