"""The admin's form for an OpenID provider people sign in through."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovPasswordInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, PasswordField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from govflow.accounts.forms import PlainSelectField, _check_slug


class IdentityProviderForm(FlaskForm):
    name = StringField(
        "Name on the sign-in button", widget=GovTextInput(),
        description="People see 'Sign in with' and this, for example "
                    "'Doncaster Children's Services Trust'",
        validators=[InputRequired(message="Enter the name on the sign-in button"),
                    Length(max=200)],
    )
    slug = StringField(
        "Short name for links", widget=GovTextInput(),
        description="Lower-case letters, numbers and hyphens, for example 'dcst-entra'. It is "
                    "part of the address you register with the provider.",
        validators=[InputRequired(message="Enter a short name"), Length(max=80)],
    )
    issuer = StringField(
        "Issuer", widget=GovTextInput(),
        description="For Microsoft Entra ID: https://login.microsoftonline.com/ and your "
                    "directory (tenant) ID, then /v2.0. For Google Workspace: "
                    "https://accounts.google.com",
        validators=[InputRequired(message="Enter the provider's issuer"), Length(max=500)],
    )
    client_id = StringField(
        "Client ID", widget=GovTextInput(),
        description="Entra ID calls it the application (client) ID",
        validators=[InputRequired(message="Enter the client ID"), Length(max=255)],
    )
    client_secret = PasswordField(
        "Client secret", widget=GovPasswordInput(),
        validators=[Optional(), Length(max=500)],
    )
    domains = TextAreaField(
        "Email domains it may sign people in for", widget=GovTextArea(),
        description="One a line, for example dcst.example",
        validators=[InputRequired(message="Enter at least one email domain"),
                    Length(max=2000)],
    )
    organisation = PlainSelectField("Organisation its people belong to", widget=GovSelect(),
                                    default="",
                                    validators=[InputRequired(message="Choose the organisation")])
    create_accounts = BooleanField(
        "Create an account, as a practitioner, for someone signing in for the first time",
        widget=GovCheckboxInput())
    active = BooleanField("People can sign in through it", widget=GovCheckboxInput(),
                          default=True)
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_slug(self, field):
        _check_slug(field)
