"""Forms for recording an agreement and its review."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField

from govflow.form_fields import button, checkboxes, dropdown, radios, text_area, text_box
from govflow.sponsors.forms import DatePartsField


class AgreementForm(FlaskForm):
    kind = radios("What kind of agreement is it?", choices=[], validate_choice=False)
    title = text_box("Title", description="For example, 'Denaby early help information-sharing "
                                          "protocol'")
    parties = text_area("Parties", description="The organisations (or groups) that signed it")
    what_shared = text_area(
        "What may be shared",
        description="What information may be shared, or what the agreement covers. About "
                    "kinds of information, never about a family.")
    shared_with = text_area("Who it may be shared with (optional)")
    basis = text_area(
        "On what basis (optional)",
        description="The lawful basis, the consent asked for, or the purpose it serves")
    areas = checkboxes("Which areas does it cover?", choices=[], coerce=str,
                       validate_choice=False)
    owner = dropdown("Who owns it?", choices=[], validate_choice=False,
                     description="The person who keeps it up to date and is reminded "
                                 "before its review date")
    review_on = DatePartsField("Review date", what="the review date",
                               description="For example, 30 6 2027")
    item_id = HiddenField()
    submit = button("Add to the register")


class ReviewForm(FlaskForm):
    review_on = DatePartsField("Next review date", what="the next review date",
                               description="For example, 30 6 2027")
    version = HiddenField()
    submit = button("Record the review")
