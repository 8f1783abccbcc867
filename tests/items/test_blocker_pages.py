"""Raising a blocker, the item page and its actions, as people use them in a browser."""

from __future__ import annotations

import html as html_lib
import logging
import re
from contextlib import contextmanager

import pytest
from blocker_pages import raise_hub_blocker, text_of
from sqlalchemy import func, select

from govflow.extensions import db
from govflow.items import services
from govflow.items.models import Comment, Event, Item
from govflow.systemic import services as systemic
from govflow.workflow import engine

LORRAINE = "lorraine.hebden@denaby-cafe.example"
GARETH = "gareth.holmes@syp.example"  # Head of Service (police), sponsor of Denaby


def _events(item):
    return db.session.scalars(select(Event).where(Event.item_id == item.id)
                              .order_by(Event.id)).all()


def _snapshot(item):
    db.session.expire_all()
    fresh = db.session.get(Item, item.id)
    return (fresh.state, fresh.tier, fresh.version, fresh.owner_id, fresh.due_at,
            [e.id for e in _events(fresh)])


@contextmanager
def _changes_nothing(item):
    """What is done inside leaves the item as it was: its state, tier, version, owner,
    deadline and history."""
    before = _snapshot(item)
    yield
    assert _snapshot(item) == before


def _field_value(html, name):
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    if match:
        return html_lib.unescape(match.group(1)).strip()
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    return html_lib.unescape(match.group(1)) if match else None


# --- raising ------------------------------------------------------------------------------


def test_the_raise_form_starts_in_the_persons_home_area_with_the_framework_tags(browser,
                                                                                 people):
    browser.sign_in(people["practitioner"])
    html = browser.get("/blockers/new").get_data(as_text=True)
    assert re.search(r'<option value="denaby" selected', html)
    page = text_of(browser.get("/blockers/new"))
    assert "Which of the framework's features does it get in the way of?" in page
    assert "Which outcomes for children and families does it hold back?" in page
    for tag in ("Rooted in place", "Governance and leadership",
                "Becoming self-reliant and confident"):
        assert tag in page
    assert html.count('name="features"') == 6 and html.count('name="outcomes"') == 4


def test_personal_data_is_named_beside_each_field_and_nothing_typed_is_lost(browser, people):
    browser.sign_in(people["practitioner"])
    before = db.session.scalar(select(func.count(Item.id)))
    typed = {
        "title": "Health visitor notes cannot be shared with the school",
        "description": "For example NHS number 943 476 5919 was refused last week.",
        "effect": "Parents have to call 07700 900123 and repeat everything.",
        "area": "balby",
        "features": ["whole-family-working", "rooted-in-place"],
        "outcomes": ["thriving-emotionally-well"],
        "organisation": "dbth",
    }
    response = browser.submit("/blockers/new", typed)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    page = text_of(response)
    assert "There is a problem" in page
    assert "What is blocked looks like it contains personal details: an NHS number" in page
    assert "The effect on families' support looks like it contains personal details: a phone number" in page
    assert 'href="#description"' in html and 'href="#effect"' in html
    assert 'id="description-error"' in html and 'id="effect-error"' in html
    # Every answer is still there to edit.
    for name in ("title", "description", "effect"):
        assert _field_value(html, name) == typed[name]
    assert re.search(r'<option value="balby" selected', html)
    assert re.search(r'<option value="dbth" selected', html)
    for slug in ("whole-family-working", "rooted-in-place", "thriving-emotionally-well"):
        assert re.search(rf'value="{slug}" checked', html), slug
    assert db.session.scalar(select(func.count(Item.id))) == before


def test_a_missing_title_is_an_error_linked_to_the_field(browser, people):
    browser.sign_in(people["practitioner"])
    response = browser.submit("/blockers/new", {"title": "", "description": "Something",
                                                "area": "denaby", "organisation": ""})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'href="#title">Enter a title' in html
    assert _field_value(html, "description") == "Something"


# --- the item page ------------------------------------------------------------------------


def test_another_areas_item_is_readable_and_a_missing_one_is_not_found(browser, people):
    balby = raise_hub_blocker(people["ryan.cooper@syp.example"], area="balby", organisation="syp")
    browser.sign_in(people["practitioner"])  # Denaby, trust
    page = browser.get(f"/items/{balby.id}")
    assert page.status_code == 200
    assert "Everyone in the partnership" in text_of(page)
    assert browser.get(f"/items/{balby.id}/actions/escalate").status_code == 403
    assert browser.get("/items/999999").status_code == 404


