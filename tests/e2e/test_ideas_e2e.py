"""Ideas and the decision log in a real browser: propose, decline (the form says yes is the
default), correct; every page axe-clean and fitting a 320px phone screen."""

from __future__ import annotations

import re

from tests.e2e.conftest import sign_in
from tests.support.browser import check_page, open_and_check


def test_propose_decline_and_correct_in_a_browser(page):
    sign_in(page, "practitioner")
    open_and_check(page, "/ideas/new", "propose an idea")
    # Send it half filled in: every problem is listed, and what was typed stays.
    page.get_by_label("Title").fill("Walking football for dads at the rec")
    page.get_by_label("Funding asked (optional)").fill("lots")
    with page.expect_navigation():
        page.get_by_role("button", name="Propose the idea").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter the funding asked in pounds" in summary.inner_text()
    assert page.get_by_label("Title").input_value() == "Walking football for dads at the rec"
    check_page(page, "propose an idea, with errors")

    page.get_by_label("What is the idea?").fill("A weekly walking football session for dads.")
    page.get_by_label("Becoming self-reliant and confident").check()
    page.get_by_label("Why: how will it help children and families?").fill(
        "Dads meet each other and the family hub team in a relaxed way.")
    page.get_by_label("Funding asked (optional)").fill("350")
    with page.expect_navigation():
        page.get_by_role("button", name="Propose the idea").click()
    assert page.get_by_role("heading", name="Idea proposed").count() == 1
    check_page(page, "idea proposed")
    item_id = re.search(r"/ideas/(\d+)/proposed", page.url).group(1)

    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    sign_in(page, "facilitator")
    open_and_check(page, f"/items/{item_id}", "an idea waiting for a decision")
    with page.expect_navigation():
        page.get_by_role("link", name="Decline").click()
    assert "The default answer is yes" in page.locator("main").inner_text()
    check_page(page, "the decline form")
    page.get_by_label("Main reason for saying no").select_option(label="Not enough information")
    page.get_by_label("Why not?").fill("We do not know who would run it or where.")
    page.get_by_label("What would make this a yes?").fill("A named organiser and a booked pitch.")
    with page.expect_navigation():
        page.get_by_role("button", name="Decline").click()
    assert "Why not" in page.locator("#idea").inner_text()

    open_and_check(page, f"/decisions?item={item_id}", "the decision log")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("^Correct")).first.click()
    check_page(page, "correct a decision")
    page.get_by_label("What was wrong with the decision as recorded").fill(
        "The why-not should say a pitch is needed.")
    page.get_by_label("Why not?").fill("We do not know who would run it or which pitch it uses.")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the correction").click()
    assert "Superseded" in page.locator("main").inner_text()
    assert page.locator(".gf-superseded").count() == 1
    check_page(page, "a corrected decision")
