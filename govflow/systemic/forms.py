"""The "we have this too" form."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError


class PlainRadioField(RadioField):
    """Radios whose refusal of a tampered value reads as plain English."""

    def pre_validate(self, form):
        if self.data not in {str(v) for v, *_ in (self.choices or [])}:
            raise ValidationError("Choose your area from the list")


class AddAreaForm(FlaskForm):
    area = PlainRadioField(
        "Which area has this blocker too?",
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose your area")],
    )
    effect = TextAreaField(
        "What effect does it have in your area?",
        widget=GovTextArea(),
        description="A line or two on what it stops people doing there. "
                    "About systems, not families: no names or personal details.",
        validators=[InputRequired(message="Say what effect this blocker has in your area"),
                    Length(max=2000, message="Keep it to 2,000 characters or fewer")],
    )
    submit = SubmitField("Add my area to this blocker", widget=GovSubmitInput())
