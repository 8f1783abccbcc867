"""The admin pages in a real browser: axe-clean, fit 320px, errors link to their fields and
keep what was typed, deactivation asks first."""

from __future__ import annotations

import uuid

from tests.e2e.conftest import demo_email, sign_in
from tests.support.browser import check_page, open_and_check


def test_admin_people_pages(page):
    sign_in(page, "admin")
    open_and_check(page, "/admin/", "admin home")
    page.get_by_role("link", name="People").first.click()
    check_page(page, "people list")
    page.get_by_label("Search by name, email or job title").fill("priya")
    page.get_by_role("button", name="Show people").click()
    assert "1 person" in page.locator("#people-count").inner_text()
    page.get_by_role("link", name="Priya Shah").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Priya Shah"
    assert "Bronze" in page.locator(".govuk-summary-list").inner_text()
    check_page(page, "edit person")
    page.get_by_role("button", name="Deactivate Priya Shah").click()
    assert "Are you sure" in page.get_by_role("heading", level=1).inner_text()
    check_page(page, "deactivation confirmation")
    page.get_by_role("link", name="No, go back").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Priya Shah"


def test_add_person_errors_link_to_fields_and_keep_answers(page):
    sign_in(page, "admin")
    open_and_check(page, "/admin/people/new", "add a person")
    page.get_by_label("Email address").fill("not an email")
    page.get_by_label("Full name").fill("Amira Typed")
    page.get_by_label("Head of Service").check()
    page.get_by_label("Initial password").fill("short")
    page.get_by_role("button", name="Add person").click()
    summary = page.get_by_role("alert")
    assert "There is a problem" in summary.inner_text()
    check_page(page, "add a person with errors")
    assert page.get_by_label("Full name").input_value() == "Amira Typed"
    assert page.get_by_label("Head of Service").is_checked()
    summary.get_by_role("link", name="Password must be 12 characters or more").click()
    assert page.evaluate("document.activeElement.id") == "password"

    email = f"amira.{uuid.uuid4().hex[:6]}@example.org"
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Initial password").fill("a long enough password")
    page.get_by_role("button", name="Add person").click()
    assert "Amira Typed has been added. Their tier is Silver." in page.locator(
        ".govuk-notification-banner").inner_text()
    check_page(page, "person added")


def test_organisation_and_area_pages(page):
    sign_in(page, "admin")
    for path, what in [("/admin/organisations", "organisations"),
                       ("/admin/organisations/new", "add an organisation"),
                       ("/admin/areas", "local areas"),
                       ("/admin/areas/new", "add a local area")]:
        open_and_check(page, path, what)
    page.goto("/admin/areas")
    page.get_by_role("link", name="Denaby").click()
    check_page(page, "edit Denaby")
    assert page.get_by_role("group", name="Local area sponsors").locator(
        "input:checked").count() >= 1


def test_non_admins_get_the_access_page(page):
    sign_in(page, demo_email("practitioner"))
    response = page.goto("/admin/people")
    assert response.status == 403
    assert "You do not have access" in page.get_by_role("heading", level=1).inner_text()
