"""Forms for forums, meetings, the agenda, attendance, decisions, actions and minutes."""

from __future__ import annotations

import re
from datetime import time

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, StopValidation, ValidationError

from govflow import dates
from govflow.text import field_name
from govflow.widgets import GovDateInput

PARTS = ("day", "month", "year")


class GovDateField(DateField):
    """A GOV.UK date input (day, month, year) that never crashes on a tampered post.

    govuk-frontend-wtf's widget unpacks exactly three values, so a post with one, two or
    four parts raised ValueError while re-showing the form (a 500). The safe widget pads
    for display; this field also says what is wrong in plain English beside the field,
    the GOV.UK way ("Date must include a month"), instead of "Not a valid date value".
    """

    widget = GovDateInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%d %m %Y", **kwargs)

    def process_formdata(self, valuelist):
        values = [str(v).strip() for v in (valuelist or [])]
        tampered = len(values) not in (0, 3)
        parts = (values + ["", "", ""])[:3]
        self.raw_data = parts
        self.data = None
        if not any(parts):
            return
        label = field_name(self.label.text)
        if tampered:
            raise ValueError(f"{label} must be a day, a month and a year")
        missing = [name for name, value in zip(PARTS, parts, strict=True) if not value]
        if missing:
            raise ValueError(f"{label} must include a {' and a '.join(missing)}")
        if not all(p.isdigit() and len(p) <= 4 for p in parts):
            raise ValueError(f"{label} must be a real date")
        day, month, year = (int(p) for p in parts)
        if len(parts[2]) != 4:
            raise ValueError("Year must include 4 numbers")
        try:
            self.data = dates.from_parts(*parts, label=label)
        except dates.OutOfRange:
            raise
        except ValueError:
            raise ValueError(f"{label} must be a real date") from None


def date_required(message: str):
    def check(form, field):
        if not any(field.raw_data or []):
            field.errors[:] = []
            raise StopValidation(message)

    return check


TIME_RE = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?\s*$", re.IGNORECASE)