def test_a_restricted_item_says_it_is_restricted_and_whom_to_ask(browser, people, caplog):
    ryan = people["ryan.cooper@syp.example"]
    balby = raise_hub_blocker(ryan, area="balby", organisation="syp",
                   title="A staff matter at the Balby hub")
    engine.set_restricted(balby, ryan, restricted=True, reason="A staff matter")
    browser.sign_in(people["practitioner"])  # Denaby, trust
    with caplog.at_level(logging.WARNING, logger="govflow"):
        response = browser.get(f"/items/{balby.id}")
    assert response.status_code == 403
    text = text_of(response)
    assert "This item is restricted" in text
    assert "Megan Lloyd" in text  # Balby's facilitator, whom to ask
    assert "A staff matter at the Balby hub" not in text
    assert any(str(balby.id) in r.getMessage() and r.levelno == logging.WARNING
               for r in caplog.records)
    assert browser.get(f"/items/{balby.id}/actions/escalate").status_code == 403


@pytest.mark.parametrize("who", ["practitioner", "facilitator", "executive", LORRAINE, GARETH,
                                 "admin"])
def test_the_actions_offered_are_exactly_what_the_workflow_allows(browser, people, who):
    item = raise_hub_blocker(people["practitioner"])
    person = people[who]
    browser.sign_in(person)
    html = browser.get(f"/items/{item.id}").get_data(as_text=True)
    offered = set(re.findall(rf'/items/{item.id}/actions/([a-z_]+)"', html))
    assert offered == {a.trigger.name for a in engine.available(item, person)}


def test_an_action_form_is_built_from_the_workflow_file(browser, people):
    item = raise_hub_blocker(people["practitioner"])
    browser.sign_in(people["facilitator"])
    response = browser.get(f"/items/{item.id}/actions/escalate")
    html = response.get_data(as_text=True)
    page = text_of(response)
    assert "Escalate to the next tier" in page
    assert "Why it needs the next tier" in page  # field_labels: in blocker.yaml
    assert "Say why, in a sentence or two" in page  # the field's hint
    assert "This will move the blocker from Bronze to Silver." in page
    assert re.search(r'<textarea[^>]*name="reason"', html)
    assert re.search(rf'name="version"[^>]*value="{item.version}"', html)


def test_a_missing_reason_is_shown_beside_the_field_and_nothing_changes(browser, people):
    item = raise_hub_blocker(people["practitioner"])
    browser.sign_in(people["facilitator"])
    with _changes_nothing(item):
        response = browser.act(item.id, "escalate", {"reason": "   "})
    assert response.status_code == 400
    assert 'href="#reason">Enter why it needs the next tier' in response.get_data(as_text=True)


def test_personal_data_in_an_action_keeps_the_text_and_changes_nothing(browser, people):
    item = raise_hub_blocker(people["practitioner"])
    browser.sign_in(people["facilitator"])
    typed = "Mrs Okoro was turned away twice; the trust must decide."
    with _changes_nothing(item):
        response = browser.act(item.id, "escalate", {"reason": typed})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "looks like it contains personal details: a person's name" in text_of(response)
    assert _field_value(html, "reason") == typed


def test_a_stale_form_shows_what_changed_keeps_the_text_and_applies_nothing(browser, people):
    item = raise_hub_blocker(people["practitioner"])
    rachel, lorraine = people["facilitator"], people[LORRAINE]
    browser.sign_in(rachel)
    form = browser.open_form(f"/items/{item.id}/actions/escalate")
    # While Rachel is typing, Lorraine escalates it.
    engine.fire(item, "escalate", lorraine, fields={"reason": "Needs the trust's view."},
                version=item.version)
    db.session.commit()  # as Lorraine's request did
    typed = "The caretaker contract is held by the trust, not us."
    with _changes_nothing(item):
        response = browser.act(item.id, "escalate", {"reason": typed}, form=form)
    assert response.status_code == 409
    page = text_of(response)
    assert "This item changed since you opened it" in page
    assert "Nothing you sent has been applied" in page
    assert f"Escalated (Bronze to Silver) by {lorraine.display_name}" in page
    assert "Needs the trust's view." in page
    assert "You can no longer escalate to the next tier: it is now Silver." in page
    assert _field_value(response.get_data(as_text=True), "reason") == typed
    assert [e.actor_id for e in _events(item) if e.trigger == "escalate"] == [lorraine.id]


