"""Local to central in a real browser (issue 17's evidence): the Denaby Conversation Club,
which meets weekly, refers a blocker to the central forum at its meeting; it is on the
central forum's agenda under "Referred by local groups"; the central forum decides it with a
member recused by a declared interest and its quorum met, and sends its answer back; the
answer is a matter arising on the club's next agenda; and the minutes PDFs, approved or
printed through the pages and read back with pypdf, say all of it. Every page on the way is
axe-clean and fits 320px.

The served app runs at the suite's moment (GOVFLOW_TEST_NOW), and its clock ticks: "today"
is asked of the app itself (its Date header) whenever a meeting is scheduled, so the journey
holds at a weekend, a bank holiday or across midnight on New Year's Eve."""

from __future__ import annotations

import io
import re
from datetime import date
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from tests.e2e.conftest import as_person, raise_blocker_by_form
from tests.support.browser import Person, check_page

LONDON = ZoneInfo("Europe/London")
TITLE = "Interpreters for families at the club cannot be paid for"
NOTE = ("The club asks the central forum to agree who pays for interpreters, so families who "
        "need one keep coming.")
INTEREST = "Director of the council's children's services, which would pay for interpreters"
RESOLUTION = "The council pays for interpreters at the club from its family support budget."
ANSWER = "Agreed: the council pays for interpreters at the club until the end of June."
DAY = r"(\d{1,2} [A-Z][a-z]+ \d{4})"

JO = "jo.mitchell@denaby-cafe.example"  # the club's secretary
LORRAINE = "lorraine.hebden@denaby-cafe.example"  # chairs the club
JOANNE = "joanne.kilner@dcst.example"  # the central forum's secretary
KATHERINE = "katherine.ward@dcst.example"  # chairs the central forum


def served_today(page) -> date:
    """The served app's date in London (its clock, not this process's)."""
    answer = page.request.get("/healthz")
    return parsedate_to_datetime(answer.headers["date"]).astimezone(LONDON).date()


def schedule_today(person: Person, start: str, chair: str) -> str:
    """Schedule a meeting of the forum whose page is open for today, at `start`; its URL."""
    page = person.page
    person.follow("Schedule a meeting")
    for _ in range(2):  # a second try only when midnight passed between asking and saving
        today = served_today(page)
        person.fill("Day", str(today.day))
        person.fill("Month", str(today.month))
        person.fill("Year", str(today.year))
        person.fill("Start time", start)
        person.choose("Chair", chair)
        person.press("Save meeting")
        if person.sees("Meeting scheduled"):
            return page.url
    raise AssertionError(page.locator("main").inner_text())


def pdf_text(page, link_name: str) -> str:
    link = page.get_by_role("link", name=link_name)
    with page.expect_download() as download:
        link.click()
    data = download.value.path().read_bytes()
    return " ".join(" ".join((p.extract_text() or "").split())
                    for p in PdfReader(io.BytesIO(data)).pages)


def tick_people(page, group: str, names: list[str]) -> None:
    for name in names:
        page.get_by_role("group", name=group).get_by_label(name, exact=True).check()


def choose_containing(page, label: str, words: str) -> None:
    select = page.get_by_label(label)
    texts = select.locator("option").all_inner_texts()
    select.select_option(index=next(i for i, t in enumerate(texts) if words in t))


def shown_day(person: Person, pattern: str) -> str:
    found = re.search(pattern, " ".join(person.page.locator("main").inner_text().split()))
    assert found, f"{pattern!r} not on {person.page.url}"
    return found.group(1)


def close_and_approve(page, meeting_url: str, secretary: str, chair: str, summary: str) -> str:
    """The secretary closes the meeting with its summary, the chair approves the minutes, and
    the approved minutes PDF's text is returned."""
    closing = as_person(page, secretary, False)
    page.goto(meeting_url)
    closing.follow("Close the meeting")
    closing.fill("Summary of the meeting", summary)
    closing.press("Close the meeting")
    approving = as_person(page, chair, False)
    page.goto(meeting_url)
    approving.follow("Approve the minutes")
    approving.press("Approve the minutes")
    assert approving.sees("Minutes approved")
    return pdf_text(page, "Download the approved minutes (PDF/A)")


