"""GOV.UK form widgets that are safe with any posted data (use instead of govuk-frontend-wtf's)."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovDateInput as _GovDateInput


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
