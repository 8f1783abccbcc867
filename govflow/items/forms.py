"""Forms for raising a blocker, commenting, and each workflow action (built from the YAML)."""

from __future__ import annotations

import re
from decimal import Decimal

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from markupsafe import Markup
from wtforms import Field, HiddenField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from govflow import money
from govflow.form_fields import (
    button,
    dropdown,
    optional,
    radios,
    required,
    select_all_that_apply,
    text_area,
    text_box,
)
from govflow.items.services import ITEM_TEXT_LIMITS
from govflow.widgets import DayMonthYearField
from govflow.workflow.definition import FieldSpec, WorkflowDefinition


class RaiseChoiceForm(FlaskForm):
    kind = radios("What do you want to raise?", required("Select what you want to raise"))
    submit = button("Continue")


class RaiseBlockerForm(FlaskForm):
    """Long fields are checked by the service (length, control characters, personal data)
    so every problem comes back beside its field at once; here only what the form itself
    must know (required answers and the choice lists)."""

    title = text_box(
        "Title",
        required("Enter a title", Length(max=ITEM_TEXT_LIMITS["title"],
                                          message="Title must be 200 characters or fewer")),
        description="A short name for the blocker, for example 'Family hub rooms cannot be "
        "booked after 4pm'",
    )
    description = text_area(
        "What is blocked", required("Say what is blocked"),
        description="What you are trying to do, and what stops you. Describe the system, not "
        "a family: no names, dates of birth, addresses or contact details.",
    )
    effect = text_area("The effect on families' support", optional(),
                       description="What happens to families because of it (optional)")
    area = dropdown("Area", description="Where the blocker is felt")
    features = select_all_that_apply("Which of the framework's features does it get in the way of?")
    outcomes = select_all_that_apply("Which outcomes for children and families does it hold back?")
    organisation = dropdown(
        "Organisation or service it sits with (optional)",
        description="Leave as 'Not sure' if you do not know who owns the problem",
    )
    submit = button("Raise blocker")


class _RenderedOnce:
    """A GOV.UK widget that renders through Flask once per process for each set of params it
    is given while it shows no error and no text of anyone's, then reuses the HTML. Its
    markup depends on the params alone, and the item page shows the blank comment form
    on every view (rendering it each time was a tenth of the page)."""

    _KEEP = 16

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._rendered: dict[str, Markup] = {}

    def render(self, params):
        if params.get("errorMessage") or self._has_text(params):
            return super().render(params)
        key = repr(params)
        html = self._rendered.get(key)
        if html is None:
            html = super().render(params)
            if len(self._rendered) < self._KEEP:
                self._rendered[key] = html
        return html

    def _has_text(self, params) -> bool:
        return False


class _BlankTextArea(_RenderedOnce, GovTextArea):
    def _has_text(self, params) -> bool:
        return bool(params.get("value"))


class _Button(_RenderedOnce, GovSubmitInput):
    pass


def _blank_text_area(label: str, missing: str, hint: str):
    """A required text area drawn once per process while it is blank (_RenderedOnce)."""
    return text_area(label, required(missing), widget=_BlankTextArea(), description=hint)


class CommentForm(FlaskForm):
    body = _blank_text_area("Add a comment", "Enter a comment",
                            "Everyone who can see this item can read comments. No personal "
                            "details about children or families.")
    submit = button("Add comment", widget=_Button())


class CorrectCommentForm(FlaskForm):
    """A correction of one's own comment: a new comment that supersedes it (the first
    stays in the history, marked as corrected)."""
    body = _blank_text_area("What the comment should say", "Enter a comment",
                            "Your first comment stays in the history, marked as corrected. "
                            "No personal details about children or families.")
    submit = button("Save the correction", widget=_Button())


class RestrictionForm(FlaskForm):
    """Restrict an item to the people involved, or lift that; a reason either way."""

    reason = _blank_text_area("Reason", "Give a reason",
                              "A staff matter, something commercially sensitive, a live "
                              "safeguarding concern: say which, without personal details. It "
                              "is kept in the item's history.")
    version = HiddenField()
    submit = button("Continue", widget=_Button())


# --- the action form, built from the workflow file ----------------------------------------


MONEY_ERRORS = {
    "not_money": "Enter an amount in pounds, like 250 or 1,250.50",
    "negative": "Enter an amount of £0 or more",
    "part_penny": "Enter an amount in pounds and pence, like 99.50",
}


class MoneyField(Field):
    """Pounds typed as '1,250' or '£99.50'; the data is whole pence (int) or None."""

    widget = GovTextInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        pounds = Decimal(self.data) / 100
        return f"{pounds:.2f}".removesuffix(".00")

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        try:
            self.data = money.pence(re.sub(r"[£,\s]", "", valuelist[0]))
        except money.NotAnAmount as err:
            raise ValueError(MONEY_ERRORS[err.reason]) from None


def _required(field_spec: FieldSpec):
    return InputRequired(message=field_spec.missing_message)


def _form_field(field_spec: FieldSpec):
    validators = [_required(field_spec)] if field_spec.required else [Optional()]
    common = {"description": field_spec.hint or None}
    if field_spec.type == "text":
        return text_box(field_spec.label, validators, **common)
    if field_spec.type == "select":
        # A {value: label} dict: WTForms 3.3 deprecates (value, label) tuples.
        choices = {"": "Choose one"} | dict(field_spec.choices)
        return dropdown(field_spec.label, validators, choices=choices, **common,
                        invalid_choice_message=_choose_message(field_spec))
    if field_spec.type == "date":
        if field_spec.required:
            validators = [_required_date(field_spec)]
        return DayMonthYearField(field_spec.label, validators=validators, **common)
    if field_spec.type == "money":
        if field_spec.required:
            validators = [_required_value(field_spec)]
        return MoneyField(field_spec.label, validators=validators, **common)
    return text_area(field_spec.label, validators, **common)


def _choose_message(field_spec: FieldSpec) -> str:
    return f"Choose one of the options given for {field_spec.label.lower()}"


def _required_value(field_spec: FieldSpec):
    def check(form, field):
        if field.data is None and not field.errors:
            raise ValidationError(_required(field_spec).message)

    check.field_flags = {"required": True}
    return check


def _required_date(field_spec: FieldSpec):
    def check(form, field):
        if field.data is None and not field.errors:
            raise ValidationError(field_spec.missing_message)

    check.field_flags = {"required": True}
    return check


class ActionForm(FlaskForm):
    """Base for the per-trigger forms: the version the person saw travels with the form."""

    # Without it the stale-page check could not run, so a post without one is refused.
    version = HiddenField(validators=[InputRequired(
        message="This form was missing the version of the item you saw. Go back to the item, "
                "reload it and try again.")])

    def workflow_values(self) -> dict:
        """The answers as the engine takes them: text stripped, dates as dates, money in pence."""
        values = {}
        for name in self._workflow_fields:
            data = getattr(self, name).data
            if isinstance(data, str):
                data = data.strip()
                if not data:
                    continue
            if data is None:
                continue
            values[name] = data
        return values


def action_form_class(spec: WorkflowDefinition, trigger: str) -> type[ActionForm]:
    """A form class for one trigger, its fields taken from the workflow file."""
    fields = spec.form_fields(trigger)
    attrs = {f.name: _form_field(f) for f in fields}
    attrs["_workflow_fields"] = tuple(f.name for f in fields)
    attrs["submit"] = button(spec.triggers[trigger].label)
    return type(f"{trigger.title().replace('_', '')}Form", (ActionForm,), attrs)