def test_a_matter_goes_from_the_weekly_club_to_the_central_forum_and_back(page):
    # A practitioner raises the blocker; the club's facilitator and Silver cannot settle it,
    # so it reaches Gold.
    priya = as_person(page, "practitioner", False)
    raise_blocker_by_form(priya, TITLE, "Families who need an interpreter stop coming to the "
                          "club, because no partner will agree to pay for one.")
    item_url = page.url
    for role, why in (("facilitator", "No budget in Denaby covers interpreters."),
                      ("head_of_service", "It needs the council and the trust to agree.")):
        person = as_person(page, role, False)
        page.goto(item_url)
        person.follow("Escalate to the next tier")
        person.fill("Why it needs the next tier", why)
        person.press("Escalate to the next tier")
    assert person.sees("It is now at Gold")

    # The club meets weekly; today's meeting has the blocker on its agenda.
    jo = as_person(page, JO, False)
    jo.follow("Forums", exact=True)
    jo.follow("Denaby Conversation Club")
    assert page.locator("#rhythm").inner_text() == "Every Tuesday, 9:30am to 10:30am"
    check_page(page, "the club's page: it meets weekly")
    club_url = schedule_today(jo, "00:05", "Lorraine Hebden")
    jo.follow("Record attendance, apologies and declarations of interest")
    tick_people(page, "Present", ["Lorraine Hebden", "Rachel Dunn", "Jo Mitchell", "Priya Shah"])
    jo.press("Save attendance")
    page.goto(club_url)
    assert jo.sees(TITLE)

    # At the meeting the facilitator refers it to the central forum with a note.
    rachel = as_person(page, "facilitator", False)
    page.goto(club_url)
    rachel.follow(TITLE, exact=True)
    rachel.follow("Refer this to the central forum")
    assert rachel.heading() == "Refer to the central forum"
    check_page(page, "refer to the central forum")
    rachel.fill("What is the central forum asked?", NOTE)
    rachel.press("Refer to the central forum")
    assert rachel.sees("Referred to Central Governance Forum. It is on its next agenda; its "
                       "answer will come back to this group's next meeting.")
    referred_on = shown_day(rachel, rf"Referred to Central Governance Forum by this group on "
                                    rf"{DAY}\.")
    assert rachel.sees(NOTE)
    assert not rachel.sees("Refer this to the central forum")
    check_page(page, "the club's agenda item, referred")

    # The club's meeting closes, and its chair approves the minutes: they record it.
    club_minutes = close_and_approve(page, club_url, JO, LORRAINE,
                                     "The club referred the cost of interpreters to the "
                                     "central forum.")
    assert "Minutes: Denaby Conversation Club" in club_minutes
    assert f"Referred to Central Governance Forum on {referred_on}: {NOTE}" in club_minutes
    assert ("Referred to the central forum "
            f"{TITLE}: referred to Central Governance Forum by Rachel Dunn. {NOTE}") in club_minutes
    assert "Approved by Lorraine Hebden (chair)" in club_minutes
    assert "DRAFT" not in club_minutes

    # The central forum: its secretary sets a quorum and schedules a meeting, whose agenda
    # has the club's referral under "Referred by local groups".
    joanne = as_person(page, JOANNE, False)
    joanne.follow("Forums", exact=True)
    joanne.follow("Central Governance Forum")
    forum_url = page.url
    _set_quorum(joanne, forum_url, "4", gold=True)
    assert joanne.sees("4 members, including someone from Gold; no decisions without one")
    central_url = schedule_today(joanne, "00:10", "Katherine Ward")
    joanne.follow(TITLE, exact=True)
    central_entry_url = page.url
    assert joanne.sees(f"Referred by local groups: Denaby Conversation Club, on {referred_on}.")
    assert joanne.sees(NOTE)
    check_page(page, "the referral on the central agenda")

    # Present and quorate; one member declares an interest in the item and is recused.
    page.goto(central_url)
    joanne.follow("Record attendance, apologies and declarations of interest")
    tick_people(page, "Present", ["Katherine Ward", "Simon Adeyemi", "Andrew Kirkby",
                                  "Helen Ackroyd", "Joanne Kilner"])
    tick_people(page, "Sent apologies", ["Bernadette Quinn"])
    joanne.press("Save attendance")
    joanne.choose("Who is declaring an interest", "Simon Adeyemi")
    choose_containing(page, "Agenda item (optional)", TITLE)
    joanne.fill("The interest", INTEREST)
    joanne.press("Record declaration")
    check_page(page, "attendance and declarations")
    page.goto(central_entry_url)
    assert joanne.sees(f"Simon Adeyemi declared an interest in this item ({INTEREST}) and is "
                       "not offered as the decider.")
    assert not joanne.sees("This meeting is not quorate")
    joanne.follow("Mark as unblocked")
    check_page(page, "the central forum's decision")
    deciders = page.get_by_label("Who took the decision").locator("option").all_inner_texts()
    assert any(t.startswith("Katherine Ward") for t in deciders)
    assert not any("Simon Adeyemi" in t for t in deciders)
    joanne.choose("Who took the decision", "Katherine Ward")
    joanne.fill("What was done to unblock it", RESOLUTION)
    joanne.press("Mark as unblocked")
    assert joanne.sees("Decision recorded: Unblocked.")

    # The answer goes back to the club.
    joanne.follow("Send the central forum's answer back to Denaby Conversation Club")
    check_page(page, "send the answer back")
    joanne.fill("The central forum's answer", ANSWER)
    joanne.press("Send the answer back")
    assert joanne.sees("The answer goes back to Denaby Conversation Club's next meeting as a "
                       "matter arising.")
    answered_on = shown_day(joanne, rf"The central forum's answer \({DAY}\)")
    central = close_and_approve(page, central_url, JOANNE, KATHERINE,
                                "The forum settled the club's referral.")
    assert "Minutes: Central Governance Forum" in central
    assert "Quorum" in central and "4 members, including someone from Gold" in central
    assert "Present Katherine Ward" in central and "Apologies Bernadette Quinn" in central
    assert (f"Simon Adeyemi (agenda item {_position(central)}): {INTEREST}. Simon Adeyemi "
            "declared an interest and did not take part.") in central
    assert "Referred by local groups · Blocker" in central
    assert f"Referred by Denaby Conversation Club on {referred_on}: {NOTE}" in central
    assert f"Answer sent back to Denaby Conversation Club: {ANSWER}" in central
    assert re.search(rf"Decision Decision \d+: Unblocked Decided by Katherine Ward on {DAY} "
                     r"at Gold\.", central)
    assert "taken without a quorum" not in central
    assert "Approved by Katherine Ward (chair)" in central

    # The club's next weekly meeting has the answer as a matter arising; its draft minutes
    # say so.
    jo = as_person(page, JO, False)
    jo.follow("Forums", exact=True)
    jo.follow("Denaby Conversation Club")
    page.locator("h2:has-text('Upcoming meetings') ~ ul.govuk-list a").first.click()
    page.get_by_role("heading", level=1).wait_for()
    next_url = page.url
    assert next_url != club_url
    jo.follow("Review and add to the agenda")
    assert jo.sees(f"Matter arising: Answer from the central forum: {TITLE}")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^Add (it|them) to the agenda$")).click()
    assert re.search(r"\d+ new items? added to the agenda", page.locator("main").inner_text())
    page.goto(next_url)
    assert jo.sees(f"Answer from the central forum: {TITLE}")
    check_page(page, "the club's next meeting")
    jo.follow(f"Answer from the central forum: {TITLE}", exact=True)
    assert jo.sees(f"The central forum's answer ({answered_on}): {ANSWER}")
    page.goto(next_url)
    arising = pdf_text(page, "Download the draft minutes (PDF, marked DRAFT)")
    assert "Draft minutes: Denaby Conversation Club" in arising
    assert f"Answer from the central forum: {TITLE} Matter arising: the central forum's answer" \
        in arising
    assert f"Referred by this group on {referred_on}: {NOTE}" in arising
    assert f"Central Governance Forum answered on {answered_on}: {ANSWER}" in arising

    # And the blocker's own page tells its story.
    priya = as_person(page, "practitioner", False)
    page.goto(item_url)
    assert priya.sees(f"Referred to Central Governance Forum by Denaby Conversation Club on "
                      f"{referred_on}, at its meeting.")
    assert priya.sees(f"The central forum's answer ({answered_on}): {ANSWER}")
    check_page(page, "the blocker, answered")

    # The central forum's quorum as the demo had it, for the journeys after this one.
    joanne = as_person(page, JOANNE, False)
    page.goto(forum_url)
    _set_quorum(joanne, forum_url, "", gold=False)
    assert joanne.sees("No quorum set")


def _set_quorum(secretary, forum_url: str, members: str, *, gold: bool) -> None:
    """From the forum's page: its quorum changed, then back on the forum's page."""
    secretary.follow("Change the quorum")
    secretary.fill("How many members make a quorum", members)
    secretary.page.get_by_label("Gold", exact=True).set_checked(gold)
    secretary.press("Save the quorum")
    secretary.page.goto(forum_url)


def _position(minutes: str) -> str:
    """The agenda number the referred blocker has in the central minutes."""
    found = re.search(rf"(\d+)\. {re.escape(TITLE)} Referred by local groups", minutes)
    assert found, "the referred blocker is not in the central minutes' agenda"
    return found.group(1)
