"""A central forum meeting held in a real browser: scheduled and closed by the secretary,
its minutes approved by the chair and downloaded as a PDF that reads back with the meeting in
it; every page axe-clean and fitting 320px; keyboard-only too."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from tests.e2e.conftest import as_person
from tests.security.test_security_headers import REQUIRED_CSP

CHAIR = "katherine.ward@dcst.example"


def test_a_central_forum_meeting_is_held_and_its_minutes_downloaded(page, keyboard, check):
    summary = f"Met to review Gold blockers; two referred back with permission ({keyboard=})."
    secretary = as_person(page, "secretary", keyboard)
    secretary.follow("Forums", exact=True)
    secretary.follow("Central Governance Forum")
    secretary.follow("Schedule a meeting")
    today = datetime.now(ZoneInfo("Europe/London")).date()
    secretary.fill("Day", str(today.day))
    secretary.fill("Month", str(today.month))
    secretary.fill("Year", str(today.year))
    secretary.fill("Start time", "00:05")
    secretary.choose("Chair", "Katherine Ward")
    secretary.press("Save meeting")
    assert secretary.sees("Meeting scheduled")
    meeting_url = page.url

    secretary.follow("Close the meeting")
    check("close the meeting")
    secretary.fill("Summary of the meeting", summary)
    secretary.press("Close the meeting")
    assert secretary.sees(summary)
    check("closed meeting, minutes in draft")

    chair = as_person(page, CHAIR, keyboard)
    page.goto(meeting_url)
    chair.follow("Approve the minutes")
    check("approve the minutes")
    chair.press("Approve the minutes")
    assert chair.sees("Minutes approved")
    check("approved meeting")

    link = page.get_by_role("link", name="Download the approved minutes (PDF/A)")
    with page.expect_download() as download:
        if keyboard:
            link.focus()
            page.keyboard.press("Enter")
        else:
            link.click()
    pdf = download.value.path().read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Central Governance Forum" in text
    assert "two referred back with permission" in " ".join(text.split())
    assert "DRAFT" not in text

    # The PDF is served with the same protective headers as the pages.
    response = page.request.get(link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    for directive in REQUIRED_CSP:
        assert directive in response.headers["content-security-policy"]
