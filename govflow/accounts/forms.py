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
from govflow.sponsors.forms import DatePartsField
from govflow.text import field_name


class GovEmailInput(GovTextInput):
    input_type = "email"


class PlainSelectField(SelectField):
    """A select whose refusal of a tampered value reads as plain English."""

    def pre_validate(self, form):
        if self.choices is not None and self.data not in {str(v) for v, *_ in self.choices}:
            raise ValidationError(f"Choose {field_name(self.label.text).lower()} from the list")


class PlainMultipleField(SelectMultipleField):
    """Checkboxes whose refusal of a tampered value reads as plain English."""

    def pre_validate(self, form):
        allowed = {str(v) for v, *_ in (self.choices or [])}
        if any(str(v) not in allowed for v in self.data or []):
            raise ValidationError(f"Choose only from the {field_name(self.label.text).lower()} listed")


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
    """The password rules, for the person the form is about: the admin form's own email
    and name fields (as typed), otherwise the person signed in changing their own."""
    if hasattr(form, "email") and hasattr(form, "display_name"):
        name, email, whose = form.display_name.data or "", form.email.data or "", "the person's"
    else:
        from flask_login import current_user

        signed_in = current_user.is_authenticated
        name = current_user.display_name if signed_in else ""
        email = current_user.email if signed_in else ""
        whose = "your"
    problem = password_problem(field.data or "", name=name, email=email, whose=whose)
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
        description="12 characters or more, not a common password and not your name or "
        "email address. A few unrelated words make a strong password.",
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
    organisation = PlainSelectField("Organisation", widget=GovSelect(), coerce=str, default="")
    home_area = PlainSelectField("Home area", widget=GovSelect(), coerce=str, default="",
                                 description="Where they mostly work")
    roles = PlainMultipleField(
        "Roles",
        widget=GovCheckboxesInput(),
        description="The tier follows from the roles: Executive is Gold, Head of Service is Silver, everyone else Bronze.",
    )
    sponsor_areas = PlainMultipleField(
        "Local area sponsor for",
        widget=GovCheckboxesInput(),
        description="Sponsors hold a mandate to remove barriers in these areas.",
    )
    facilitator_areas = PlainMultipleField(
        "Facilitator for",
        widget=GovCheckboxesInput(),
        description="Facilitators triage Bronze items raised in these areas.",
    )
    secretary_forums = PlainMultipleField(
        "Forum secretary for",
        widget=GovCheckboxesInput(),
        description="Secretaries build agendas and record decisions for these forums.",
    )
    password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description="Only if the person needs a new one: 12 characters or more, not a common "
        "password and not their name or email address. Leave blank to keep their current "
        "password. Setting one signs them out everywhere.",
        validators=[Optional(), _new_password_check],
    )
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class NewUserForm(UserForm):
    password = PasswordField(
        "Initial password",
        widget=GovPasswordInput(),
        description="12 characters or more, not a common password and not their name or email "
        "address. Give it to the person in a safe way; they can change it from their account "
        "page.",
        validators=[InputRequired(message="Enter an initial password"), _new_password_check],
    )
    submit = SubmitField("Add person", widget=GovSubmitInput())


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
    kind = PlainSelectField("Kind of organisation", widget=GovSelect(), default="",
                            validators=[InputRequired(message="Choose the kind of organisation")])
    passwords_off = BooleanField("Its people sign in only through its sign-in provider",
                                 widget=GovCheckboxInput())
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
    sponsors = PlainMultipleField("Local area sponsors", widget=GovCheckboxesInput(), coerce=str)
    facilitators = PlainMultipleField("Facilitators", widget=GovCheckboxesInput(), coerce=str)
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_slug(self, field):
        _check_slug(field)


def _check_slug(field):
    import re

    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", field.data or ""):
        raise ValidationError("Use lower-case letters, numbers and single hyphens only")


def _code_field(label: str, missing: str, too_long: str) -> StringField:
    """The box for a code from the authenticator app (or a recovery code)."""
    return StringField(label, widget=GovTextInput(),
                       validators=[InputRequired(message=missing),
                                   Length(max=40, message=too_long)])


class SignInCodeForm(FlaskForm):
    """The second step of signing in: a code from the app, or a recovery code."""

    code = _code_field("Code", "Enter the code from your authenticator app",
                       "Enter the 6-digit code, or a recovery code")
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SetUpSecondFactorForm(FlaskForm):
    code = _code_field("Code from the app", "Enter the 6-digit code your app shows",
                       "Enter the 6-digit code your app shows")
    submit = SubmitField("Turn on two-step sign-in", widget=GovSubmitInput())


class ConfirmWithCodeForm(FlaskForm):
    """Turning the second factor off, or making new recovery codes, asks for a code first:
    a session left open on a shared computer is not enough."""

    code = _code_field("Code from your authenticator app",
                       "Enter the code from your authenticator app",
                       "Enter the 6-digit code, or a recovery code")
    submit = SubmitField("Continue", widget=GovSubmitInput())


class AbsenceForm(FlaskForm):
    """A person away for a range of dates, and the deputy who acts for them meanwhile."""

    starts_on = DatePartsField("First day away", what="the first day",
                               description="For example, 21 12 2026")
    ends_on = DatePartsField("Last day away", what="the last day",
                             description="For example, 2 1 2027")
    deputy = PlainSelectField("Your deputy", widget=GovSelect(), choices=[],
                              description="Someone who holds the same role as you, in the same "
                                          "area, forum or organisation.")
    submit = SubmitField("Record the absence", widget=GovSubmitInput())
