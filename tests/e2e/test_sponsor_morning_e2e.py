"""A local area sponsor's morning in a real browser: home, what needs them now, their area, a
blocker unblocked, and a sponsor action recorded against it; every page axe-clean and fitting
320px; keyboard-only too."""

from __future__ import annotations

from datetime import date, timedelta

from tests.e2e.conftest import as_person, demo_email
from tests.support.http import Client


def a_blocker_in_denaby(served, title: str) -> None:
    """Setup: a practitioner has raised a blocker in the sponsor's area."""
    client = Client(served.base_url).sign_in(demo_email("practitioner"))
    reply = client.submit("/blockers/new", {
        "title": title, "area": "denaby", "organisation": "dcst",
        "description": "The community centre's insurance does not cover partner services "
                       "running family sessions on Saturdays.",
    })
    assert reply.status == 302, reply.text[:500]


def test_a_sponsors_morning(page, served, keyboard, check):
    title = f"Saturday sessions not covered by the centre's insurance ({keyboard=})"
    action = f"Ask the council's insurer to add partner services to the policy ({keyboard=})."
    a_blocker_in_denaby(served, title)

    sponsor = as_person(page, "sponsor", keyboard)
    assert sponsor.heading().startswith("Hello")
    check("home")
    sponsor.follow("See what needs you now")
    assert sponsor.heading() == "What needs you now"
    check("what needs you now")
    sponsor.follow("Denaby", exact=True)
    check("the sponsor's area")
    sponsor.follow(title)
    sponsor.follow("Mark as unblocked")
    check("unblock form")
    sponsor.fill("What was done to unblock it", "The council's insurer confirmed partner "
                                                "services are covered from this Saturday.")
    sponsor.press("Mark as unblocked")
    assert sponsor.sees("Unblocked")

    sponsor.follow("Record a sponsor action for this blocker")
    check("record a sponsor action")
    sponsor.fill("What will be done?", action)
    due = date.today() + timedelta(days=14)
    sponsor.fill("Day", str(due.day))
    sponsor.fill("Month", str(due.month))
    sponsor.fill("Year", str(due.year))
    sponsor.press("Record the action")
    assert sponsor.sees(action)
    check("the recorded action")
