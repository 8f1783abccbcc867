"""The whole journey of one blocker as five people, through the web forms."""

from __future__ import annotations

from blocker_pages import text_of
from sqlalchemy import select

from govflow import workdays
from govflow.clock import utcnow
from govflow.decisions.models import Decision
from govflow.extensions import db
from govflow.items.models import Event, Item
from govflow.notifications.models import Notification

LORRAINE = "lorraine.hebden@denaby-cafe.example"


def _notified(item, person, kind=None):
    q = select(Notification).where(Notification.item_id == item.id,
                                   Notification.user_id == person.id)
    if kind:
        q = q.where(Notification.kind == kind)
    return db.session.scalars(q.order_by(Notification.id)).all()


def _last_event(item):
    return db.session.scalars(
        select(Event).where(Event.item_id == item.id).order_by(Event.id.desc())
    ).first()


def _check_deadline(item, days):
    event = _last_event(item)
    assert item.due_at == workdays.deadline_after(event.at, days)


def test_five_people_take_a_blocker_from_bronze_to_gold_and_back_to_fixed(browser, people):
    priya = people["practitioner"]
    rachel = people["facilitator"]  # a facilitator in Denaby, Priya's area
    helen = people["head_of_service"]  # Silver, same trust as Priya
    simon = people["executive"]  # Gold
    lorraine = people[LORRAINE]  # Denaby's other facilitator

    # 1. Priya raises it: Raise → "A blocker" → the form.
    browser.sign_in(priya)
    choice = browser.submit("/raise", {"kind": "blocker"})
    assert choice.headers["Location"].endswith("/blockers/new")
    raised = browser.submit("/blockers/new", {
        "title": "Youth club cannot use the school hall in the holidays",
        "description": "The hall is free but the school's insurance does not cover other groups.",
        "effect": "Families lose the one free holiday activity in the village.",
        "area": "denaby",
        "features": ["rooted-in-place"],
        "outcomes": ["safe-stronger-families"],
        "organisation": "dcst",
    })
    assert raised.status_code == 302
    item_path = raised.headers["Location"]
    item = db.session.get(Item, int(item_path.rsplit("/", 1)[1]))
    assert (item.state, item.tier, item.raised_by_id) == ("bronze", "bronze", priya.id)
    _check_deadline(item, 2)
    page = text_of(browser.get(item_path))
    assert "Blocker raised. It is at Bronze" in page
    assert workdays.due_text(item.due_at, utcnow()) in page
    assert [t.slug for t in item.tags] == ["rooted-in-place", "safe-stronger-families"]
    for facilitator in (rachel, lorraine):
        assert len(_notified(item, facilitator, "reached_tier")) == 1

    # 2. Rachel, Denaby's facilitator, escalates it to Silver.
    browser.sign_in(rachel)
    assert "Escalate to the next tier" in text_of(browser.get(item_path))
    browser.act_accepted(item, "escalate", {"reason": "Insurance is decided by the trust."})
    assert (item.state, item.tier) == ("silver", "silver")
    _check_deadline(item, 3)
    assert len(_notified(item, helen, "reached_tier")) == 1
    assert [n.subject for n in _notified(item, priya)] == [
        "Escalated: Youth club cannot use the school hall in the holidays"]

    # 3. Helen, Head of Service, escalates it to Gold: it crosses organisations.
    browser.sign_in(helen)
    browser.act_accepted(item, "escalate",
                         {"reason": "The school's insurer and the council must agree."})
    assert (item.state, item.tier) == ("gold", "gold")
    _check_deadline(item, 5)
    # Simon is also Denaby's sponsor, so he has heard at every tier; this is the Gold one.
    assert [n.subject for n in _notified(item, simon, "reached_tier")][-1].startswith(
        "New at Gold")
    assert len(_notified(item, people["bernadette.quinn@dbth.example"], "reached_tier")) == 1

    # 4. Simon, an executive, refers it back down with the permission given.
    browser.sign_in(simon)
    form_page = text_of(browser.get(f"/items/{item.id}/actions/refer_to_bronze"))
    assert "Support or permission given" in form_page
    assert "This will move the blocker from Gold to Bronze." in form_page
    browser.act_accepted(item, "refer_to_bronze", {
        "support_given": "The council's insurance now covers community groups in school halls."})
    assert (item.state, item.tier) == ("bronze", "bronze")
    _check_deadline(item, 2)
    decision = db.session.scalar(select(Decision).where(Decision.item_id == item.id))
    assert decision.outcome == "referred_down" and decision.decided_by_id == simon.id
    assert len(_notified(item, lorraine, "reached_tier")) == 2  # raised, then back at Bronze

    # 5. Lorraine, the practitioner's facilitator, unblocks it.
    browser.sign_in(lorraine)
    browser.act_accepted(item, "unblock", {
        "resolution": "Booked the hall for the summer under the council's cover."})
    assert item.state == "unblocked"
    _check_deadline(item, 5)  # the quiet period before it closes itself

    # 6. Priya confirms it is fixed.
    browser.sign_in(priya)
    page = text_of(browser.get(item_path))
    assert "Closes itself on" in page
    response = browser.click_button(item.id, "close")
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.state == "closed" and item.due_at is None and item.closed_at is not None

    # The raiser heard of every change made by someone else; one notification each.
    assert [n.subject.split(":")[0] for n in _notified(item, priya)] == [
        "Escalated", "Escalated", "Referred back to Bronze", "Unblocked"]

    # The history: every step, newest first, with who did it and why.
    page = text_of(browser.get(item_path))
    history = page[page.index("History"):]
    expected = [
        ("Closed", priya.display_name, None),
        ("Unblocked", lorraine.display_name, "Booked the hall for the summer"),
        ("Referred back to Bronze", simon.display_name, "insurance now covers community groups"),
        ("Escalated", helen.display_name, "The school's insurer and the council must agree."),
        ("Escalated", rachel.display_name, "Insurance is decided by the trust."),
        ("Blocker raised", priya.display_name, None),
    ]
    position = 0
    for what, who, why in expected:
        position = history.index(what, position)
        assert history.index(f"by {who}", position) >= position
        if why:
            position = history.index(why, position)
    assert "Status changed from Gold to Bronze." in history
    events = db.session.scalars(select(Event).where(Event.item_id == item.id)).all()
    assert [e.trigger for e in events] == [
        "raise", "escalate", "escalate", "refer_to_bronze", "unblock", "close"]
