"""The form for correcting a decision (a new entry that supersedes it; nothing is erased)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovSelect,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Optional

from govflow.decisions.models import REASON_CATEGORIES
from govflow.widgets import DayMonthYearField


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
    review_on = DayMonthYearField("Review date", validators=[Optional()], example="23 12 2026",
                                  description="For example, 27 3 2027")
    decided_at = DayMonthYearField(
        "Date the decision was made", example="23 12 2026", validators=[InputRequired(message="Enter the date the "
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
