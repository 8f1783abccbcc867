"""Forms for forums, meetings, the agenda, attendance, decisions, actions and minutes."""

from __future__ import annotations

import re
from datetime import time

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField
from wtforms.validators import Length, Optional, StopValidation, ValidationError

from govflow import dates
from govflow.accounts.forms import slug_field
from govflow.form_fields import (
    button,
    checkboxes,
    dropdown,
    optional,
    radios,
    required,
    text_area,
    text_box,
    tick_box,
)
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
    name = text_box("Name", required("Enter the forum's name", Length(max=200)))
    slug = slug_field("denaby-conversation-club")
    kind = radios("Kind of forum", required("Choose the kind of forum"),
                  choices={"central": "The central governance forum (borough-wide)",
                           "local": "A local governance group for one area"})
    area = dropdown("Area (local groups only)", optional())
    place = text_box("Usual place", optional(Length(max=300)),
                     description="For example, 'Denaby Community Café (weekly, Tuesday mornings)'")
    active = tick_box("This forum still meets", default=True)
    submit = button("Save forum")


class MembersForm(FlaskForm):
    members = checkboxes("Members", coerce=str)
    secretaries = checkboxes("Secretaries", coerce=str,
                             description="Secretaries schedule and run the meetings. They are "
                                         "members too.")
    submit = button("Save members")


# ---------------------------------------------------------------- meetings


def _place_field():
    return text_box("Place", optional(Length(max=300)))


def _chair_field():
    return dropdown("Chair", required("Choose who will chair it"))


def _long_answer(label: str, missing: str, hint: str = ""):
    """A text area that must be answered, in 2,000 characters at most: the limit the forum
    services keep for a summary, a declaration, an outcome or a reason (forums.rules)."""
    return text_area(label, required(missing, Length(max=2000)), description=hint)


class MeetingForm(FlaskForm):
    version = HiddenField()
    day = GovDateField("Date of the meeting", description="For example, 27 3 2027",
                       validators=[date_required("Enter the date of the meeting")])
    start_time = text_box("Start time", [time_text("Enter the start time")],
                          description="For example, 10am or 14:30")
    end_time = text_box("End time (optional)", [time_text("", required=False)],
                        description="Leave blank for a two-hour meeting")
    place = _place_field()
    chair = _chair_field()
    # Labelled "Deputy": a label holding the word "chair" would read as a second "Chair".
    vice_chair = dropdown("Deputy (optional)", optional(),
                          description="The vice-chair: approves the minutes if the chair "
                                      "cannot. Whoever writes the minutes cannot approve them.")
    submit = button("Save meeting")


class RhythmForm(FlaskForm):
    frequency = radios("How often does it meet?", required("Choose how often the forum meets"),
                       choices={"weekly": "Every week", "monthly": "Once a month"})
    # Choices for both lists are set by the view (govflow.forums.views.rhythm).
    weekday = dropdown("Day of the week", required("Choose the day of the week it meets"))
    week_of_month = dropdown("Which week of the month (monthly meetings only)", optional())
    start_time = text_box("Start time", [time_text("Enter the time it starts, like 9:30am")],
                          description="For example, 9:30am or 14:30")
    end_time = text_box("End time", [time_text("Enter the time it ends, like 10:30am")],
                        description="For example, 10:30am")
    place = _place_field()
    chair = _chair_field()
    submit = button("Save and plan the meetings")


class CancelMeetingForm(FlaskForm):
    reason = _long_answer("Why is it cancelled?", "Enter why the meeting is cancelled",
                          hint="Members and calendars see this.")
    version = HiddenField()
    submit = button("Cancel the meeting", render_kw={"classes": "govuk-button--warning"})


class TopicForm(FlaskForm):
    title = text_box("Topic", required("Enter the topic", Length(max=300)))
    submit = button("Add topic", render_kw={"classes": "govuk-button--secondary"})


class AddItemForm(FlaskForm):
    item_number = text_box("Blocker or idea",
                           required("Choose a blocker or idea to add", Length(max=12)))
    submit = button("Add to agenda")


class NotesForm(FlaskForm):
    notes = text_area("Notes", [Length(max=10000)])
    submit = button("Save notes")


class AttendanceForm(FlaskForm):
    present = checkboxes("Present", coerce=str)
    apologies = checkboxes("Sent apologies", coerce=str)
    submit = button("Save attendance")


class GuestForm(FlaskForm):
    guest_name = text_box("Guest's name", required("Enter the guest's name", Length(max=200)))
    guest_role = text_box("Role or organisation (optional)", optional(Length(max=200)),
                          description="For example, 'Community member' or 'Denaby Community "
                                      "Café'")
    guest_status = radios("Attendance", default="present",
                          choices={"present": "Present", "apologies": "Sent apologies"})
    submit = button("Add guest")


class ConflictForm(FlaskForm):
    person = dropdown("Who is declaring an interest",
                      required("Choose who is declaring the interest"))
    agenda_item = dropdown("Agenda item (optional)", optional())
    declaration = _long_answer("The interest", "Say what the interest is")
    submit = button("Record declaration")


class ActionForm(FlaskForm):
    what = text_area("What will be done", required("Say what will be done", Length(max=1000)))
    owner = dropdown("Who will do it", required("Choose who will do it"))
    area = dropdown("Area", optional())
    sponsor = dropdown("Local area sponsor", optional(),
                       description="The sponsor of the area the action is for")
    due_on = GovDateField("Due date", validators=[date_required("Enter the date it is due")])
    submit = button("Record action")


class CloseActionForm(FlaskForm):
    status = radios("What happened to this action", required("Choose done or dropped"),
                    choices={"done": "Done", "dropped": "Dropped"})
    outcome_note = _long_answer("Outcome", "Say what happened")
    submit = button("Record outcome")


class CloseMeetingForm(FlaskForm):
    summary = _long_answer("Summary of the meeting", "Write a short summary of the meeting",
                           hint="A few sentences: what was decided and what happens next.")
    version = HiddenField()
    submit = button("Close the meeting")


class ApproveForm(FlaskForm):
    version = HiddenField()
    submit = button("Approve the minutes")


class AddendumForm(FlaskForm):
    body = text_area("Correction", required("Write the correction", Length(max=5000)),
                     description="Say what was wrong in the approved minutes and what is right.")
    corrects = HiddenField()  # the addendum this one corrects, if it corrects one
    submit = button("Add the correction")


class DecisionLogForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that only reads

    forum = dropdown("Forum", optional())
    area = dropdown("Area", optional())
    date_from = GovDateField("From", validators=[Optional()])
    date_to = GovDateField("To", validators=[Optional()])
    submit = button("Download PDF")


class QuorumForm(FlaskForm):
    quorum = text_box("How many members make a quorum", optional(),
                      description="Members of the forum recorded as present (guests do not "
                                  "count). Leave empty for no quorum.")
    tiers = checkboxes("Tiers that must have someone present", optional(), coerce=str)
    decide_without = tick_box(
        "Decisions may still be taken without a quorum, and are recorded as "
        "\u201ctaken without a quorum\u201d")
    submit = button("Save the quorum")


class DispensationForm(FlaskForm):
    reason = _long_answer("Why may they take part", "Give the reason for the dispensation",
                          hint="The minutes print this beside the declaration.")
    submit = button("Record the dispensation")
