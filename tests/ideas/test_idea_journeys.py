"""Ideas from proposal to decision and beyond, as the people involved, through the web forms."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from idea_pages import Browser, day_month_year, refused, text_of
from sqlalchemy import select

from govflow import clock
from govflow.decisions.models import Decision
from govflow.extensions import db
from govflow.items.models import Event, Item
from govflow.notifications.models import Notification

IDEA = {
    "title": "Saturday stay-and-play at the miners' welfare",
    "description": "A fortnightly stay-and-play session for families with under-fives, run by "
    "volunteers with a health visitor dropping in.",
    "outcomes": ["safe-stronger-families", "thriving-emotionally-well"],
    "why": "Parents meet each other and a health visitor without an appointment.",
    "area": "denaby",
    "who_involved": "Miners' welfare committee, two volunteers, the health visiting team",
    "support_needed": "Use of the hall on Saturday mornings",
}


@pytest.fixture
def browser(client, auth):
    return Browser(client, auth)


def _accepted(browser, item, trigger: str, answers: dict) -> None:
    """The action sent and accepted (a redirect); `item` refreshed to where it now stands."""
    response = browser.act(item.id, trigger, answers)
    assert response.status_code == 302, text_of(response)[:500]
    db.session.refresh(item)


def _decisions(item_id):
    return db.session.scalars(
        select(Decision).where(Decision.item_id == item_id).order_by(Decision.id)).all()


def test_a_small_idea_is_approved_by_the_areas_facilitator_with_conditions(browser, people):
    priya, rachel = people["practitioner"], people["facilitator"]

    browser.sign_in(priya)
    item_id = browser.propose(**IDEA, funding_asked="300")
    confirmation = text_of(browser.get(f"/ideas/{item_id}/proposed"))
    assert "Idea proposed" in confirmation
    assert "Bronze decides it: a facilitator or the local area sponsor of Denaby" in confirmation
    item = db.session.get(Item, item_id)
    assert (item.state, item.tier, item.funding_pence) == ("proposed", "bronze", 30_000)
    # Denaby's facilitator is told there is an idea to decide.
    assert db.session.scalar(select(Notification).where(
        Notification.user_id == rachel.id, Notification.item_id == item_id,
        Notification.kind == "reached_tier"))

    # Priya cannot decide her own idea; Rachel, Denaby's facilitator, can.
    assert not {"approve", "decline"} & browser.actions_on(item_id)
    browser.sign_in(rachel)
    assert {"approve", "decline"} <= browser.actions_on(item_id)
    page = text_of(browser.get(f"/items/{item_id}"))
    assert "Funding asked £300" in page and "Who decides Bronze" in page
    assert "If nobody decides by then, it is approved by default" in page

    _accepted(browser, item, "approve", {
        "conditions": "Two volunteers present at every session; tell the hall committee first.",
        "review_on_date": day_month_year(date(2027, 3, 1)),
    })
    assert item.state == "approved" and item.review_on == date(2027, 3, 1)
    [decision] = _decisions(item_id)
    assert (decision.outcome, decision.tier, decision.decided_by_id, decision.by_default) == (
        "approved", "bronze", rachel.id, False)
    assert decision.conditions.startswith("Two volunteers present")

    # The item page and the decision log both show the decision with its conditions.
    page = text_of(browser.get(f"/items/{item_id}"))
    assert "Decision " + str(decision.id) in page and "Approved" in page
    assert "Conditions Two volunteers present at every session" in page
    log = text_of(browser.get("/decisions", query_string={"decider": str(rachel.id)}))
    assert IDEA["title"] in log and "Decided by Rachel Dunn" in log
    assert "Review date 1 March 2027" in log


def test_a_5000_pound_idea_declined_at_silver_is_challenged_and_approved_at_gold(browser, people):
    priya, helen, simon = people["practitioner"], people["head_of_service"], people["executive"]

    browser.sign_in(priya)
    item_id = browser.propose(**IDEA, funding_asked="5,000")
    item = db.session.get(Item, item_id)
    assert (item.tier, item.funding_pence) == ("silver", 500_000)

    # Helen, Head of Service in Priya's trust, opens the decline form: it says yes is the default.
    browser.sign_in(helen)
    form = text_of(browser.get(f"/items/{item_id}/actions/decline"))
    assert "The default answer is yes" in form
    assert "Why not?" in form and "What would make this a yes?" in form

    # She sends it with a reason category only: refused, with what she typed kept.
    response = browser.act(item_id, "decline", {
        "reason_category": "cost",
        "alternatives": "Running it monthly instead of fortnightly.",
    })
    html = refused(response, 400)
    assert 'href="#why_not"' in html and 'href="#what_would_make_yes"' in html
    assert '<option value="cost" selected' in html
    assert "Running it monthly instead of fortnightly." in html
    db.session.refresh(item)
    assert item.state == "proposed" and not _decisions(item_id)

    _accepted(browser, item, "decline", {
        "reason_category": "cost",
        "why_not": "The early help budget for this year is spent; £5,000 is more than we can "
        "find before April.",
        "what_would_make_yes": "A smaller first term (under £2,000) or a partner sharing the cost.",
        "alternatives": "Running it monthly instead of fortnightly.",
    })
    assert (item.state, item.tier) == ("declined", "silver")

    # Priya sees why not, what would make it a yes, and how long she has to challenge.
    browser.sign_in(priya)
    page = text_of(browser.get(f"/items/{item_id}"))
    assert "Why not The early help budget for this year is spent" in page
    assert "What would make it a yes A smaller first term" in page
    assert "Main reason for saying no Cost" in page
    assert "The proposer can challenge this decision until" in page
    assert "working days left" in page and "A challenge goes to Gold" in page
    _accepted(browser, item, "challenge", {
        "reason": "The miners' welfare will cover the hall, so the ask is really for the "
        "sessions; Gold can look across budgets."})
    assert (item.state, item.tier) == ("challenged", "gold")

    # Simon, an executive, sees the earlier why-not before deciding, and approves.
    browser.sign_in(simon)
    page = text_of(browser.get(f"/items/{item_id}"))
    assert "Read its “why not?” before deciding again" in page
    assert "Why not The early help budget for this year is spent" in page
    assert "Approved by default" not in page
    _accepted(browser, item, "approve", {
        "conditions": "Funded from the partnership's innovation pot for two terms."})
    assert (item.state, item.tier) == ("approved", "gold")

    declined, approved = _decisions(item_id)
    assert (declined.outcome, declined.tier, declined.decided_by_id) == ("declined", "silver",
                                                                         helen.id)
    assert declined.alternatives == "Running it monthly instead of fortnightly."
    assert (approved.outcome, approved.tier, approved.decided_by_id) == ("approved", "gold",
                                                                         simon.id)
    log = text_of(browser.get("/decisions", query_string={"kind": "idea", "tier": ["silver",
                                                                                   "gold"]}))
    assert log.index(f"Decision {approved.id}") < log.index(f"Decision {declined.id}")


def test_a_gold_decline_is_final(browser, people):
    browser.sign_in(people["practitioner"])
    item_id = browser.propose(**IDEA, funding_asked="25000")
    browser.sign_in(people["executive"])
    response = browser.act(item_id, "decline", {
        "reason_category": "statutory_duty",
        "why_not": "The council must commission this through its framework.",
        "what_would_make_yes": "Bid through the framework in the spring round.",
    })
    assert response.status_code == 302
    browser.sign_in(people["practitioner"])
    assert "challenge" not in browser.actions_on(item_id)
    assert "A Gold decision is final" in text_of(browser.get(f"/items/{item_id}"))
    response = browser.client.get(f"/items/{item_id}/actions/challenge")
    assert response.status_code in (403, 409)


def test_an_idea_nobody_decides_is_approved_by_default_across_christmas(
    browser, people, runner
):
    priya = people["practitioner"]
    proposed_at = datetime(2026, 12, 23, 10, 0)  # Wednesday 23 December 2026, 10am
    with clock.fixed_at(proposed_at):
        browser.sign_in(priya)
        item_id = browser.propose(**IDEA, funding_asked="450")
        confirmation = text_of(browser.get(f"/ideas/{item_id}/proposed"))
    # Five working days: Thu 24, Tue 29, Wed 30, Thu 31 December (25, 28 December and 1 January
    # are bank holidays), then Monday 4 January 2027.
    assert "until Monday 4 January 2027 at 5pm" in confirmation
    item = db.session.get(Item, item_id)
    assert item.due_at == datetime(2027, 1, 4, 17, 0)

    def sweep(as_of):
        result = runner.invoke(args=["sweep", "--as-of", as_of, "--no-send", "--verbose"])
        assert result.exit_code == 0, result.output
        db.session.expire_all()
        return result.output

    # Five calendar days on, and after the deadline a calendar would give: not yet.
    for as_of in ("2026-12-30T18:00", "2027-01-01T12:00", "2027-01-04T16:59"):
        output = sweep(as_of)
        assert f"Idea {item_id} " not in output
        assert db.session.get(Item, item_id).state == "proposed"

    output = sweep("2027-01-04T17:30")
    assert f"Idea {item_id} '{IDEA['title']}': Approved by default" in output
    item = db.session.get(Item, item_id)
    assert item.state == "approved"
    [decision] = _decisions(item_id)
    assert decision.by_default and decision.decided_by_id is None
    assert decision.summary == (
        "Approved by default — no objection within 5 working days: Bronze (the facilitators "
        "and local area sponsor of Denaby) did not answer")
    assert decision.decided_at == datetime(2027, 1, 4, 17, 0)
    assert decision.recorded_at == datetime(2027, 1, 4, 17, 30)
    event = db.session.get(Event, decision.event_id)
    assert event.trigger == "approve_by_default" and event.actor_id is None

    # Running it again changes nothing: every idea is handled once.
    assert f"Idea {item_id} " not in sweep("2027-01-05T09:00")
    assert len(_decisions(item_id)) == 1

    browser.sign_in(priya)
    log = text_of(browser.get("/decisions", query_string={"decider": "default"}))
    assert "Approved by default — no objection within 5 working days: Bronze" in log
    assert "Decided by By default — nobody answered in time" in log
    assert db.session.scalar(select(Notification).where(
        Notification.user_id == priya.id, Notification.item_id == item_id,
        Notification.subject.startswith("Approved by default")))


def test_a_trial_is_started_evaluated_and_adopted(browser, people, runner):
    priya, rachel = people["practitioner"], people["facilitator"]
    browser.sign_in(priya)
    item_id = browser.propose(**IDEA, funding_asked="600")
    browser.sign_in(rachel)
    browser.act(item_id, "approve", {"review_on_date": day_month_year(date(2027, 2, 1))})

    browser.sign_in(priya)
    assert browser.act(item_id, "start").status_code == 302
    assert db.session.get(Item, item_id).state == "trialling"

    # On the review date the sweep reminds Priya and Rachel, once.
    for _ in range(2):
        result = runner.invoke(args=["sweep", "--as-of", "2027-02-01T09:00", "--no-send"])
        assert result.exit_code == 0, result.output
    reminders = db.session.scalars(select(Notification).where(
        Notification.item_id == item_id, Notification.kind == "idea_review")).all()
    assert sorted(n.user_id for n in reminders) == sorted([priya.id, rachel.id])
    assert reminders[0].subject == f"Time to review the trial: {IDEA['title']}"

    # The evaluation needs all three answers; a missing one is refused and nothing is lost.
    response = browser.act(item_id, "evaluate", {
        "what_happened": "Ten sessions; between six and fifteen families each time."})
    assert response.status_code == 400
    assert "Ten sessions; between six and fifteen families each time." in response.get_data(
        as_text=True)
    response = browser.act(item_id, "evaluate", {
        "what_happened": "Ten sessions; between six and fifteen families each time.",
        "what_learnt": "Parents kept coming back and two now run the sessions themselves.",
        "recommendation": "Adopt it and offer the format to the other areas' welfare halls.",
    })
    assert response.status_code == 302
    item = db.session.get(Item, item_id)
    assert item.state == "evaluated"
    page = text_of(browser.get(f"/items/{item_id}"))
    assert "Parents kept coming back" in page  # the history shows what was learnt

    browser.sign_in(rachel)
    response = browser.act(item_id, "adopt", {
        "reason": "It works, costs little, and the volunteers can run it themselves."})
    assert response.status_code == 302
    item = db.session.get(Item, item_id)
    assert item.state == "adopted" and item.closed_at is not None
    outcomes = [d.outcome for d in _decisions(item_id)]
    assert outcomes == ["approved", "adopted"]
    log = text_of(browser.get("/decisions", query_string={"outcome": "adopted"}))
    assert IDEA["title"] in log and "It works, costs little" in log


def test_a_decision_recorded_late_asks_why_on_the_form(browser, people):
    browser.sign_in(people["practitioner"])
    with clock.fixed_at(datetime(2026, 11, 2, 9, 0)):
        item_id = browser.propose(**IDEA, funding_asked="200")
    browser.sign_in(people["facilitator"])
    with clock.fixed_at(datetime(2026, 11, 12, 10, 0)):  # Thursday; decided the Wednesday before
        answers = {"conditions": "Agreed at the Denaby conversation club.",
                   "decided_at": day_month_year(date(2026, 11, 4))}
        response = browser.act(item_id, "approve", answers)
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert 'href="#delay_explanation"' in html
        assert "recorded more than one working day after it was made" in html
        assert "Agreed at the Denaby conversation club." in html
        assert db.session.get(Item, item_id).state == "proposed"
        response = browser.act(item_id, "approve", answers | {
            "delay_explanation": "The club's notes reached me a week later."})
        assert response.status_code == 302
    [decision] = _decisions(item_id)
    assert decision.decided_at.date() == date(2026, 11, 4)
    assert decision.recorded_at == datetime(2026, 11, 12, 10, 0)
    log = text_of(browser.get("/decisions", query_string={"item": item_id}))
    assert "Why it was recorded late The club's notes reached me a week later." in log