def parse_time(text: str) -> time | None:
    """"10am", "2:30pm", "14:30", "9.15", "midday", "noon" → time; anything else None."""
    text = (text or "").strip().lower()
    if text in ("midday", "noon", "12 noon"):
        return time(12, 0)
    match = TIME_RE.match(text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def time_text(message: str, required: bool = True):
    def check(form, field):
        value = (field.data or "").strip()
        if not value:
            if required:
                raise StopValidation(message)
            field.parsed = None
            return
        parsed = parse_time(value)
        if parsed is None:
            raise ValidationError(f"{field_name(field.label.text)} must be a time, like 10am or 14:30")
        field.parsed = parsed

    return check


# ---------------------------------------------------------------- forums


class ForumForm(FlaskForm):
    name = StringField("Name", widget=GovTextInput(),
                       validators=[InputRequired(message="Enter the forum's name"), Length(max=200)])
    slug = StringField("Short name for links", widget=GovTextInput(),
                       description="Lower-case letters, numbers and hyphens, for example 'denaby-conversation-club'",
                       validators=[InputRequired(message="Enter a short name"), Length(max=80)])
    kind = RadioField("Kind of forum", widget=GovRadioInput(),
                      choices={"central": "The central governance forum (borough-wide)",
                               "local": "A local governance group for one area"},
                      validators=[InputRequired(message="Choose the kind of forum")])
    area = SelectField("Area (local groups only)", widget=GovSelect(), validators=[Optional()])
    place = StringField("Usual place", widget=GovTextInput(), validators=[Optional(), Length(max=300)],
                        description="For example, 'Denaby Community Café (weekly, Tuesday mornings)'")
    active = BooleanField("This forum still meets", widget=GovCheckboxInput(), default=True)
    submit = SubmitField("Save forum", widget=GovSubmitInput())


class MembersForm(FlaskForm):
    members = SelectMultipleField("Members", widget=GovCheckboxesInput(), coerce=str)
    secretaries = SelectMultipleField("Secretaries", widget=GovCheckboxesInput(), coerce=str,
                                      description="Secretaries schedule and run the meetings. They are members too.")
    submit = SubmitField("Save members", widget=GovSubmitInput())


# ---------------------------------------------------------------- meetings


class MeetingForm(FlaskForm):
    day = GovDateField("Date of the meeting", description="For example, 27 3 2027",
                       validators=[date_required("Enter the date of the meeting")])
    start_time = StringField("Start time", widget=GovTextInput(), description="For example, 10am or 14:30",
                             validators=[time_text("Enter the start time")])
    end_time = StringField("End time (optional)", widget=GovTextInput(),
                           description="Leave blank for a two-hour meeting",
                           validators=[time_text("", required=False)])
    place = StringField("Place", widget=GovTextInput(), validators=[Optional(), Length(max=300)])
    chair = SelectField("Chair", widget=GovSelect(), validators=[InputRequired(message="Choose who will chair it")])
    # Labelled "Deputy": a label holding the word "chair" would read as a second "Chair".
    vice_chair = SelectField("Deputy (optional)", widget=GovSelect(),
                             description="The vice-chair: approves the minutes if the chair "
                                         "cannot. Whoever writes the minutes cannot approve them.",
                             validators=[Optional()])
    version = HiddenField()
    submit = SubmitField("Save meeting", widget=GovSubmitInput())


class RhythmForm(FlaskForm):
    frequency = RadioField("How often does it meet?", widget=GovRadioInput(),
                           choices={"weekly": "Every week", "monthly": "Once a month"},
                           validators=[InputRequired(message="Choose how often the forum meets")])
    # Choices for both lists are set by the view (govflow.forums.views.rhythm).
    weekday = SelectField("Day of the week", widget=GovSelect(),
                          validators=[InputRequired(message="Choose the day of the week it meets")])
    week_of_month = SelectField("Which week of the month (monthly meetings only)",
                                widget=GovSelect(), validators=[Optional()])
    start_time = StringField("Start time", widget=GovTextInput(),
                             description="For example, 9:30am or 14:30",
                             validators=[time_text("Enter the time it starts, like 9:30am")])
    end_time = StringField("End time", widget=GovTextInput(),
                           description="For example, 10:30am",
                           validators=[time_text("Enter the time it ends, like 10:30am")])
    place = StringField("Place", widget=GovTextInput(), validators=[Optional(), Length(max=300)])
    chair = SelectField("Chair", widget=GovSelect(),
                        validators=[InputRequired(message="Choose who will chair it")])
    submit = SubmitField("Save and plan the meetings", widget=GovSubmitInput())


class CancelMeetingForm(FlaskForm):
    reason = TextAreaField("Why is it cancelled?", widget=GovTextArea(),
                           description="Members and calendars see this.",
                           validators=[InputRequired(message="Enter why the meeting is cancelled"),
                                       Length(max=2000)])
    version = HiddenField()
    submit = SubmitField("Cancel the meeting", widget=GovSubmitInput(),
                         render_kw={"classes": "govuk-button--warning"})


class TopicForm(FlaskForm):
    title = StringField("Topic", widget=GovTextInput(), validators=[InputRequired(message="Enter the topic"), Length(max=300)])
    submit = SubmitField("Add topic", widget=GovSubmitInput(), render_kw={"classes": "govuk-button--secondary"})


class AddItemForm(FlaskForm):
    item_number = StringField("Blocker or idea", widget=GovTextInput(),
                              validators=[InputRequired(message="Choose a blocker or idea to add"), Length(max=12)])
    submit = SubmitField("Add to agenda", widget=GovSubmitInput())


class NotesForm(FlaskForm):
    notes = TextAreaField("Notes", widget=GovTextArea(), validators=[Length(max=10000)])
    submit = SubmitField("Save notes", widget=GovSubmitInput())


class AttendanceForm(FlaskForm):
    present = SelectMultipleField("Present", widget=GovCheckboxesInput(), coerce=str)
    apologies = SelectMultipleField("Sent apologies", widget=GovCheckboxesInput(), coerce=str)
    submit = SubmitField("Save attendance", widget=GovSubmitInput())


class GuestForm(FlaskForm):
    guest_name = StringField("Guest's name", widget=GovTextInput(),
                             validators=[InputRequired(message="Enter the guest's name"), Length(max=200)])
    guest_role = StringField("Role or organisation (optional)", widget=GovTextInput(),
                             description="For example, 'Community member' or 'Denaby Community Café'",
                             validators=[Optional(), Length(max=200)])
    guest_status = RadioField("Attendance", widget=GovRadioInput(), default="present",
                              choices={"present": "Present", "apologies": "Sent apologies"})
    submit = SubmitField("Add guest", widget=GovSubmitInput())


class ConflictForm(FlaskForm):
    person = SelectField("Who is declaring an interest", widget=GovSelect(),
                         validators=[InputRequired(message="Choose who is declaring the interest")])
    agenda_item = SelectField("Agenda item (optional)", widget=GovSelect(), validators=[Optional()])
    declaration = TextAreaField("The interest", widget=GovTextArea(),
                                validators=[InputRequired(message="Say what the interest is"), Length(max=2000)])
    submit = SubmitField("Record declaration", widget=GovSubmitInput())


class ActionForm(FlaskForm):
    what = TextAreaField("What will be done", widget=GovTextArea(),
                         validators=[InputRequired(message="Say what will be done"), Length(max=1000)])
    owner = SelectField("Who will do it", widget=GovSelect(), validators=[InputRequired(message="Choose who will do it")])
    area = SelectField("Area", widget=GovSelect(), validators=[Optional()])
    sponsor = SelectField("Local area sponsor", widget=GovSelect(), validators=[Optional()],
                          description="The sponsor of the area the action is for")
    due_on = GovDateField("Due date", validators=[date_required("Enter the date it is due")])
    submit = SubmitField("Record action", widget=GovSubmitInput())


class CloseActionForm(FlaskForm):
    status = RadioField("What happened to this action", widget=GovRadioInput(),
                        choices={"done": "Done", "dropped": "Dropped"},
                        validators=[InputRequired(message="Choose done or dropped")])
    outcome_note = TextAreaField("Outcome", widget=GovTextArea(),
                                 validators=[InputRequired(message="Say what happened"), Length(max=2000)])
    submit = SubmitField("Record outcome", widget=GovSubmitInput())


class CloseMeetingForm(FlaskForm):
    summary = TextAreaField("Summary of the meeting", widget=GovTextArea(),
                            description="A few sentences: what was decided and what happens next.",
                            validators=[InputRequired(message="Write a short summary of the meeting"),
                                        Length(max=2000)])
    version = HiddenField()
    submit = SubmitField("Close the meeting", widget=GovSubmitInput())


class ApproveForm(FlaskForm):
    version = HiddenField()
    submit = SubmitField("Approve the minutes", widget=GovSubmitInput())


class AddendumForm(FlaskForm):
    body = TextAreaField("Correction", widget=GovTextArea(),
                         description="Say what was wrong in the approved minutes and what is right.",
                         validators=[InputRequired(message="Write the correction"), Length(max=5000)])
    corrects = HiddenField()  # the addendum this one corrects, if it corrects one
    submit = SubmitField("Add the correction", widget=GovSubmitInput())


class DecisionLogForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that only reads

    forum = SelectField("Forum", widget=GovSelect(), validators=[Optional()])
    area = SelectField("Area", widget=GovSelect(), validators=[Optional()])
    date_from = GovDateField("From", validators=[Optional()])
    date_to = GovDateField("To", validators=[Optional()])
    submit = SubmitField("Download PDF", widget=GovSubmitInput())


class QuorumForm(FlaskForm):
    quorum = StringField("How many members make a quorum", widget=GovTextInput(),
                         description="Members of the forum recorded as present (guests do not "
                                     "count). Leave empty for no quorum.",
                         validators=[Optional()])
    tiers = SelectMultipleField("Tiers that must have someone present", widget=GovCheckboxesInput(),
                                coerce=str, validators=[Optional()])
    decide_without = BooleanField(
        "Decisions may still be taken without a quorum, and are recorded as "
        "\u201ctaken without a quorum\u201d", widget=GovCheckboxInput())
    submit = SubmitField("Save the quorum", widget=GovSubmitInput())


class DispensationForm(FlaskForm):
    reason = TextAreaField("Why may they take part", widget=GovTextArea(),
                           description="The minutes print this beside the declaration.",
                           validators=[InputRequired(message="Give the reason for the dispensation"),
                                       Length(max=2000)])
    submit = SubmitField("Record the dispensation", widget=GovSubmitInput())
