"""Forms: a quarter's figure, a CSV of figures, what families told us, the weekly report
subscription and the public page's switch. Values are checked by the use-cases."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, StringField, SubmitField, TextAreaField

from govflow.accounts.forms import PlainMultipleField, PlainSelectField
from govflow.sponsors.forms import DatePartsField


class FigureForm(FlaskForm):
    indicator = PlainSelectField("Indicator", widget=GovSelect(), choices=[])
    area = PlainSelectField("Area", widget=GovSelect(), choices=[])
    quarter = StringField("Quarter", widget=GovTextInput(),
                          description="The year and quarter, for example 2026-Q3 for July to "
                                      "September 2026")
    value = StringField("Figure", widget=GovTextInput(),
                        description="A number, for example 42 or 12.5")
    submit = SubmitField("Save the figure", widget=GovSubmitInput())


class ImportForm(FlaskForm):
    file = FileField("CSV file", widget=GovFileInput(),
                     description="A CSV file with the columns indicator, area, quarter, value")
    submit = SubmitField("Import the figures", widget=GovSubmitInput())


class FamilyFeedbackForm(FlaskForm):
    area = PlainSelectField("Area", widget=GovSelect(), choices=[])
    heard_on = DatePartsField("When were families heard?", what="the date",
                              description="The session's date, or the first of the month, "
                                          "for example 14 11 2026")
    session = StringField("Session", widget=GovTextInput(),
                          description="For example, 'Conversation club at the community "
                                      "café'. Leave it empty for a month's feedback.")
    families_heard = StringField("How many families were heard?", widget=GovTextInput())
    themes = TextAreaField("Themes", widget=GovCharacterCount(),
                           description="What families raised, in a few words each. About "
                                       "services and systems, never about one family.")
    quotes = TextAreaField("Quotes", widget=GovTextArea(),
                           description="Short quotes, one a line, with no names or other "
                                       "details that could identify a family.")
    items = PlainMultipleField("Blockers and ideas it gave rise to",
                               widget=GovCheckboxesInput(), choices=[], coerce=str)
    submit = SubmitField("Save what families told us", widget=GovSubmitInput())


class SubscriptionForm(FlaskForm):
    scopes = PlainMultipleField("Weekly progress reports", widget=GovCheckboxesInput(),
                                choices=[], coerce=str)
    submit = SubmitField("Save", widget=GovSubmitInput())


class PublicPageForm(FlaskForm):
    public_page = RadioField("Show the public page?", widget=GovRadioInput(), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set after construction: wtforms warns about tuples given to the field itself.
        self.public_page.choices = [("on", "Yes, anyone can read it without signing in"),
                                    ("off", "No")]
    submit = SubmitField("Save", widget=GovSubmitInput())
