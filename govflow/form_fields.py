"""The GOV.UK form fields as every form declares them: a field with its GOV.UK widget, and
the validators read as "required, with this message" or "optional".

Each factory takes what a WTForms field takes (label, validators, description, choices…);
only the widget is filled in, so a form says what it asks and not how it is drawn."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional


def required(message: str, *more) -> list:
    """An answer must be given (`message` says what to enter), then `more` checks it."""
    return [InputRequired(message=message), *more]


def optional(*more) -> list:
    """The answer may be left empty; `more` checks it when it is not."""
    return [Optional(), *more]


def text_box(label: str, validators=(), *, widget=None, **kwargs) -> StringField:
    return StringField(label, list(validators), widget=widget or GovTextInput(), **kwargs)


def text_area(label: str, validators=(), *, widget=None, **kwargs) -> TextAreaField:
    return TextAreaField(label, list(validators), widget=widget or GovTextArea(), **kwargs)


def password_box(label: str, validators=(), **kwargs) -> PasswordField:
    return PasswordField(label, list(validators), widget=GovPasswordInput(), **kwargs)


def dropdown(label: str, validators=(), *, field=SelectField, **kwargs) -> SelectField:
    return field(label, list(validators), widget=GovSelect(), **kwargs)


def radios(label: str, validators=(), *, field=RadioField, **kwargs) -> RadioField:
    return field(label, list(validators), widget=GovRadioInput(), **kwargs)


def checkboxes(label: str, validators=(), *, field=SelectMultipleField,
               **kwargs) -> SelectMultipleField:
    return field(label, list(validators), widget=GovCheckboxesInput(), **kwargs)


def select_all_that_apply(label: str) -> SelectMultipleField:
    """Checkboxes hinted "Select all that apply" (a blocker's features and outcomes, an idea's
    outcomes): the view sets the choices, and the use-case checks what was ticked."""
    return checkboxes(label, description="Select all that apply", validate_choice=False)


def tick_box(label: str, **kwargs) -> BooleanField:
    return BooleanField(label, widget=GovCheckboxInput(), **kwargs)


def button(label: str, *, widget=None, **kwargs) -> SubmitField:
    return SubmitField(label, widget=widget or GovSubmitInput(), **kwargs)
