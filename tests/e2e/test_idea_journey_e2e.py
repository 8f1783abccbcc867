"""An idea declined with its why-not, challenged by the person who proposed it, and approved
at Gold, in a real browser by labels and roles; axe and 320px on each page; keyboard-only too."""

from __future__ import annotations

import re

from tests.e2e.conftest import as_person, start_raising

WHY_NOT = "The family hub already runs a parents' group in Denaby on Tuesdays."
MAKE_YES = "Show it reaches parents the hub's group does not, for example fathers."


def test_an_idea_declined_challenged_and_approved_at_gold(page, keyboard, check):
    title = f"Dads' breakfast club at the café ({'keys' if keyboard else 'pointer'})"

    priya = as_person(page, "practitioner", keyboard)
    start_raising(priya, "A new idea", check)
    check("propose an idea")
    priya.fill("Title", title)
    priya.fill("What is the idea?", "A Saturday breakfast for dads and their children at the "
                                    "community café, run by two volunteers.")
    priya.fill("Why: how will it help", "Fathers rarely come to the weekday groups; this "
                                        "gives them a way in.")
    priya.tick("Living in safe, stronger families and communities")
    priya.choose("Area", "Denaby")
    priya.fill("Funding asked", "5000")
    priya.press("Propose the idea")
    assert "Idea proposed" in page.locator("main").inner_text()
    assert priya.sees("Silver decides it")
    check("idea proposed")
    item_id = re.search(r"Idea number\s*(\d+)", page.locator("main").inner_text()).group(1)
    item_url = f"/items/{item_id}"

    # Silver says no, and must say why not and what would make it a yes.
    helen = as_person(page, "head_of_service", keyboard)
    page.goto(item_url)
    helen.follow("Decline")
    check("decline form")
    helen.press("Decline")  # nothing filled in: the errors say what is missing
    assert "There is a problem" in page.get_by_role("alert").inner_text()
    check("decline form with errors")
    helen.choose("Main reason for saying no", "Duplicates an existing offer")
    helen.fill("Why not?", WHY_NOT)
    helen.fill("What would make this a yes?", MAKE_YES)
    helen.press("Decline")
    assert helen.sees("Declined")
    assert helen.sees(WHY_NOT) and helen.sees(MAKE_YES)

    # Priya challenges it: it goes up to Gold.
    priya = as_person(page, "practitioner", keyboard)
    page.goto(item_url)
    priya.follow("Challenge this decision")
    priya.fill("Why the decision should be looked at again", "The hub's group meets in work "
                                                             "hours, so no fathers can come.")
    priya.press("Challenge this decision")
    assert priya.sees("Challenged") and priya.sees("Gold")
    check("challenged idea")

    # Gold approves.
    simon = as_person(page, "executive", keyboard)
    page.goto(item_url)
    simon.follow("Approve", exact=True)
    check("approve form")
    simon.press("Approve")
    assert simon.sees("Approved")

    # The decision log keeps both decisions, the no with its reasons.
    simon.follow("Decision log", exact=True)
    log = page.locator("main").inner_text()
    assert title in log and WHY_NOT in log
    check("decision log")
