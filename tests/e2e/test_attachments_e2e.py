"""Attachments and the quorum in a real browser: a practitioner keeps a file with their
blocker (the error beside the field first, then the file, downloaded back byte for byte),
and a forum secretary sets the forum's quorum; every page on the way is axe-clean."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import sign_in
from tests.support.browser import check_page

COUNTS = b"week,families who came\n1,6\n2,9\n"


def test_a_practitioner_attaches_a_file_to_their_blocker_and_downloads_it(page, tmp_path):
    sign_in(page, "practitioner")
    page.goto("/items/mine")
    link = page.locator("a").evaluate_all(
        "links => links.map(a => a.getAttribute('href')).find(h => /^\\/items\\/\\d+$/.test(h))")
    page.goto(link)
    page.get_by_role("link", name="Add a file").click()
    page.get_by_role("button", name="Add the file").click()
    summary = page.get_by_role("alert").inner_text()
    assert "Choose a file" in summary
    assert "Confirm that the file holds no personal details of children or families" in summary
    check_page(page, "attachment form with errors")

    upload = tmp_path / "club-counts.csv"
    upload.write_bytes(COUNTS)
    page.get_by_label("File", exact=True).set_input_files(str(upload))
    page.get_by_label("What it is").fill("Weekly counts")
    page.get_by_label("This file holds no personal details of children or families").check()
    page.get_by_role("button", name="Add the file").click()
    page.get_by_text("The file has been added.").wait_for()
    check_page(page, "item page with an attachment")

    with page.expect_download() as caught:
        page.get_by_role("link", name="club-counts.csv", exact=True).click()
    download = caught.value
    assert download.suggested_filename == "club-counts.csv"
    assert Path(download.path()).read_bytes() == COUNTS


def test_a_secretary_sets_the_forums_quorum(page):
    sign_in(page, "secretary")
    page.goto("/forums/central-forum")
    page.get_by_role("link", name="Change the quorum").click()
    check_page(page, "quorum form")
    page.get_by_label("How many members make a quorum").fill("4")
    page.get_by_role("group", name="Tiers that must have someone present").get_by_label("Gold").check()
    page.get_by_role("button", name="Save the quorum").click()
    page.get_by_text("Quorum saved: 4 members, including someone from Gold.").wait_for()
    check_page(page, "forum page with its quorum")
