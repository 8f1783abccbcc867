"""Forum pages in a real browser: a secretary schedules a meeting by the fields' labels, and
every page on the way is axe-clean (WCAG 2.2 A/AA) and fits 320px."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.e2e.conftest import sign_in
from tests.support.browser import check_page


def test_a_secretary_schedules_and_runs_a_meeting_on_accessible_pages(page):
    sign_in(page, "secretary")
    page.get_by_role("link", name="Forums").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Forums"
    check_page(page, "forums list")

    page.get_by_role("link", name="Central Governance Forum").first.click()
    check_page(page, "central forum page")

    past = page.get_by_role("link", name=re.compile(r"\d{1,2} \w+ 20\d\d")).last
    past.click()
    page.get_by_role("heading", name="Minutes approved").wait_for()
    check_page(page, "approved meeting")
    page.go_back()

    page.get_by_role("link", name="Schedule a meeting").click()
    page.get_by_role("button", name="Save meeting").click()
    assert "There is a problem" in page.get_by_role("alert").inner_text()
    check_page(page, "schedule form with errors")

    today = datetime.now(ZoneInfo("Europe/London")).date()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Start time").fill("11:59pm")
    # People are listed with what they do and where ("Katherine Ward · Chair, … · …").
    chair = page.get_by_label("Chair")
    katherine = chair.locator("option", has_text="Katherine Ward ·").get_attribute("value")
    chair.select_option(value=katherine)
    page.get_by_role("button", name="Save meeting").click()
    page.get_by_text("Meeting scheduled").wait_for()
    check_page(page, "new meeting")

    page.get_by_role("link", name="Change the agenda").click()
    page.get_by_label("Topic").fill("Any other business")
    page.get_by_role("button", name="Add topic").click()
    page.get_by_text("Topic added to the agenda").wait_for()
    check_page(page, "agenda")

    page.get_by_role("link", name="Back to the meeting").click()
    page.get_by_role("link", name=re.compile("Record attendance")).click()
    page.get_by_role("group", name="Present").get_by_label("Katherine Ward").check()
    page.get_by_role("button", name="Save attendance").click()
    page.get_by_text("Attendance saved").wait_for()
    check_page(page, "attendance")

    page.goto("/forums/decision-log")
    check_page(page, "decision log form")