def test_a_stale_form_that_still_applies_can_be_sent_again_on_purpose(browser, people):
    item = raise_hub_blocker(people["practitioner"])
    rachel, gareth = people["facilitator"], people[GARETH]
    browser.sign_in(rachel)
    form = browser.open_form(f"/items/{item.id}/actions/escalate")
    engine.fire(item, "take", gareth, version=item.version)  # someone takes ownership
    typed = "The trust holds the caretaker contract."
    response = browser.act(item.id, "escalate", {"reason": typed}, form=form)
    assert response.status_code == 409
    page = text_of(response)
    assert f"Ownership taken by {gareth.display_name}" in page
    assert "If you still want to escalate to the next tier, check your answer and send it again." in page
    html = response.get_data(as_text=True)
    assert _field_value(html, "reason") == typed
    assert item.state == "bronze"
    # Sending the kept text again, with the version the page now carries, applies it.
    browser.act_accepted(item, "escalate", {"reason": _field_value(html, "reason"),
                                            "version": _field_value(html, "version")},
                         form=form)
    assert item.state == "silver"


def test_an_action_the_state_does_not_allow_is_a_message_on_the_item_page(browser, people):
    item = raise_hub_blocker(people["practitioner"])
    browser.sign_in(people["practitioner"])
    with _changes_nothing(item):
        response = browser.get(f"/items/{item.id}/actions/close")
        assert response.status_code == 409
        page = text_of(response)
        assert "That cannot be done now" in page
        assert "This blocker is bronze, so it cannot be closed now." in page
        assert item.title in page  # it is the item page
        posted = browser.client.post(f"/items/{item.id}/actions/close",
                                     data={"csrf_token": browser.open_form(
                                         f"/items/{item.id}")["csrf_token"],
                                         "version": str(item.version)})
        assert posted.status_code == 409
        assert "cannot be closed now" in text_of(posted)


def test_an_action_the_person_may_not_take_is_forbidden(browser, people):
    item = raise_hub_blocker(people["practitioner"])
    browser.sign_in(people["practitioner"])
    with _changes_nothing(item):
        assert browser.get(f"/items/{item.id}/actions/escalate").status_code == 403
        token = browser.open_form(f"/items/{item.id}")["csrf_token"]
        response = browser.client.post(f"/items/{item.id}/actions/escalate", data={
            "csrf_token": token, "version": str(item.version), "reason": "Please"})
        assert response.status_code == 403


def test_unknown_actions_are_not_found(browser, people):
    item = raise_hub_blocker(people["practitioner"])
    browser.sign_in(people["facilitator"])
    assert browser.get(f"/items/{item.id}/actions/delete").status_code == 404


@pytest.mark.parametrize("path", ["/items/{id}/comments"])
def test_get_on_a_url_that_changes_things_is_not_allowed(browser, people, path):
    item = raise_hub_blocker(people["practitioner"])
    browser.sign_in(people["facilitator"])
    response = browser.get(path.format(id=item.id))
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_taking_ownership_is_one_button_and_shows_the_owner(browser, people):
    item = raise_hub_blocker(people["practitioner"])
    rachel = people["facilitator"]
    browser.sign_in(rachel)
    response = browser.click_button(item.id, "take")
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.owner_id == rachel.id and item.state == "bronze"
    page = text_of(browser.get(f"/items/{item.id}"))
    assert f"Owner {rachel.display_name}" in page
    history = page[page.index("History"):]
    assert re.search(rf"Ownership taken \d+ \w+ \d{{4}} at [\w:]+ by {rachel.display_name}",
                     history)


def test_a_comment_appears_in_the_history_and_personal_data_keeps_the_text(browser, people):
    item = raise_hub_blocker(people["practitioner"])
    browser.sign_in(people["facilitator"])
    form = browser.open_form(f"/items/{item.id}")
    bad = "Spoke to Mr Jones about it; call 07700 900123."
    response = browser.client.post(f"/items/{item.id}/comments",
                                   data={"csrf_token": form["csrf_token"], "body": bad})
    assert response.status_code == 422
    assert _field_value(response.get_data(as_text=True), "body") == bad
    assert db.session.scalar(select(func.count(Comment.id)).where(
        Comment.item_id == item.id)) == 0
    good = "Asked the caretaker service for their rota."
    response = browser.client.post(f"/items/{item.id}/comments",
                                   data={"csrf_token": form["csrf_token"], "body": good})
    assert response.status_code == 302
    page = text_of(browser.get(f"/items/{item.id}"))
    history = page[page.index("History"):]
    assert history.index("Comment") < history.index("Blocker raised")
    assert good in history


