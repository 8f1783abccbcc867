"""The form for proposing an idea. The service checks the text (length, personal data) and
the funding, so every problem comes back beside its field at once."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Optional


class ProposeIdeaForm(FlaskForm):
    title = StringField(
        "Title",
        widget=GovTextInput(),
        description="A short name for the idea, for example 'Weekly conversation club at the "
        "community café'",
        validators=[InputRequired(message="Enter a title")],
    )
    description = TextAreaField(
        "What is the idea?",
        widget=GovTextArea(),
        description="What you want to do, where and how often. Describe the idea, not a "
        "family: no names, dates of birth, addresses or contact details.",
        validators=[InputRequired(message="Say what the idea is")],
    )
    outcomes = SelectMultipleField(
        "Which of the framework's outcomes does it serve?",
        widget=GovCheckboxesInput(),
        description="Select all that apply",
        validate_choice=False,
    )
    why = TextAreaField(
        "Why: how will it help children and families?",
        widget=GovTextArea(),
        validators=[InputRequired(message="Say why: how the idea helps children and families")],
    )
    area = SelectField("Area", widget=GovSelect(), description="Where the idea will happen",
                       validate_choice=False)
    who_involved = TextAreaField(
        "Who is involved (optional)",
        widget=GovTextArea(),
        description="Services, groups or volunteers taking part, by role or organisation",
        validators=[Optional()],
    )
    funding_asked = StringField(
        "Funding asked (optional)",
        widget=GovTextInput(),
        description="In pounds, like 450, or pounds and pence, like 75.50. Leave blank if "
        "you need no money.",
        validators=[Optional()],
    )
    support_needed = TextAreaField(
        "Support needed (optional)",
        widget=GovTextArea(),
        description="Permissions, rooms, time or help from another service",
        validators=[Optional()],
    )
    submit = SubmitField("Propose the idea", widget=GovSubmitInput())
