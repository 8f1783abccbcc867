"""Learning that travels, in a real browser: an idea adopted in Denaby is found in the "What
we've learnt" library by a Hexthorpe practitioner, tried in Hexthorpe in one step, approved
by Hexthorpe's facilitator with Denaby's evaluation in front of her, and then shows as spread
on the original idea, on the dashboard and in the progress report PDF (read back with pypdf).
Each page is checked with axe and at 320px wide."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from tests.e2e.conftest import as_person
from tests.support.browser import check_page

CLUB = "Weekly conversation club at the Denaby community café"
LIAM = "liam.fletcher@hexthorpe-park-friends.example"  # practitioner, Hexthorpe
AMARA = "amara.mensah@rdash.example"  # facilitator, Hexthorpe


def test_an_idea_adopted_in_denaby_is_found_tried_and_approved_in_hexthorpe(page, served):
    liam = as_person(page, LIAM, False)
    liam.follow("What we’ve learnt", exact=True)
    assert liam.heading() == "What we’ve learnt"
    check_page(page, "the library")
    liam.fill("Search the library", "conversation club")
    liam.tick("Denaby")
    liam.press("Show results")
    entry = page.locator(".gf-library-entry", has_text=CLUB)
    text = entry.inner_text()
    assert "What was learnt" in text and "Recommendation" in text
    assert "Practitioners sorted out who was doing what for families" in text
    check_page(page, "the library, searched")

    liam.follow(CLUB)
    original_url = page.url
    assert liam.sees("No other area has tried it yet.")
    liam.follow("Try this in my area")
    assert liam.heading() == "Try this in your area"
    assert liam.sees("How it went in Denaby")
    check_page(page, "try this in your area")
    liam.tick("Hexthorpe")
    liam.press("Propose it for this area")
    assert liam.sees("Proposed in Hexthorpe")
    assert liam.sees("Tried first in Denaby")
    copy_url = page.url
    assert re.search(r"/items/\d+$", copy_url)
    check_page(page, "the idea tried in Hexthorpe")

    # Hexthorpe's facilitator decides it (£450: Bronze), reading how it went in Denaby.
    amara = as_person(page, AMARA, False)
    page.goto(copy_url)
    amara.follow("Approve", exact=True)
    assert amara.sees("How it went in Denaby")
    assert amara.sees("Practitioners sorted out who was doing what for families")
    check_page(page, "approve the copy")
    amara.press("Approve")
    assert amara.sees("Approved")

    # The original shows where it has spread, with the copy's state.
    page.goto(original_url)
    spread = page.locator("#also-tried-in").inner_text()
    assert "Hexthorpe" in spread and "Approved" in spread

    # The dashboard: how far ideas have spread.
    amara.follow("Dashboard", exact=True)
    row = page.locator("#spread-table tr", has_text=CLUB).inner_text()
    assert "Denaby" in row and "1 of" in row
    cells = [c.strip() for c in row.split("\t")]
    assert cells[-1] == "1", cells  # going ahead in Hexthorpe
    check_page(page, "the dashboard with the spread of ideas")

    # The progress report says so too.
    pdf_link = page.get_by_role("link", name="Download the one-page progress report (PDF)")
    response = page.request.get(served.base_url + pdf_link.get_attribute("href"))
    assert response.status == 200
    reader = PdfReader(io.BytesIO(response.body()))
    words = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "Recently adopted ideas, and how far they have spread" in words
    assert re.search(r"Weekly conversation club at the Denaby community café \(Denaby\): "
                     r"tried in 1 other area, going ahead in 1", words), words
