"""GOV.UK form widgets that are safe with any posted data (use instead of govuk-frontend-wtf's),
and the date field the workflow and decision forms share."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovDateInput as _GovDateInput
from wtforms import DateField

from govflow import dates
from govflow.text import field_name


class GovDateInput(_GovDateInput):
    """The day/month/year date input, surviving a tampered post.

    govuk-frontend-wtf unpacks the posted values into exactly three boxes, so a request
    with one, two or four `date` values raised ValueError while re-rendering the form — a
    500 instead of an error message. Here the values are cut or padded to three first.
    """

    def map_gov_params(self, field, **kwargs):
        raw = field.raw_data
        if raw is not None and len(raw) != 3:
            parts = [str(v) for v in raw][:3]
            field.raw_data = parts + [""] * (3 - len(parts))
            try:
                return super().map_gov_params(field, **kwargs)
            finally:
                field.raw_data = raw
        return super().map_gov_params(field, **kwargs)


class DayMonthYearField(DateField):
    """GOV.UK date input (day, month, year boxes) with plain-English errors; `example` is the
    date a 'must be a real date' message gives."""

    def __init__(self, label=None, validators=None, example="27 3 2027", **kwargs):
        super().__init__(label, validators, format="%d %m %Y", widget=GovDateInput(), **kwargs)
        self.example = example

    def process_formdata(self, valuelist):
        if len(valuelist) != 3:
            # Not the three boxes a browser sends (a hand-made request): show them empty
            # rather than fail to draw the form again.
            self.raw_data = None
        if not valuelist or not any(v.strip() for v in valuelist):
            self.data = None
            return
        if len(valuelist) != 3 or not all(v.strip() for v in valuelist):
            self.data = None
            raise ValueError(f"{field_name(self.label.text)} must include a day, month and year")
        try:
            super().process_formdata([" ".join(v.strip() for v in valuelist)])
        except ValueError:
            raise ValueError(f"{field_name(self.label.text)} must be a real date, like "
                             f"{self.example}") from None
        try:
            dates.check_range(self.data, field_name(self.label.text))
        except dates.OutOfRange:
            self.data = None
            raise
