"""Forms: a quarter's figure, a CSV of figures, what families told us, the weekly report
subscription and the public page's switch. Values are checked by the use-cases."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovFileInput

from govflow.accounts.forms import PlainMultipleField, PlainSelectField
from govflow.form_fields import button, checkboxes, dropdown, radios, text_area, text_box
from govflow.sponsors.forms import DatePartsField


def _pick(label: str) -> PlainSelectField:
    """A list whose choices the view fills in."""
    return dropdown(label, field=PlainSelectField, choices=[])


class FigureForm(FlaskForm):
    indicator = _pick("Indicator")
    area = _pick("Area")
    quarter = text_box("Quarter", description="The year and quarter, for example 2026-Q3 for "
                                              "July to September 2026")
    value = text_box("Figure", description="A number, for example 42 or 12.5")
    submit = button("Save the figure")


class ImportForm(FlaskForm):
    file = FileField("CSV file", widget=GovFileInput(),
                     description="A CSV file with the columns indicator, area, quarter, value")
    submit = button("Import the figures")


class FamilyFeedbackForm(FlaskForm):
    area = _pick("Area")
    heard_on = DatePartsField("When were families heard?", what="the date",
                              description="The session's date, or the first of the month, "
                                          "for example 14 11 2026")
    session = text_box("Session", description="For example, 'Conversation club at the community "
                                              "café'. Leave it empty for a month's feedback.")
    families_heard = text_box("How many families were heard?")
    themes = text_area("Themes", widget=GovCharacterCount(),
                       description="What families raised, in a few words each. About "
                                   "services and systems, never about one family.")
    quotes = text_area("Quotes", description="Short quotes, one a line, with no names or other "
                                             "details that could identify a family.")
    items = checkboxes("Blockers and ideas it gave rise to", field=PlainMultipleField,
                       choices=[], coerce=str)
    submit = button("Save what families told us")


class SubscriptionForm(FlaskForm):
    scopes = checkboxes("Weekly progress reports", field=PlainMultipleField, choices=[],
                        coerce=str)
    submit = button("Save")


class PublicPageForm(FlaskForm):
    public_page = radios("Show the public page?", choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set after construction: wtforms warns about tuples given to the field itself.
        self.public_page.choices = [("on", "Yes, anyone can read it without signing in"),
                                    ("off", "No")]
    submit = button("Save")
