"""Two-step sign-in in a real browser: an administrator, who must have it, is taken to set it
up on first sign-in, types the key into "their app" (pyotp here), keeps the recovery codes,
signs out, and signs in again with a code after the password — a wrong code first."""

from __future__ import annotations

import os
import re
from email.utils import parsedate_to_datetime

import pyotp
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, demo_email
from tests.support.browser import check_page
from tests.support.served import serve_fresh


@pytest.fixture(scope="module")
def served():
    """govflow as deployed: administrators and executives must use two-step sign-in."""
    database, server = serve_fresh(os.environ.get("GOVFLOW_TEST_DATABASE_URL"), workers=1,
                                   threads=2,
                                   env={"GOVFLOW_MFA_REQUIRED_ROLES": "admin,executive"})
    try:
        yield server
    finally:
        server.stop()
        database.drop()


def _password(page, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()



def _server_time(page) -> float:
    """The served app's time, from its Date header: an authenticator shows the code for the
    server's moment. The server travelled to the suite's moment when it started, so its clock
    runs behind this process's by however long the suite had run by then."""
    answer = page.request.get("/healthz")
    return parsedate_to_datetime(answer.headers["date"]).timestamp()

def test_an_administrator_sets_up_two_step_sign_in_and_signs_in_with_a_code(page):
    email = demo_email("admin")
    _password(page, email)
    # Taken to set it up before anything else, whatever they ask for.
    page.goto("/items")
    assert page.url.endswith("/account/two-factor")
    assert page.get_by_role("heading", name="Set up two-step sign-in").is_visible()
    assert "Your role needs two-step sign-in. Set it up to carry on." in page.content()
    qr = page.get_by_role("img", name="QR code for adding govflow to an authenticator app")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    check_page(page, "set up two-step sign-in")

    secret = page.locator("#secret-key").inner_text().replace(" ", "")
    app = pyotp.TOTP(secret)
    page.get_by_label("Code from the app").fill(app.at(_server_time(page)))
    with page.expect_navigation():
        page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.get_by_text("Two-step sign-in is on")).to_be_visible()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    check_page(page, "recovery codes")
    with page.expect_navigation():
        page.get_by_role("button", name="I have kept my codes").click()
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.locator("#two-step + p")).to_contain_text(
        "On: after your password, govflow asks for a code from your authenticator app.")
    expect(page.get_by_role("link", name="Manage two-step sign-in")).to_be_visible()

    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    _password(page, email)
    assert page.url.endswith("/sign-in/code")
    assert page.get_by_role("heading", name="Enter the code from your app").is_visible()
    check_page(page, "enter the code")
    page.get_by_label("Code").fill("000000")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the code your authenticator app shows now")
    check_page(page, "a wrong code")
    page.get_by_label("Code").fill(app.at(_server_time(page) + 30))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert not page.url.endswith("/sign-in/code")
    assert "Signed in as" in page.content()
    page.goto("/items")
    assert page.url.endswith("/items")
