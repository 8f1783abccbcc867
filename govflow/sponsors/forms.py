"""Forms for recording a sponsor action, changing it, marking it done and dropping it."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount
from wtforms import DateField, HiddenField

from govflow import dates
from govflow.form_fields import button, dropdown, radios, required, text_area
from govflow.widgets import GovDateInput

DATE_PARTS = ("day", "month", "year")


class DatePartsField(DateField):
    """A GOV.UK date input (day, month, year boxes) that survives a tampered post.

    govuk-frontend-wtf's widget unpacks exactly three raw values; a post with fewer or more
    parts (a crafted request, an old form) would crash it with ValueError and give a 500.
    The shared safe widget (govflow.widgets) re-renders anyway; this field also keeps the
    three parts, and tells the person which part is missing or wrong, GOV.UK style.
    """

    widget = GovDateInput()

    def __init__(self, label=None, validators=None, what="the date", **kwargs):
        super().__init__(label, validators, format="%d %m %Y", **kwargs)
        self.what = what

    def process_formdata(self, valuelist):
        if self.raw_data is None:
            return
        parts = [str(v).strip() for v in valuelist][:3]
        tampered = len(valuelist) not in (0, 3)
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        self.data = None
        if tampered:
            raise ValueError(f"Enter {self.what} as a day, month and year")
        if not any(parts):
            return  # empty: the use-case says a date is needed
        missing = [name for name, value in zip(DATE_PARTS, parts, strict=True) if not value]
        if missing:
            raise ValueError(f"{self.what.capitalize()} must include a {' and a '.join(missing)}")
        try:
            self.data = dates.from_parts(*parts, label=self.what.capitalize())
        except dates.OutOfRange:
            raise
        except ValueError:
            raise ValueError(f"{self.what.capitalize()} must be a real date") from None


class RecordActionForm(FlaskForm):
    what = text_area(
        "What will be done?", required("Enter what the action is"), widget=GovCharacterCount(),
        description="One action someone can do and report back on, for example "
        "'Ask the three information governance leads to agree a one-page note on what "
        "can be shared'. About systems, never about a family.",
    )
    area = radios("Which area is it for?", choices=[], validate_choice=False)
    sponsor = dropdown("Which sponsor is it for?", choices=[], validate_choice=False)
    due_on = DatePartsField("When is it due?", what="the due date",
                            description="For example, 27 3 2027")
    owner = dropdown("Who will do it?", choices=[], validate_choice=False,
                     description="The sponsor, unless someone else has agreed to do it.")
    item_id = HiddenField()
    meeting_id = HiddenField()
    submit = button("Record the action")


class CompleteActionForm(FlaskForm):
    outcome = text_area("What was done?", required("Enter what was done"),
                        description="What changed, and what people can now do that they "
                                    "could not before.")
    version = HiddenField()
    submit = button("Mark as done")


class DropActionForm(FlaskForm):
    reason = text_area("Why is this action being dropped?",
                       required("Enter why the action is being dropped"),
                       description="For example, it is no longer needed, or another action "
                                   "replaces it.")
    version = HiddenField()
    submit = button("Drop the action")


class ChangeActionForm(FlaskForm):
    what = text_area("What will be done?", required("Enter what the action is"),
                     widget=GovCharacterCount(),
                     description="The history keeps what it said before.")
    due_on = DatePartsField("When is it due?", what="the due date",
                            description="For example, 27 3 2027")
    version = HiddenField()
    submit = button("Save the change")
