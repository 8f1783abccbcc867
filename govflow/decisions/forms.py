"""The form for correcting a decision (a new entry that supersedes it; nothing is erased)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.validators import InputRequired, Optional

from govflow.decisions.models import REASON_CATEGORIES
from govflow.form_fields import button, dropdown, optional, required, text_area
from govflow.widgets import DayMonthYearField


class CorrectDecisionForm(FlaskForm):
    correction_reason = text_area(
        "What was wrong with the decision as recorded",
        required("Say what was wrong with the decision as recorded"),
        description="This stays in the decision log and the item's history next to both "
        "versions.",
    )
    summary = text_area("What was decided", required("Enter what was decided"))
    rationale = text_area("Reasons", optional())
    reason_category = dropdown("Main reason for saying no", optional(),
                               choices={"": "Not a decline"} | REASON_CATEGORIES)
    why_not = text_area("Why not?", optional())
    what_would_make_yes = text_area("What would make it a yes?", optional())
    conditions = text_area("Conditions", optional())
    alternatives = text_area("Alternatives considered", optional())
    conflicts = text_area("Conflicts of interest declared", optional())
    review_on = DayMonthYearField("Review date", validators=[Optional()], example="23 12 2026",
                                  description="For example, 27 3 2027")
    decided_at = DayMonthYearField(
        "Date the decision was made", example="23 12 2026",
        validators=[InputRequired(message="Enter the date the decision was made")],
        description="For example, 23 12 2026",
    )
    delay_explanation = text_area(
        "Why it was recorded late", optional(),
        description="Needed when it was recorded more than one working day after it was made",
    )
    submit = button("Record the correction")

    TEXT_FIELDS = ("summary", "rationale", "why_not", "what_would_make_yes", "conditions",
                   "alternatives", "conflicts", "delay_explanation")
