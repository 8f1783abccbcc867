"""Single sign-on in a real browser against a real OpenID provider (oidc-provider in Node):
the whole sign-in and sign-out, a first sign-in, and each failure mode as the person meets
it, every govflow page on the way axe-clean and fitting 320px."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from tests.support.browser import check_page
from tests.support.oidc import UNVERIFIED, start_provider
from tests.support.served import free_port, serve_fresh

TRUST = "Doncaster Children's Services Trust"
HELEN = "helen.ackroyd@dcst.example"


@pytest.fixture(scope="module")
def sso_served():
    """govflow under gunicorn with the test provider in its environment, and the provider."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    provider = start_provider([f"{base}/sign-in/provider/test/callback"], [f"{base}/sign-in"])
    env = provider.environment(create_accounts=True) | {"GOVFLOW_OIDC_TIMEOUT_SECONDS": "2"}
    try:
        database, server = serve_fresh(os.environ.get("GOVFLOW_TEST_DATABASE_URL"),
                                       port=port, env=env)
    except BaseException:
        provider.stop()
        raise
    try:
        yield server, provider, database
    finally:
        server.stop()
        database.drop()
        provider.stop()


@pytest.fixture
def sso_page(browser, sso_served):
    server, provider, _database = sso_served
    provider.set_mode("normal")
    context = browser.new_context(base_url=server.base_url,
                                  viewport={"width": 1024, "height": 768})
    context.set_default_timeout(15_000)
    # Nothing leaves the machine (the provider's own pages ask for a web font).
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
    pg = context.new_page()
    yield pg
    context.close()
    provider.set_mode("normal")


def start_at_govflow(page) -> None:
    page.goto("/sign-in")
    page.get_by_role("button", name=f"Sign in with {TRUST}").click()
    page.wait_for_selector("input[name=login]")


def sign_in_at_provider(page, email: str) -> None:
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill("any password")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign-in").click()


def test_sign_in_and_out_through_the_provider(sso_page, sso_served):
    page = sso_page
    page.goto("/sign-in")
    expect(page.get_by_role("heading", name="With your organisation's account")).to_be_visible()
    check_page(page, "sign-in page with a provider")
    page.goto("/decisions")  # sent to sign in, then back here afterwards
    page.get_by_role("button", name=f"Sign in with {TRUST}").click()
    sign_in_at_provider(page, HELEN)
    page.wait_for_url(re.compile(r"/decisions$"))
    assert "Signed in as Helen Ackroyd" in page.inner_text("body")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/signed-out$"))
    expect(page.get_by_role("heading", name="You have signed out of govflow")).to_be_visible()
    assert f"You signed in through {TRUST}." in page.inner_text("main")
    check_page(page, "signed-out page")
    page.get_by_role("button", name=f"Sign out of {TRUST} too").click()
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(re.compile(r"/sign-in$"))
    expect(page.get_by_role("heading", name="Sign in to govflow")).to_be_visible()
    # Signed out at the provider too: it asks for the login again.
    start_at_govflow(page)


def test_a_first_sign_in_makes_a_practitioner(sso_page):
    page = sso_page
    start_at_govflow(page)
    sign_in_at_provider(page, "josie.new@dcst.example")
    page.wait_for_url(re.compile(r"/$"))
    assert "Signed in as Josie New" in page.inner_text("body")


FAILURES = [
    ("wrong-audience", HELEN, "govflow could not trust the answer from " + TRUST,
     f"The sign-in token from {TRUST} was meant for another service."),
    ("expired", HELEN, "govflow could not trust the answer from " + TRUST,
     f"The sign-in token from {TRUST} had expired."),
    ("forged", HELEN, "govflow could not trust the answer from " + TRUST,
     f"The sign-in token was not signed by {TRUST}."),
    ("replayed-nonce", HELEN, "govflow could not trust the answer from " + TRUST,
     f"The sign-in token from {TRUST} belonged to another sign-in."),
    ("slow-token", HELEN, f"{TRUST} did not answer in time",
     f"govflow waited 2 seconds for {TRUST} and stopped waiting."),
    ("normal", UNVERIFIED, f"{TRUST} has not verified your email address",
     f"Ask your organisation's IT service desk to verify {UNVERIFIED}."),
    ("normal", "rachel.dunn@dmbc.example",
     f"govflow does not accept dmbc.example accounts through {TRUST}",
     f"You signed in to {TRUST} as rachel.dunn@dmbc.example."),
]


@pytest.mark.parametrize(("mode", "email", "heading", "sentence"), FAILURES,
                         ids=["wrong-audience", "expired", "forged", "replayed-nonce",
                              "slow", "unverified", "domain"])
def test_each_failure_has_a_clear_page(sso_page, sso_served, mode, email, heading, sentence):
    page = sso_page
    _server, provider, _database = sso_served
    start_at_govflow(page)
    provider.set_mode(mode)
    sign_in_at_provider(page, email)
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert sentence in page.inner_text("main")
    check_page(page, f"refusal ({mode})")
    page.get_by_role("link", name="Go to the sign-in page").click()
    expect(page.get_by_role("heading", name="Sign in to govflow")).to_be_visible()
    assert "Signed in as" not in page.inner_text("body")


def test_a_replayed_answer_is_refused(sso_page):
    page = sso_page
    answers = []
    page.on("request", lambda r: answers.append(r.url) if "/callback?" in r.url else None)
    start_at_govflow(page)
    sign_in_at_provider(page, HELEN)
    assert "Signed in as Helen Ackroyd" in page.inner_text("body")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/signed-out$"))
    # The address the provider sent the browser back to, opened again.
    assert len(answers) == 1
    page.goto(answers[0])
    assert page.get_by_role("heading", level=1).inner_text() == \
        "This sign-in has already been used or has expired"
    assert "You have not been signed in." in page.inner_text("main")
    page.goto("/")
    assert "/sign-in" in page.url


def test_a_provider_that_is_down_or_slow(sso_page, sso_served):
    page = sso_page
    _server, provider, _database = sso_served
    provider.set_mode("slow")
    page.goto("/sign-in")
    page.get_by_role("button", name=f"Sign in with {TRUST}").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"{TRUST} did not answer in time"
    assert "Try again in a few minutes." in page.inner_text("main")
    check_page(page, "provider too slow")


def test_a_deactivated_person_is_turned_away(sso_page, sso_served):
    page = sso_page
    _server, _provider, database = sso_served
    engine = database.engine()
    with engine.begin() as conn:
        conn.execute(text("UPDATE users SET active = :off WHERE email = :email"),
                     {"off": False, "email": "priya.shah@dcst.example"})
    engine.dispose()
    start_at_govflow(page)
    sign_in_at_provider(page, "priya.shah@dcst.example")
    assert page.get_by_role("heading", level=1).inner_text() == \
        "Your govflow account has been deactivated"
    check_page(page, "deactivated person")
    page.goto("/")
    assert "/sign-in" in page.url
