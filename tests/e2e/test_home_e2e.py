"""Each person's day starts at Home, in a real browser: what needs them is listed there, and
they act on it in at most three clicks (open it, choose the step, send the form). Every Home
page is axe-clean and fits 320px; screenshots at 1280 and 320px are saved under a temporary
folder ($TMPDIR/govflow-home-screens), never over docs/images."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.e2e.conftest import as_person, demo_email
from tests.support.browser import check_page
from tests.support.http import Client

SHOTS = Path(tempfile.gettempdir()) / "govflow-home-screens"
LONG_AGO = "2026-01-05 17:00:00"  # before anything in the demo: the top of every list


class Clicks:
    """A person who counts the links they follow and the buttons they press."""

    def __init__(self, person):
        self.person, self.n = person, 0

    def follow(self, name, exact=False):
        self.n += 1
        self.person.follow(name, exact=exact)

    def press(self, name):
        self.n += 1
        self.person.press(name)

    def act_on(self, title: str, action: str, field: str, answer: str) -> None:
        """From Home: the item, the action's link, its one answer, and its button."""
        self.follow(title)
        self.follow(action)
        self.person.fill(field, answer)
        self.press(action)


def _sql(served, statement: str, **params):
    engine = create_engine(served.database.url)
    with engine.begin() as conn:
        result = conn.execute(text(statement), params)
        value = result.scalar() if result.returns_rows else None
    engine.dispose()
    return value


def _raise(served, title: str, *, area="denaby", organisation="dcst") -> int:
    client = Client(served.base_url).sign_in(demo_email("practitioner"))
    reply = client.submit("/blockers/new", {
        "title": title, "area": area, "organisation": organisation,
        "description": "The room booking system will not take bookings from partner "
                       "services, so family sessions cannot run there."})
    assert reply.status == 302, reply.text[:500]
    return int(re.search(r"/items/(\d+)", reply.headers["Location"]).group(1))


def _step(served, email: str, item_id: int, trigger: str, fields: dict) -> None:
    client = Client(served.base_url).sign_in(email)
    reply = client.submit(f"/items/{item_id}/actions/{trigger}", fields)
    assert reply.status in (302, 303), reply.text[:500]


def _most_urgent(served, item_id: int) -> None:
    """Setup: make the item the most overdue of all, so it heads every Home list it is on."""
    _sql(served, "UPDATE items SET due_at = :at WHERE id = :id", at=LONG_AGO, id=item_id)


def _home(page, role_or_email: str, what: str):
    person = as_person(page, role_or_email, False)
    assert person.heading().startswith("Hello, ")
    check_page(page, f"{what}'s Home")
    shoot(page, what)
    return person


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"home-{name}-{width}.png"), full_page=True)
    page.set_viewport_size(before)


def test_a_facilitator_escalates_what_needs_her_from_home(page, served):
    title = "Home journey: the youth club cannot use the school hall"
    item = _raise(served, title)
    _most_urgent(served, item)
    rachel = Clicks(_home(page, "facilitator", "facilitator"))
    assert rachel.person.sees(title)
    rachel.act_on(title, "Escalate to the next tier", "Why it needs the next tier",
                  "The hall is the school's: the trust's Head of Service can agree its use.")
    assert rachel.n == 3 and rachel.person.heading() == title
    assert rachel.person.sees("It is now at Silver")


def test_a_head_of_service_unblocks_from_home(page, served):
    title = "Home journey: Early Help forms cannot be shared with the school nurse"
    item = _raise(served, title)
    _step(served, demo_email("facilitator"), item, "escalate",
          {"reason": "Needs the trust's Head of Service."})
    _most_urgent(served, item)
    helen = Clicks(_home(page, "head_of_service", "head-of-service"))
    helen.act_on(title, "Mark as unblocked", "What was done to unblock it",
                 "The trust's information governance lead agreed a sharing note today.")
    assert helen.n == 3 and helen.person.sees("It is now unblocked")


