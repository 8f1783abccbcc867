"""The admin's form for an OpenID provider people sign in through."""

from wtforms.validators import Length

from govflow.accounts.forms import PlainSelectField, SlugForm, slug_field
from govflow.form_fields import (
    button,
    dropdown,
    optional,
    password_box,
    required,
    text_area,
    text_box,
    tick_box,
)


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
