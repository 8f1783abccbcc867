"""The search box and the API reference page in a real browser: found by label and role,
axe-clean, fitting 320px, and no Content-Security-Policy complaint (the page fixture fails
on any)."""

from __future__ import annotations

from tests.e2e.conftest import sign_in
from tests.support.browser import check_page


def test_the_header_search_finds_a_blocker_and_marks_the_words(page):
    sign_in(page, "practitioner")
    page.goto("/")
    box = page.get_by_role("searchbox",
                           name="Search blockers, ideas, decisions, meetings, actions and agreements")
    box.fill("room")
    with page.expect_navigation():
        box.press("Enter")
    assert "/search?q=room" in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Search"
    assert page.locator("#search-count").inner_text().endswith("for “room”")
    groups = page.locator("section.gf-search-group h2")
    assert groups.count() >= 1
    marks = page.locator("mark.gf-search-mark")
    assert marks.count() >= 1
    assert all(m.lower().startswith("room") for m in marks.all_inner_texts())
    check_page(page, "search results")

    page.get_by_label("Kind").select_option(label="Blockers")
    with page.expect_navigation():
        page.get_by_role("button", name="Search", exact=True).last.click()
    assert "kind=blocker" in page.url
    assert page.locator("section.gf-search-group h2").first.inner_text().startswith("Blockers")
    first = page.locator(".gf-search-result__title a").first
    with page.expect_navigation():
        first.click()
    assert "/items/" in page.url


def test_the_api_reference_is_rendered_from_the_openapi_file(page):
    sign_in(page, "practitioner")
    page.goto("/account")
    with page.expect_navigation():
        page.get_by_role("link", name="API reference").click()
    assert page.url.endswith("/api-reference")
    # Swagger UI has drawn the operations from /api/v1/openapi.json.
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() > 5
    assert "/items/{item_id}/transitions" in page.locator("#api-reference").inner_text()
    check_page(page, "API reference")
