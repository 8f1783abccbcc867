"""The page shell in a real browser: sign in by label or keyboard, axe-clean, fits 320px,
GOV.UK Frontend's inline script allowed by the CSP nonce."""

from __future__ import annotations

from tests.e2e.conftest import sign_in
from tests.support.browser import check_page


def test_sign_in_page_is_accessible_and_fits_a_phone(page):
    page.goto("/sign-in")
    check_page(page, "sign-in page")
    # The error summary after an empty submit is a page a person meets too.
    page.get_by_role("button", name="Sign in").click()
    summary = page.get_by_role("alert")
    assert "There is a problem" in summary.inner_text()
    check_page(page, "sign-in page with errors")


def test_govuk_frontend_runs_under_the_csp(page):
    """The nonce on the inline `js-enabled` script and the module script lets them run;
    a CSP violation would leave the body without js-enabled."""
    violations = []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    page.goto("/sign-in")
    classes = page.evaluate("document.body.className")
    assert "js-enabled" in classes and "govuk-frontend-supported" in classes
    assert violations == []


def test_home_after_sign_in_by_keyboard_alone(page):
    sign_in(page, "practitioner", keyboard=True)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hello")
    check_page(page, "home page")


def test_accessibility_statement_is_published(page):
    page.goto("/accessibility")
    assert "Accessibility statement" in page.get_by_role("heading", level=1).inner_text()
    check_page(page, "accessibility statement")
