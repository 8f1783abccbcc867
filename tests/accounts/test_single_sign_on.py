"""Single sign-on through a real OpenID provider (oidc-provider in Node, started here): the
whole sign-in, first sign-ins, passwords switched off, signing out, and every failure mode
with its own page and nothing changed."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import func, select

from govflow.accounts import services
from govflow.accounts.models import Organisation, User
from govflow.accounts.sso_models import IdentityProvider, UsedNonce
from govflow.extensions import db
from tests.support.oidc import (
    UNVERIFIED,
    sign_in_at_provider,
    start_provider,
)
from tests.support.served import free_port

BASE = "http://localhost"
HELEN = "helen.ackroyd@dcst.example"  # Head of Service at DCST (demo)
TRUST = "Doncaster Children's Services Trust"
NOT_SIGNED_IN = "You have not been signed in. Start again from the sign-in page."


@pytest.fixture(scope="module")
def provider():
    started = start_provider([f"{BASE}/sign-in/provider/test/callback",
                              f"{BASE}/sign-in/provider/db-trust/callback"],
                             [f"{BASE}/sign-in"])
    yield started
    started.stop()


@pytest.fixture
def sso(app, provider, monkeypatch):
    """govflow with the test provider named in its environment."""
    monkeypatch.setitem(app.config, "OIDC_PROVIDERS", [provider.settings()])
    monkeypatch.setitem(app.config, "BASE_URL", BASE)
    monkeypatch.setitem(app.config, "OIDC_TIMEOUT_SECONDS", 2)
    provider.set_mode("normal")
    yield provider
    provider.set_mode("normal")


def sign_in_through(client, provider, login: str, slug: str = "test"):
    """Start at govflow, sign in at the provider, come back: govflow's answer."""
    started = client.get(f"/sign-in/provider/{slug}")
    assert started.status_code == 302, started.get_data(as_text=True)
    back = sign_in_at_provider(started.headers["Location"], login, provider.issuer)
    assert back.startswith(f"{BASE}/sign-in/provider/{slug}/callback?")
    return client.get(back)


def page(response) -> str:
    return response.get_data(as_text=True)


def signed_in_as(client) -> str | None:
    home = client.get("/")
    return None if home.status_code == 302 else page(home)


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_the_sign_in_page_offers_each_provider(client, sso):
    html = page(client.get("/sign-in"))
    assert "With your organisation's account" in html
    assert ('href="/sign-in/provider/test" role="button" draggable="false" '
            'class="govuk-button govuk-button--secondary" data-module="govuk-button">'
            "Sign in with Doncaster Children&#39;s Services Trust</a>") in html
    assert "With a govflow password" in html


def test_no_provider_no_offer(client):
    assert "Sign in with" not in page(client.get("/sign-in"))


