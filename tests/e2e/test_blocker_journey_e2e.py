"""A blocker raised by a practitioner, followed to Gold and back to Bronze by the people whose
job it is, in a real browser: found by labels and roles, every page axe-scanned and checked at
320px; and the same journey done with the keyboard alone."""

from __future__ import annotations

from tests.e2e.conftest import as_person, raise_blocker_by_form


def test_a_blocker_goes_to_gold_and_back(page, keyboard, check):
    title = f"Library room cannot be booked after 4pm ({'keys' if keyboard else 'pointer'})"

    # Priya, a practitioner in Denaby, raises it.
    priya = as_person(page, "practitioner", keyboard)
    raise_blocker_by_form(priya, title, "The library closes its meeting room to partner "
                          "services at 4pm, so after-school family sessions cannot run.", check)
    assert priya.sees("Bronze")
    check("the new blocker")
    item_url = page.url

    # Rachel, Denaby's facilitator, escalates it to Silver.
    rachel = as_person(page, "facilitator", keyboard)
    page.goto(item_url)
    rachel.follow("Escalate to the next tier")
    check("escalate form")
    rachel.fill("Why it needs the next tier", "The library service is run by the council; "
                                              "only Silver can agree an exception.")
    rachel.press("Escalate to the next tier")
    assert rachel.sees("It is now at Silver")

    # Helen, Head of Service, takes it to Gold.
    helen = as_person(page, "head_of_service", keyboard)
    page.goto(item_url)
    helen.follow("Escalate to the next tier")
    helen.fill("Why it needs the next tier", "It needs the council and the trust to agree "
                                             "opening hours together.")
    helen.press("Escalate to the next tier")
    assert helen.sees("It is now at Gold")
    check("the blocker at Gold")

    # Gold gives permission and sends it straight back to Bronze to act on.
    simon = as_person(page, "executive", keyboard)
    page.goto(item_url)
    simon.follow("Refer straight back to Bronze with support or permission")
    check("refer down form")
    simon.fill("Support or permission given", "Permission given: partner services may use "
                                              "the room until 7pm from next week.")
    simon.press("Refer straight back to Bronze with support or permission")
    assert simon.sees("It is now at Bronze")
    history = page.locator("main").inner_text()
    for moment in ("Escalated", "Permission given: partner services may use the room"):
        assert moment in history
    check("the blocker back at Bronze, with its history")
