"""Forms for signing in, the account page and the admin pages."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovPasswordInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from govflow.accounts.passwords import password_problem


class GovEmailInput(GovTextInput):
    input_type = "email"


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovEmailInput(),
        validators=[InputRequired(message="Enter your email address"), Length(max=320)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password"), Length(max=256)],
    )
    remember = BooleanField("Keep me signed in on this device", widget=GovCheckboxInput())
    submit = SubmitField("Sign in", widget=GovSubmitInput())


def _new_password_check(form, field):
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your current password")],
    )
    new_password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description="12 characters or more. A few unrelated words make a strong password.",
        validators=[InputRequired(message="Enter a new password"), _new_password_check],
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())


class ApiTokenForm(FlaskForm):
    name = StringField(
        "What the token is for",
        widget=GovTextInput(),
        description="For example, 'Team dashboard import'",
        validators=[InputRequired(message="Say what the token is for"), Length(max=100)],
    )
    submit = SubmitField("Create token", widget=GovSubmitInput())


class UserForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovEmailInput(),
        validators=[
            InputRequired(message="Enter an email address"),
            Email(message="Enter an email address in the correct format, like name@example.org",
                  check_deliverability=False),
            Length(max=320),
        ],
    )
    display_name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the person's name"), Length(max=200)],
    )
    job_title = StringField("Job title", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    organisation = SelectField("Organisation", widget=GovSelect(), coerce=str)
    home_area = SelectField("Home area", widget=GovSelect(), coerce=str)
    roles = SelectMultipleField(
        "Roles",
        widget=GovCheckboxesInput(),
        description="The tier follows from the roles: Executive is Gold, Head of Service is Silver, everyone else Bronze.",
    )
    sponsor_areas = SelectMultipleField("Sponsor of", widget=GovCheckboxesInput())
    facilitator_areas = SelectMultipleField("Facilitator of", widget=GovCheckboxesInput())
    password = PasswordField(
        "Initial password",
        widget=GovPasswordInput(),
        description="12 characters or more. Leave blank to keep the current password.",
        validators=[Optional(), _new_password_check],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class OrganisationForm(FlaskForm):
    slug = StringField(
        "Short name for links",
        widget=GovTextInput(),
        description="Lower-case letters, numbers and hyphens, for example 'dcst'",
        validators=[InputRequired(message="Enter a short name"), Length(max=80)],
    )
    name = StringField(
        "Name", widget=GovTextInput(),
        validators=[InputRequired(message="Enter the organisation's name"), Length(max=200)],
    )
    kind = SelectField("Kind of organisation", widget=GovSelect())
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_slug(self, field):
        _check_slug(field)


class AreaForm(FlaskForm):
    slug = StringField(
        "Short name for links",
        widget=GovTextInput(),
        description="Lower-case letters, numbers and hyphens, for example 'denaby'",
        validators=[InputRequired(message="Enter a short name"), Length(max=80)],
    )
    name = StringField(
        "Name", widget=GovTextInput(),
        validators=[InputRequired(message="Enter the area's name"), Length(max=200)],
    )
    description = TextAreaField("Description", widget=GovTextArea(), validators=[Length(max=2000)])
    sponsors = SelectMultipleField("Local area sponsors", widget=GovCheckboxesInput(), coerce=str)
    facilitators = SelectMultipleField("Facilitators", widget=GovCheckboxesInput(), coerce=str)
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_slug(self, field):
        _check_slug(field)


def _check_slug(field):
    import re

    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", field.data or ""):
        raise ValidationError("Use lower-case letters, numbers and single hyphens only")
