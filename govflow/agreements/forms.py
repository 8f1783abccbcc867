"""Forms for recording an agreement and its review."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)

from govflow.sponsors.forms import DatePartsField


class AgreementForm(FlaskForm):
    kind = RadioField("What kind of agreement is it?", widget=GovRadioInput(),
                      choices=[], validate_choice=False)
    title = StringField("Title", widget=GovTextInput(),
                        description="For example, 'Denaby early help information-sharing "
                                    "protocol'")
    parties = TextAreaField("Parties", widget=GovTextArea(),
                            description="The organisations (or groups) that signed it")
    what_shared = TextAreaField(
        "What may be shared", widget=GovTextArea(),
        description="What information may be shared, or what the agreement covers. About "
                    "kinds of information, never about a family.")
    shared_with = TextAreaField("Who it may be shared with (optional)", widget=GovTextArea())
    basis = TextAreaField(
        "On what basis (optional)", widget=GovTextArea(),
        description="The lawful basis, the consent asked for, or the purpose it serves")
    areas = SelectMultipleField("Which areas does it cover?", widget=GovCheckboxesInput(),
                                choices=[], coerce=str, validate_choice=False)
    owner = SelectField("Who owns it?", widget=GovSelect(), choices=[], validate_choice=False,
                        description="The person who keeps it up to date and is reminded "
                                    "before its review date")
    review_on = DatePartsField("Review date", what="the review date",
                               description="For example, 30 6 2027")
    item_id = HiddenField()
    submit = SubmitField("Add to the register", widget=GovSubmitInput())


class ReviewForm(FlaskForm):
    review_on = DatePartsField("Next review date", what="the next review date",
                               description="For example, 30 6 2027")
    version = HiddenField()
    submit = SubmitField("Record the review", widget=GovSubmitInput())
