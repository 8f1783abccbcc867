"""The dashboard and the similar-blocker suggestions in a real browser: axe-clean, fits
320px, charts are images with names, suggestions appear as a title is typed."""

from __future__ import annotations

from tests.e2e.conftest import sign_in
from tests.support.browser import check_page


def test_dashboard_is_accessible_fits_a_phone_and_names_its_charts(page):
    sign_in(page, "practitioner")
    page.goto("/dashboard")
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"
    charts = page.get_by_role("img", name="Blockers unblocked at each tier, by month")
    assert charts.count() == 1
    assert "total" in charts.locator("desc").text_content()  # the numbers in words
    check_page(page, "dashboard")
    page.get_by_label("Area", exact=True).select_option(label="Denaby")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    assert "area=denaby" in page.url
    first_link = page.locator("#table-open-by-tier a").first
    with page.expect_navigation():
        first_link.click()
    assert "/dashboard/items" in page.url
    check_page(page, "the list behind a figure")


def test_similar_blockers_are_suggested_while_typing_a_title(page):
    sign_in(page, "practitioner")
    page.goto("/blockers/new")
    page.get_by_label("Title", exact=False).first.type("data sharing consent school", delay=20)
    suggestion = page.locator(".gf-similar__list a").first
    suggestion.wait_for()
    assert "consent" in suggestion.inner_text().lower()
    check_page(page, "raise a blocker with suggestions")
    with page.expect_navigation():
        suggestion.click()
    assert page.url.endswith("/we-have-this-too")
    check_page(page, "we have this too")