def test_the_authorization_request_uses_pkce_state_and_nonce(client, sso):
    started = client.get("/sign-in/provider/test")
    url = urlsplit(started.headers["Location"])
    query = parse_qs(url.query)
    assert f"{url.scheme}://{url.netloc}" == sso.issuer
    assert query["response_type"] == ["code"]
    assert query["client_id"] == ["govflow-test"]
    assert query["redirect_uri"] == [f"{BASE}/sign-in/provider/test/callback"]
    assert query["scope"] == ["openid email profile"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32


def test_a_person_signs_in_through_their_provider(client, sso, people):
    response = sign_in_through(client, sso, HELEN)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Signed in as <strong>Helen Ackroyd</strong>" in signed_in_as(client)
    assert people[HELEN].last_sign_in_at is not None
    assert db.session.scalar(select(func.count()).select_from(UsedNonce)) == 1


def test_the_page_asked_for_before_signing_in_follows(client, sso):
    started = client.get("/sign-in/provider/test?next=/decisions")
    back = sign_in_at_provider(started.headers["Location"], HELEN, sso.issuer)
    assert client.get(back).headers["Location"] == "/decisions"


def test_an_off_site_next_is_dropped(client, sso):
    started = client.get("/sign-in/provider/test?next=//evil.example/")
    back = sign_in_at_provider(started.headers["Location"], HELEN, sso.issuer)
    assert client.get(back).headers["Location"] == "/"


def test_a_replayed_state_is_refused(client, sso):
    started = client.get("/sign-in/provider/test")
    back = sign_in_at_provider(started.headers["Location"], HELEN, sso.issuer)
    assert client.get(back).status_code == 302
    client.post("/sign-out", data={"csrf_token": _csrf(client)})
    again = client.get(back)
    assert again.status_code == 400
    assert "This sign-in has already been used or has expired" in page(again)
    assert NOT_SIGNED_IN in page(again)
    assert signed_in_as(client) is None


def test_an_answer_for_another_browser_is_refused(app, client, sso):
    started = client.get("/sign-in/provider/test")
    back = sign_in_at_provider(started.headers["Location"], HELEN, sso.issuer)
    other = app.test_client()
    response = other.get(back)
    assert response.status_code == 400
    assert "This sign-in has already been used or has expired" in page(response)


def _csrf(client) -> str:
    from tests.conftest import csrf_from

    return csrf_from(page(client.get("/account")))


TOKEN_FAILURES = [
    ("wrong-audience", "The sign-in token from Doncaster Children&#39;s Services Trust was "
                       "meant for another service."),
    ("expired", "The sign-in token from Doncaster Children&#39;s Services Trust had expired."),
    ("forged", "The sign-in token was not signed by Doncaster Children&#39;s Services Trust."),
    ("replayed-nonce", "The sign-in token from Doncaster Children&#39;s Services Trust "
                       "belonged to another sign-in."),
]


@pytest.mark.parametrize(("mode", "sentence"), TOKEN_FAILURES, ids=[m for m, _ in TOKEN_FAILURES])
def test_an_id_token_that_fails_a_check_is_refused(client, sso, mode, sentence):
    before = user_count()
    sso.set_mode(mode)
    response = sign_in_through(client, sso, HELEN)
    html = page(response)
    assert response.status_code == 400
    assert "<h1 class=\"govuk-heading-l gf-break-words\">govflow could not trust the answer from " \
           "Doncaster Children&#39;s Services Trust</h1>" in html
    assert sentence in html
    assert NOT_SIGNED_IN in html
    assert '<a class="govuk-link" href="/sign-in">Go to the sign-in page</a>' in html
    assert signed_in_as(client) is None
    assert user_count() == before
    assert db.session.scalar(select(func.count()).select_from(UsedNonce)) == 0


def test_a_forged_token_for_a_new_person_creates_nobody(app, client, sso, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_PROVIDERS", [sso.settings(create_accounts=True)])
    sso.set_mode("forged")
    response = sign_in_through(client, sso, "new.starter@dcst.example")
    assert response.status_code == 400
    assert services.find_user("new.starter@dcst.example") is None


def test_a_slow_provider_is_a_clear_page_within_the_timeout(client, sso):
    sso.set_mode("slow")
    response = client.get("/sign-in/provider/test")
    html = page(response)
    assert response.status_code == 504
    assert "Doncaster Children&#39;s Services Trust did not answer in time" in html
    assert "govflow waited 2 seconds for Doncaster Children&#39;s Services Trust and stopped " \
           "waiting." in html


def test_a_provider_slow_to_exchange_the_code_is_a_clear_page(client, sso):
    before = user_count()
    sso.set_mode("slow-token")
    response = sign_in_through(client, sso, HELEN)
    assert response.status_code == 504
    assert "did not answer in time" in page(response)
    assert signed_in_as(client) is None
    assert user_count() == before


def test_a_provider_that_is_down_is_a_clear_page(app, client, sso, monkeypatch):
    down = sso.settings(issuer=f"http://127.0.0.1:{free_port()}")
    monkeypatch.setitem(app.config, "OIDC_PROVIDERS", [down])
    response = client.get("/sign-in/provider/test")
    html = page(response)
    assert response.status_code == 502
    assert "govflow could not reach Doncaster Children&#39;s Services Trust" in html
    assert "Try again in a few minutes." in html


def test_an_email_the_provider_has_not_verified_is_refused(client, sso):
    response = sign_in_through(client, sso, UNVERIFIED)
    html = page(response)
    assert response.status_code == 403
    assert "Doncaster Children&#39;s Services Trust has not verified your email address" in html
    assert f"Ask your organisation&#39;s IT service desk to verify {UNVERIFIED}." in html
    assert signed_in_as(client) is None


def test_a_domain_the_provider_may_not_vouch_for_is_refused(client, sso, people):
    # Rachel works for the council: the trust's provider may not sign her in.
    response = sign_in_through(client, sso, "rachel.dunn@dmbc.example")
    html = page(response)
    assert response.status_code == 403
    assert ("govflow does not accept dmbc.example accounts through Doncaster Children&#39;s "
            "Services Trust") in html
    assert "You signed in to Doncaster Children&#39;s Services Trust as rachel.dunn@dmbc.example." \
        in html
    assert signed_in_as(client) is None


def test_a_deactivated_person_cannot_sign_in_through_the_provider(client, sso, people):
    services.deactivate(people[HELEN])
    response = sign_in_through(client, sso, HELEN)
    html = page(response)
    assert response.status_code == 403
    assert "Your govflow account has been deactivated" in html
    assert signed_in_as(client) is None


def test_someone_without_an_account_is_told_so(client, sso):
    before = user_count()
    response = sign_in_through(client, sso, "new.starter@dcst.example")
    assert response.status_code == 403
    assert "There is no govflow account for new.starter@dcst.example" in page(response)
    assert user_count() == before


def test_a_first_sign_in_creates_a_practitioner_of_the_organisation(app, client, sso,
                                                                    monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_PROVIDERS", [sso.settings(create_accounts=True)])
    response = sign_in_through(client, sso, "New.Starter@dcst.example")
    assert response.status_code == 302
    person = services.find_user("new.starter@dcst.example")
    assert person.display_name == "New Starter"
    assert person.organisation.slug == "dcst"
    assert person.roles == {"practitioner"}
    assert person.password_hash == ""
    assert "Signed in as <strong>New Starter</strong>" in signed_in_as(client)


def test_the_provider_saying_no_is_a_clear_page(client, sso):
    started = client.get("/sign-in/provider/test")
    state = parse_qs(urlsplit(started.headers["Location"]).query)["state"][0]
    response = client.get(f"/sign-in/provider/test/callback?error=access_denied&state={state}")
    assert response.status_code == 400
    assert "Doncaster Children&#39;s Services Trust did not sign you in" in page(response)


def test_an_unknown_provider_is_not_found(client, sso):
    assert client.get("/sign-in/provider/nobody").status_code == 404
    assert client.get("/sign-in/provider/nobody/callback?state=x&code=y").status_code == 404


def test_signing_out_offers_the_providers_sign_out(client, sso):
    sign_in_through(client, sso, HELEN)
    response = client.post("/sign-out", data={"csrf_token": _csrf(client)})
    assert response.headers["Location"] == "/signed-out"
    html = page(client.get("/signed-out"))
    assert "<h1 class=\"govuk-heading-l\">You have signed out of govflow</h1>" in html
    assert "You signed in through Doncaster Children&#39;s Services Trust." in html
    link = (f"{sso.issuer}/session/end?client_id=govflow-test&amp;post_logout_redirect_uri="
            f"http%3A%2F%2Flocalhost%2Fsign-in")
    assert f'<a href="{link}" role="button"' in html
    assert "Sign out of Doncaster Children&#39;s Services Trust too</a>" in html
    assert signed_in_as(client) is None
    # The provider accepts that link (its sign-out page in a browser: tests/e2e).
    at_provider = requests.get(link.replace("&amp;", "&"), timeout=5)
    assert at_provider.status_code == 200
    assert "The test provider refused" not in at_provider.text
    # Shown once: the offer is not made again.
    assert client.get("/signed-out").headers["Location"] == "/sign-in"


def test_a_password_sign_in_after_a_provider_sign_in_offers_nothing(auth, client, sso):
    sign_in_through(client, sso, HELEN)
    client.post("/sign-out", data={"csrf_token": _csrf(client)})
    auth.login(HELEN)
    assert auth.logout().headers["Location"] == "/sign-in"


def _trust() -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.slug == "dcst"))


def test_passwords_switched_off_for_an_organisation(auth, client, sso):
    _trust().passwords_off = True
    db.session.flush()
    response = auth.login(HELEN)
    assert response.status_code == 200
    assert ("Your organisation signs in to govflow through Doncaster Children&#39;s Services "
            "Trust. Use the &#39;Sign in with Doncaster Children&#39;s Services Trust&#39; "
            "button.") in page(response)
    assert signed_in_as(client) is None
    assert sign_in_through(client, sso, HELEN).status_code == 302


def test_passwords_stay_on_while_no_provider_is_set_up(auth, client):
    _trust().passwords_off = True
    db.session.flush()
    assert auth.login(HELEN).status_code == 302


def test_a_provider_an_admin_set_up(app, client, sso, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_PROVIDERS", [])
    db.session.add(IdentityProvider(slug="db-trust", name=TRUST, issuer=sso.issuer,
                                    client_id="govflow-test",
                                    client_secret="govflow-test-client-secret",  # noqa: S106
                                    domains="dcst.example", organisation=_trust()))
    db.session.flush()
    assert 'href="/sign-in/provider/db-trust"' in page(client.get("/sign-in"))
    assert sign_in_through(client, sso, HELEN, slug="db-trust").status_code == 302
    assert "Signed in as <strong>Helen Ackroyd</strong>" in signed_in_as(client)


def test_the_providers_second_factor_stands_for_govflows(app, client, sso, people,
                                                          monkeypatch):
    # Administrators must use a second factor with a password; through their organisation's
    # provider, the provider asks for its own, and govflow does not ask again.
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", ("admin", "executive"))
    admin = people["admin"]
    assert admin.email.endswith("@dcst.example")
    assert sign_in_through(client, sso, admin.email).status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert f"Signed in as <strong>{admin.display_name}</strong>" in page(home)


def test_the_sweep_forgets_nonces_a_day_old(client, sso):
    from datetime import timedelta

    from govflow import sweep
    from govflow.clock import utcnow

    sign_in_through(client, sso, HELEN)
    assert db.session.scalar(select(func.count()).select_from(UsedNonce)) == 1
    sweep.run(now=utcnow() + timedelta(hours=23))
    assert db.session.scalar(select(func.count()).select_from(UsedNonce)) == 1
    ctx = sweep.run(now=utcnow() + timedelta(days=1, minutes=1))
    assert db.session.scalar(select(func.count()).select_from(UsedNonce)) == 0
    assert ctx.counts["sign-in nonces forgotten"] == 1


def test_providers_are_read_from_the_environment():
    from govflow.config import ConfigError, oidc_providers

    env = {"GOVFLOW_OIDC_PROVIDERS": "dcst-entra, schools-google",
           "GOVFLOW_OIDC_DCST_ENTRA_NAME": TRUST,
           "GOVFLOW_OIDC_DCST_ENTRA_ISSUER": "https://login.microsoftonline.com/t/v2.0",
           "GOVFLOW_OIDC_DCST_ENTRA_CLIENT_ID": "id", "GOVFLOW_OIDC_DCST_ENTRA_CLIENT_SECRET": "s",
           "GOVFLOW_OIDC_DCST_ENTRA_DOMAINS": "dcst.example, DCST-Schools.example",
           "GOVFLOW_OIDC_DCST_ENTRA_ORGANISATION": "dcst",
           "GOVFLOW_OIDC_DCST_ENTRA_CREATE_ACCOUNTS": "true",
           "GOVFLOW_OIDC_SCHOOLS_GOOGLE_ISSUER": "https://accounts.google.com"}
    with pytest.raises(ConfigError) as err:
        oidc_providers(env)
    assert str(err.value) == (
        "The OpenID provider 'schools-google' needs GOVFLOW_OIDC_SCHOOLS_GOOGLE_CLIENT_ID, "
        "GOVFLOW_OIDC_SCHOOLS_GOOGLE_CLIENT_SECRET, GOVFLOW_OIDC_SCHOOLS_GOOGLE_DOMAINS, "
        "GOVFLOW_OIDC_SCHOOLS_GOOGLE_ORGANISATION")
    env["GOVFLOW_OIDC_PROVIDERS"] = "dcst-entra"
    [entra] = oidc_providers(env)
    assert entra["slug"] == "dcst-entra" and entra["name"] == TRUST
    assert entra["domains"] == ["dcst.example", "dcst-schools.example"]
    assert entra["create_accounts"] is True
    with pytest.raises(ConfigError, match="must be an https:// address"):
        oidc_providers(env | {"GOVFLOW_OIDC_DCST_ENTRA_ISSUER": "http://login.example"})
    with pytest.raises(ConfigError, match="is not a short name"):
        oidc_providers(env | {"GOVFLOW_OIDC_PROVIDERS": "DCST_Entra!"})