def test_the_gold_executive_finds_gold_and_his_areas_tiers_and_acts(page, served):
    title = "Home journey: no interpreter for the Tuesday clinic"
    item = _raise(served, title, area="balby", organisation="syp")
    admin = demo_email("admin")
    _step(served, admin, item, "escalate", {"reason": "Needs Silver."})
    _step(served, admin, item, "escalate", {"reason": "Needs Gold."})
    _most_urgent(served, item)
    simon = Clicks(_home(page, "executive", "executive"))
    simon.act_on(title, "Mark as unblocked", "What was done to unblock it",
                 "The health trust's interpreting contract now covers the clinic.")
    assert simon.n == 3 and simon.person.sees("It is now unblocked")
    # His queue opens on Gold and has a tab for every tier he can act at in Denaby; its
    # table view scrolls inside its own box at 320px.
    page.goto("/queue?view=table")
    tabs = page.locator(".gf-subnav__link").all_inner_texts()
    assert [t.split(" (")[0] for t in tabs] == [
        "Gold: everything at Gold", "Silver: the areas you sponsor", "Bronze: your areas"]
    assert page.locator(".gf-subnav__link[aria-current=page]").inner_text().startswith("Gold")
    check_page(page, "the executive's queue as a table")
    shoot(page, "executive-queue-table")


def test_a_sponsor_closes_his_action_from_home(page, served):
    what = "Home journey: ask the council's insurer about Saturday sessions."
    sponsor_id = _sql(served, "SELECT id FROM users WHERE email = :e", e=demo_email("sponsor"))
    action_id = _sql(served, "SELECT min(id) FROM sponsor_actions WHERE owner_id = :u AND "
                             "status = 'open'", u=sponsor_id)
    assert action_id, "the demo sponsor owns an open action"
    _sql(served, "UPDATE sponsor_actions SET due_on = '2026-01-05', what = :w WHERE id = :id",
         w=what, id=action_id)
    simon = Clicks(_home(page, "sponsor", "sponsor"))
    simon.follow(what)
    simon.follow("Mark as done")
    simon.person.fill("What was done?", "The insurer confirmed partner services are covered.")
    simon.press("Mark as done")
    assert simon.n == 3 and simon.person.sees("Done")


def test_a_practitioner_confirms_her_blocker_is_fixed_from_home(page, served):
    title = "Home journey: the library room closes at 4pm"
    item = _raise(served, title)
    _step(served, demo_email("facilitator"), item, "unblock",
          {"resolution": "The library now stays open until 6pm for partner services."})
    priya = Clicks(_home(page, "practitioner", "practitioner"))
    assert priya.person.sees("which you raised, waits on you")
    priya.follow(title)
    priya.follow("Confirm it is fixed and close")  # a step with nothing to fill in: done
    if page.get_by_role("button", name="Confirm it is fixed and close", exact=True).count():
        priya.press("Confirm it is fixed and close")
    assert priya.n <= 3 and priya.person.sees("Closed")


def test_the_chair_approves_the_minutes_waiting_for_him_from_home(page, served):
    chair = _sql(served, "SELECT u.email FROM meetings m JOIN users u ON u.id = m.chair_id "
                         "WHERE m.status = 'held' ORDER BY m.id LIMIT 1")
    assert chair, "the demo has a held meeting with draft minutes"
    forum = _sql(served, "SELECT f.name FROM meetings m JOIN forums f ON f.id = m.forum_id "
                         "WHERE m.status = 'held' ORDER BY m.id LIMIT 1")
    person = Clicks(_home(page, chair, "chair"))
    person.follow(f"Approve the minutes of {forum}")
    assert person.person.heading() == "Approve the minutes"
    check_page(page, "approve the minutes")
    person.press("Approve the minutes")
    assert person.n == 2 and person.person.sees("pproved")


def test_the_secretary_and_the_administrator_are_told_nothing_needs_them(page, served):
    for role in ("secretary", "admin"):
        person = _home(page, role, role)
        assert person.sees("Nothing needs you today.")
