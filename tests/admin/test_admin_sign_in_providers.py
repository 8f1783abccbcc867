"""Admin pages for single sign-on: adding and changing a sign-in provider, and switching an
organisation's passwords off once it has one."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from govflow.accounts.models import Organisation
from govflow.accounts.sso_models import IdentityProvider
from govflow.extensions import db

NEW = "/admin/sign-in-providers/new"
ENTRA = {
    "name": "Doncaster Children's Services Trust", "slug": "dcst-entra",
    "issuer": "https://login.microsoftonline.com/3f1c0e2a-0000-4000-8000-00000000dc57/v2.0",
    "client_id": "6b0d7c1e-1111-4222-8333-444455556666", "client_secret": "a-secret-value",
    "domains": "dcst.example\r\nDCST-Schools.example", "organisation": "dcst",
    "create_accounts": "y", "active": "y",
}


@pytest.fixture
def admin(auth, people):
    auth.login(people["admin"].email)
    return people["admin"]


def _provider(slug: str = "dcst-entra") -> IdentityProvider | None:
    return db.session.scalar(select(IdentityProvider).where(IdentityProvider.slug == slug))


def _trust() -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.slug == "dcst"))


def test_admin_home_links_to_sign_in_providers(client, admin):
    html = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/sign-in-providers">Sign-in providers</a>' in html


def test_the_demo_provider_is_set_up_and_switched_off(client, admin):
    html = client.get("/admin/sign-in-providers").get_data(as_text=True)
    demo = _provider("dcst-microsoft")
    assert (f'<a class="govuk-link" href="/admin/sign-in-providers/{demo.id}">Doncaster '
            f"Children&#39;s Services Trust</a>") in html
    assert "Switched off" in html
    # Switched off: the sign-in page does not offer it.
    client.post("/sign-out", data={"csrf_token": _csrf(client)})
    assert "Sign in with" not in client.get("/sign-in").get_data(as_text=True)


def _csrf(client) -> str:
    from tests.conftest import csrf_from

    return csrf_from(client.get("/account").get_data(as_text=True))


def test_add_then_change_a_provider(client, admin, auth):
    response = auth.post(NEW, ENTRA, form_page=NEW)
    assert response.status_code == 302
    row = _provider()
    assert row.name == "Doncaster Children's Services Trust"
    assert row.domains == "dcst.example\ndcst-schools.example"
    assert row.organisation.slug == "dcst" and row.create_accounts and row.active
    html = client.get("/admin/sign-in-providers").get_data(as_text=True)
    assert "Doncaster Children&#39;s Services Trust has been added." in html
    assert "dcst.example, dcst-schools.example" in html and "In use" in html
    page = client.get(f"/admin/sign-in-providers/{row.id}").get_data(as_text=True)
    assert ("Register this address with the provider as a redirect URI: "
            "<code>http://127.0.0.1:5000/sign-in/provider/dcst-entra/callback</code>") in page
    assert "a-secret-value" not in page
    # A blank secret keeps the one saved.
    changed = ENTRA | {"client_secret": "", "name": "DCST staff"}
    changed.pop("active")
    auth.post(f"/admin/sign-in-providers/{row.id}", changed,
              form_page=f"/admin/sign-in-providers/{row.id}")
    db.session.expire_all()
    assert row.name == "DCST staff" and row.client_secret == "a-secret-value"  # noqa: S105
    assert not row.active
    assert "Switched off" in client.get("/admin/sign-in-providers").get_data(as_text=True)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("issuer", "http://login.example/", "Enter the issuer as an address starting https://"),
    ("domains", "not a domain", "Enter email domains like dcst.example, one a line"),
    ("client_secret", "", "Enter the client secret"),
    ("slug", "Not A Slug", "Use lower-case letters, numbers and single hyphens only"),
    ("organisation", "", "Choose the organisation"),
])
def test_mistakes_are_shown_beside_the_fields(client, admin, auth, field, value, message):
    response = auth.post(NEW, ENTRA | {field: value}, form_page=NEW)
    html = response.get_data(as_text=True)
    assert message in html and f'href="#{field}"' in html
    assert 'value="Doncaster Children&#39;s Services Trust"' in html
    assert "a-secret-value" not in html
    assert _provider() is None


def test_passwords_off_needs_a_provider_first(client, admin, auth):
    org = _trust()
    form = {"name": org.name, "slug": "dcst", "kind": org.kind, "passwords_off": "y"}
    html = auth.post(f"/admin/organisations/{org.id}", form,
                     form_page=f"/admin/organisations/{org.id}").get_data(as_text=True)
    assert ("Set up a sign-in provider for this organisation before switching its passwords "
            "off") in html
    db.session.expire_all()
    assert not _trust().passwords_off
    auth.post(NEW, ENTRA, form_page=NEW)
    response = auth.post(f"/admin/organisations/{org.id}", form,
                         form_page=f"/admin/organisations/{org.id}")
    assert response.status_code == 302
    db.session.expire_all()
    assert _trust().passwords_off
    page = client.get(f"/admin/organisations/{org.id}").get_data(as_text=True)
    assert 'name="passwords_off" type="checkbox" value="y" checked' in page


def test_only_admins_manage_providers(client, auth, people):
    auth.login(people["head_of_service"].email)
    assert client.get("/admin/sign-in-providers").status_code == 403
    assert client.get(NEW).status_code == 403
