"""Admin pages for single sign-on: the OpenID providers people sign in through."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from govflow.accounts import sso
from govflow.accounts.forms import IdentityProviderForm
from govflow.accounts.models import Organisation
from govflow.accounts.sso_models import IdentityProvider
from govflow.admin.views import _load, bp, saved_and_back
from govflow.extensions import db
from govflow.form_flow import attempt
from govflow.permissions import can


def _may_manage() -> None:
    # The admin blueprint lets only administrators in; this names the power itself.
    if not can(current_user, "sign_in_provider.manage"):
        abort(403)


@bp.get("/sign-in-providers")
def sign_in_providers():
    _may_manage()
    rows = db.session.scalars(select(IdentityProvider).order_by(IdentityProvider.name)).all()
    return render_template("admin/sign_in_providers.html", page_title="Sign-in providers",
                           rows=rows, from_environment=sso.environment_providers())


def _form(row: IdentityProvider | None) -> IdentityProviderForm:
    if request.method == "GET" and row is not None:
        form = IdentityProviderForm(formdata=None, obj=row)
        form.organisation.data = row.organisation.slug
        form.domains.data = row.domains
    else:
        form = IdentityProviderForm()
    orgs = db.session.scalars(select(Organisation).where(Organisation.active)
                              .order_by(Organisation.name)).all()
    form.organisation.choices = [("", "Choose an organisation")] + [(o.slug, o.name) for o in orgs]
    return form


@bp.route("/sign-in-providers/new", methods=["GET", "POST"])
@bp.route("/sign-in-providers/<int:provider_id>", methods=["GET", "POST"])
def edit_sign_in_provider(provider_id: int | None = None):
    _may_manage()
    row = _load(IdentityProvider, provider_id) if provider_id is not None else None
    form = _form(row)
    tried = attempt(form, lambda: sso.save_provider(
        row, slug=form.slug.data, name=form.name.data, issuer=form.issuer.data,
        client_id=form.client_id.data, client_secret=form.client_secret.data or "",
        domains=form.domains.data, organisation=form.organisation.data,
        create_accounts=form.create_accounts.data, active=form.active.data), rollback=True)
    if tried.done:
        return saved_and_back(tried.result.name, row, "admin.sign_in_providers")
    form.client_secret.data = ""
    callback = None
    if form.slug.data:
        callback = sso.public_url("sso.callback", slug=form.slug.data)
    return render_template("admin/sign_in_provider_form.html", form=form, provider=row,
                           callback=callback,
                           page_title=row.name if row else "Add a sign-in provider")
