"""Forms for signing in, the account page and the admin pages."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import EmailField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Email, Length, ValidationError

from govflow.accounts.passwords import password_problem
from govflow.form_fields import (
    button,
    checkboxes,
    dropdown,
    optional,
    password_box,
    required,
    text_area,
    text_box,
    tick_box,
)
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
    email = EmailField("Email address", required("Enter your email address", Length(max=320)),
                       widget=GovEmailInput())
    password = password_box("Password", required("Enter your password", Length(max=256)))
    remember = tick_box("Keep me signed in on this device")
    submit = button("Sign in")


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
    current_password = password_box("Current password",
                                    required("Enter your current password"))
    new_password = password_box(
        "New password", required("Enter a new password", _new_password_check),
        description="12 characters or more, not a common password and not your name or "
        "email address. A few unrelated words make a strong password.",
    )
    submit = button("Change password")


class ApiTokenForm(FlaskForm):
    name = text_box("What the token is for",
                    required("Say what the token is for", Length(max=100)),
                    description="For example, 'Team dashboard import'")
    submit = button("Create token")


def _role_areas(label: str, hint: str) -> PlainMultipleField:
    return checkboxes(label, field=PlainMultipleField, description=hint)


class UserForm(FlaskForm):
    email = EmailField(
        "Email address",
        required("Enter an email address",
                 Email(message="Enter an email address in the correct format, like "
                               "name@example.org", check_deliverability=False),
                 Length(max=320)),
        widget=GovEmailInput(),
    )
    display_name = text_box("Full name", required("Enter the person's name", Length(max=200)))
    job_title = text_box("Job title", optional(Length(max=200)))
    organisation = dropdown("Organisation", field=PlainSelectField, coerce=str, default="")
    home_area = dropdown("Home area", field=PlainSelectField, coerce=str, default="",
                         description="Where they mostly work")
    roles = _role_areas("Roles", "The tier follows from the roles: Executive is Gold, Head of "
                                 "Service is Silver, everyone else Bronze.")
    sponsor_areas = _role_areas("Local area sponsor for",
                                "Sponsors hold a mandate to remove barriers in these areas.")
    facilitator_areas = _role_areas("Facilitator for",
                                    "Facilitators triage Bronze items raised in these areas.")
    secretary_forums = _role_areas("Forum secretary for", "Secretaries build agendas and record "
                                                          "decisions for these forums.")
    password = password_box(
        "New password", optional(_new_password_check),
        description="Only if the person needs a new one: 12 characters or more, not a common "
        "password and not their name or email address. Leave blank to keep their current "
        "password. Setting one signs them out everywhere.",
    )
    submit = button("Save changes")


class NewUserForm(UserForm):
    password = password_box(
        "Initial password", required("Enter an initial password", _new_password_check),
        description="12 characters or more, not a common password and not their name or email "
        "address. Give it to the person in a safe way; they can change it from their account "
        "page.",
    )
    submit = button("Add person")


class SlugForm(FlaskForm):
    """A form whose short name for links (a field named slug) is checked by the form itself."""

    def validate_slug(self, field):
        _check_slug(field)


def slug_field(example: str, more: str = "") -> StringField:
    """The short name for links of an organisation, area, forum or sign-in provider."""
    return text_box("Short name for links", required("Enter a short name", Length(max=80)),
                    description="Lower-case letters, numbers and hyphens, for example "
                                f"'{example}'{more}")


def _name_field(missing: str) -> StringField:
    return text_box("Name", required(missing, Length(max=200)))


class OrganisationForm(SlugForm):
    slug = slug_field("dcst")
    name = _name_field("Enter the organisation's name")
    kind = dropdown("Kind of organisation", required("Choose the kind of organisation"),
                    field=PlainSelectField, default="")
    passwords_off = tick_box("Its people sign in only through its sign-in provider")
    submit = button("Save")


class AreaForm(SlugForm):
    slug = slug_field("denaby")
    name = _name_field("Enter the area's name")
    description = text_area("Description", [Length(max=2000)])
    sponsors = checkboxes("Local area sponsors", field=PlainMultipleField, coerce=str)
    facilitators = checkboxes("Facilitators", field=PlainMultipleField, coerce=str)
    submit = button("Save")


class IdentityProviderForm(SlugForm):
    name = text_box(
        "Name on the sign-in button",
        required("Enter the name on the sign-in button", Length(max=200)),
        description="People see 'Sign in with' and this, for example "
                    "'Doncaster Children's Services Trust'",
    )
    slug = slug_field("dcst-entra", ". It is part of the address you register with the provider.")
    issuer = text_box(
        "Issuer", required("Enter the provider's issuer", Length(max=500)),
        description="For Microsoft Entra ID: https://login.microsoftonline.com/ and your "
                    "directory (tenant) ID, then /v2.0. For Google Workspace: "
                    "https://accounts.google.com",
    )
    client_id = text_box("Client ID", required("Enter the client ID", Length(max=255)),
                         description="Entra ID calls it the application (client) ID")
    client_secret = password_box("Client secret", optional(Length(max=500)))
    domains = text_area(
        "Email domains it may sign people in for",
        required("Enter at least one email domain", Length(max=2000)),
        description="One a line, for example dcst.example",
    )
    organisation = dropdown("Organisation its people belong to",
                            required("Choose the organisation"),
                            field=PlainSelectField, default="")
    create_accounts = tick_box(
        "Create an account, as a practitioner, for someone signing in for the first time")
    active = tick_box("People can sign in through it", default=True)
    submit = button("Save")


def _check_slug(field):
    import re

    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", field.data or ""):
        raise ValidationError("Use lower-case letters, numbers and single hyphens only")


def _code_field(label: str, missing: str, too_long: str) -> StringField:
    """The box for a code from the authenticator app (or a recovery code)."""
    return text_box(label, required(missing, Length(max=40, message=too_long)))


class SignInCodeForm(FlaskForm):
    """The second step of signing in: a code from the app, or a recovery code."""

    code = _code_field("Code", "Enter the code from your authenticator app",
                       "Enter the 6-digit code, or a recovery code")
    submit = button("Continue")


class SetUpSecondFactorForm(FlaskForm):
    code = _code_field("Code from the app", "Enter the 6-digit code your app shows",
                       "Enter the 6-digit code your app shows")
    submit = button("Turn on two-step sign-in")


class ConfirmWithCodeForm(FlaskForm):
    """Turning the second factor off, or making new recovery codes, asks for a code first:
    a session left open on a shared computer is not enough."""

    code = _code_field("Code from your authenticator app",
                       "Enter the code from your authenticator app",
                       "Enter the 6-digit code, or a recovery code")
    submit = button("Continue")


class AbsenceForm(FlaskForm):
    """A person away for a range of dates, and the deputy who acts for them meanwhile."""

    starts_on = DatePartsField("First day away", what="the first day",
                               description="For example, 21 12 2026")
    ends_on = DatePartsField("Last day away", what="the last day",
                             description="For example, 2 1 2027")
    deputy = dropdown("Your deputy", field=PlainSelectField, choices=[],
                      description="Someone who holds the same role as you, in the same "
                                  "area, forum or organisation.")
    submit = button("Record the absence")
