"""The form for correcting a decision (a new entry that supersedes it; nothing is erased)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import DateField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Optional

from govflow import dates
from govflow.decisions.models import REASON_CATEGORIES
from govflow.text import field_name


class DayMonthYearField(DateField):
    """GOV.UK date input (day, month, year boxes) with plain-English errors."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%d %m %Y", widget=GovDateInput(), **kwargs)

    def process_formdata(self, valuelist):
        if len(valuelist) != 3:
            # Not the three boxes a browser sends (a hand-made request): show them empty
            # rather than fail to draw the form again.
            self.raw_data = None
        if not valuelist or not any(v.strip() for v in valuelist):
            self.data = None
            return
        if not all(v.strip() for v in valuelist):
            self.data = None
            raise ValueError(f"{field_name(self.label.text)} must include a day, month and year")
        try:
            super().process_formdata([" ".join(v.strip() for v in valuelist)])
        except ValueError:
            raise ValueError(f"{field_name(self.label.text)} must be a real date, like 23 12 2026") from None
        try:
            dates.check_range(self.data, field_name(self.label.text))
        except dates.OutOfRange:
            self.data = None
            raise


class CorrectDecisionForm(FlaskForm):
    correction_reason = TextAreaField(
        "What was wrong with the decision as recorded",
        widget=GovTextArea(),
        description="This stays in the decision log and the item's history next to both "
        "versions.",
        validators=[InputRequired(message="Say what was wrong with the decision as recorded")],
    )
    summary = TextAreaField("What was decided", widget=GovTextArea(),
                            validators=[InputRequired(message="Enter what was decided")])
    rationale = TextAreaField("Reasons", widget=GovTextArea(), validators=[Optional()])
    reason_category = SelectField(
        "Main reason for saying no", widget=GovSelect(),
        choices={"": "Not a decline"} | REASON_CATEGORIES,
        validators=[Optional()],
    )
    why_not = TextAreaField("Why not?", widget=GovTextArea(), validators=[Optional()])
    what_would_make_yes = TextAreaField("What would make it a yes?", widget=GovTextArea(),
                                        validators=[Optional()])
    conditions = TextAreaField("Conditions", widget=GovTextArea(), validators=[Optional()])
    alternatives = TextAreaField("Alternatives considered", widget=GovTextArea(),
                                 validators=[Optional()])
    conflicts = TextAreaField("Conflicts of interest declared", widget=GovTextArea(),
                              validators=[Optional()])
    review_on = DayMonthYearField("Review date", validators=[Optional()],
                                  description="For example, 27 3 2027")
    decided_at = DayMonthYearField(
        "Date the decision was made", validators=[InputRequired(message="Enter the date the "
                                                                "decision was made")],
        description="For example, 23 12 2026",
    )
    delay_explanation = TextAreaField(
        "Why it was recorded late", widget=GovTextArea(), validators=[Optional()],
        description="Needed when it was recorded more than one working day after it was made",
    )
    submit = SubmitField("Record the correction", widget=GovSubmitInput())

    TEXT_FIELDS = ("summary", "rationale", "why_not", "what_would_make_yes", "conditions",
                   "alternatives", "conflicts", "delay_explanation")
