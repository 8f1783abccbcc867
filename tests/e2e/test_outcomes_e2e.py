"""Outcomes in a real browser: the indicator pages are axe-clean and fit 320px, a facilitator
imports a CSV with a bad line and sees it by its line number, records what families told us,
and an administrator switches on the public page that a signed-out visitor then reads."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from govflow import workdays
from govflow.clock import utcnow
from tests.e2e.conftest import sign_in
from tests.support.browser import check_page


def _sign_out(page):
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()


def test_facilitator_figures_families_and_the_public_page(page, tmp_path: Path):
    sign_in(page, "rachel.dunn@dmbc.example")  # facilitator, Denaby
    page.goto("/outcomes")
    assert page.get_by_role("heading", level=1).inner_text() == "Outcome indicators"
    chart = page.get_by_role("img", name="Contacts to the Front Door: figures against the target")
    assert chart.count() == 1
    assert "Target" in chart.locator("desc").text_content()
    check_page(page, "outcome indicators")

    page.get_by_role("link", name="Import figures from a CSV file").click()
    bad = tmp_path / "figures.csv"
    bad.write_text("indicator,area,quarter,value\nfront-door-contacts,denaby,2026-Q3,nine\n")
    page.get_by_label("CSV file").set_input_files(str(bad))
    with page.expect_navigation():
        page.get_by_role("button", name="Import the figures").click()
    assert "Nothing was imported: 1 row needs correcting." in page.content()
    row = page.locator("#table-row-errors tbody tr").first
    assert row.inner_text().split()[0] == "2"
    assert "The figure must be a number" in row.inner_text()
    check_page(page, "import with a bad line")

    page.goto("/outcomes/families/new")
    page.get_by_label("Area", exact=True).select_option(label="Denaby")
    heard_on = workdays.london_date(utcnow()) - timedelta(days=7)
    page.get_by_label("Day", exact=True).fill(str(heard_on.day))
    page.get_by_label("Month", exact=True).fill(str(heard_on.month))
    page.get_by_label("Year", exact=True).fill(str(heard_on.year))
    page.get_by_label("Session", exact=True).fill("Market-day stall")
    page.get_by_label("How many families were heard?").fill("6")
    page.get_by_label("Themes", exact=True).fill("Opening hours that do not suit working parents.")
    page.get_by_label("Quotes", exact=True).fill("We'd come on a Saturday.")
    check_page(page, "record what families told us")
    with page.expect_navigation():
        page.get_by_role("button", name="Save what families told us").click()
    assert f"Saved: 6 families heard in Denaby on {workdays.format_date(heard_on)}." in \
        page.content()
    check_page(page, "what families told us")
    _sign_out(page)

    sign_in(page, "admin")
    page.goto("/admin/public-page")
    page.get_by_label("Yes, anyone can read it without signing in").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    _sign_out(page)
    page.goto("/public")
    assert page.get_by_role("heading", level=1).inner_text() == "Our progress"
    check_page(page, "the public page")
