"""The "we have this too" form."""

from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import Length, ValidationError

from govflow.form_fields import button, radios, required, text_area


class PlainRadioField(RadioField):
    """Radios whose refusal of a tampered value reads as plain English."""

    def pre_validate(self, form):
        if self.data not in {str(v) for v, *_ in (self.choices or [])}:
            raise ValidationError("Choose your area from the list")


class AddAreaForm(FlaskForm):
    area = radios("Which area has this blocker too?", required("Choose your area"),
                  field=PlainRadioField)
    effect = text_area(
        "What effect does it have in your area?",
        required("Say what effect this blocker has in your area",
                 Length(max=2000, message="Keep it to 2,000 characters or fewer")),
        description="A line or two on what it stops people doing there. "
                    "About systems, not families: no names or personal details.",
    )
    submit = button("Add my area to this blocker")