def test_the_history_shows_comments_among_the_events_newest_first_with_who(browser, people):
    item = raise_hub_blocker(people["practitioner"], tags=["vision-and-outcomes", "rooted-in-place"])
    services.add_comment(item, people["head_of_service"], "The trust's <estates> team know.")
    engine.fire(item, "take", people["facilitator"])
    services.add_comment(item, people["executive"], "Raised at the forum & noted.")
    systemic.add_area(item, people["admin"], area="balby", effect="Same in Balby.")
    browser.sign_in(people["executive"])
    page = text_of(browser.get(f"/items/{item.id}"))
    # The tags in their framework order, the other area beside the first.
    assert "Areas Denaby Balby" in page
    assert "Framework tags Rooted in place Vision and outcomes" in page
    history = page[page.index("Newest first"):]
    order = [
        f"Comment {{}} by {people['executive'].display_name} Raised at the forum & noted.",
        f"Ownership taken {{}} by {people['facilitator'].display_name}",
        f"Comment {{}} by {people['head_of_service'].display_name} "
        "The trust's <estates> team know.",
        f"Blocker raised {{}} by {people['practitioner'].display_name}",
    ]
    when = r"\d+ \w+ \d{4} at [\w:]+"
    pattern = ".*".join(re.escape(line).replace(re.escape("{}"), when) for line in order)
    assert re.search(pattern, history), history


def test_an_empty_comment_is_an_error_and_the_next_view_shows_a_blank_form(browser, people):
    item = raise_hub_blocker(people["practitioner"])
    browser.sign_in(people["facilitator"])
    form = browser.open_form(f"/items/{item.id}")
    response = browser.client.post(f"/items/{item.id}/comments",
                                   data={"csrf_token": form["csrf_token"], "body": ""})
    assert response.status_code == 400
    assert "Enter a comment" in text_of(response)
    again = browser.get(f"/items/{item.id}")
    assert "Enter a comment" not in text_of(again)
    assert "govuk-form-group--error" not in again.get_data(as_text=True)
    assert _field_value(again.get_data(as_text=True), "body") == ""


def test_a_comment_does_not_make_an_open_action_form_stale(browser, people):
    item = raise_hub_blocker(people["practitioner"])
    version = item.version
    services.add_comment(item, people["head_of_service"], "The trust's estates team know.")
    db.session.expire_all()
    assert db.session.get(Item, item.id).version == version


def test_reopening_goes_back_to_the_tier_where_it_was_unblocked(browser, people):
    priya, rachel, helen = people["practitioner"], people["facilitator"], people["head_of_service"]
    item = raise_hub_blocker(priya)
    engine.fire(item, "escalate", rachel, fields={"reason": "Needs Silver."})
    engine.fire(item, "unblock", helen, fields={"resolution": "Caretaker rota extended."})
    assert (item.state, item.tier) == ("unblocked", "silver")
    browser.sign_in(priya)
    browser.act_accepted(item, "reopen", {"reason": "Rooms still shut at 4pm on Fridays."})
    assert (item.state, item.tier) == ("silver", "silver")
    # ...and from closed too: unblocked at Silver again, closed, then reopened.
    engine.fire(item, "unblock", helen, fields={"resolution": "Friday rota added."})
    browser.click_button(item.id, "close")
    db.session.refresh(item)
    assert item.state == "closed"
    browser.act_accepted(item, "reopen", {"reason": "It lapsed after a month."})
    assert (item.state, item.tier) == ("silver", "silver")
    reopens = [e for e in _events(item) if e.trigger == "reopen"]
    assert [(e.from_state, e.to_state) for e in reopens] == [("unblocked", "silver"),
                                                            ("closed", "silver")]


def test_withdrawing_asks_for_an_optional_reason(browser, people):
    item = raise_hub_blocker(people["practitioner"])
    browser.sign_in(people["practitioner"])
    page = text_of(browser.get(f"/items/{item.id}/actions/withdraw"))
    assert "Why you are withdrawing it (optional)" in page
    browser.act_accepted(item, "withdraw", {"reason": ""})
    assert item.state == "withdrawn"


def test_an_action_posted_without_the_version_seen_is_refused(browser, people):
    item = raise_hub_blocker(people["practitioner"])
    browser.sign_in(people["facilitator"])
    form = browser.open_form(f"/items/{item.id}/actions/escalate")
    del form["version"]
    with _changes_nothing(item):
        response = browser.act(item.id, "escalate", {"reason": "No version sent."}, form=form)
    assert response.status_code == 400
    assert "missing the version of the item you saw" in text_of(response)
    assert _field_value(response.get_data(as_text=True), "reason") == "No version sent."
