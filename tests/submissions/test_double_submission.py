"""Sending a form twice does its work once: the same body posted again (a double click, Back
then send, a browser's retry) goes where the first went, says it was already sent, and
changes nothing; a refused submission does not use up its key."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from submission_forms import form_posting_to, text_of

from govflow import workdays
from govflow.clock import utcnow
from govflow.decisions.models import Decision
from govflow.extensions import db
from govflow.items import services as items
from govflow.items.models import Event, Item
from govflow.sponsors.models import SponsorAction
from govflow.submissions.models import SubmissionKey

ALREADY_SENT = "This was already sent. Sending it again changed nothing."
BLOCKER = {
    "title": "The hub's rooms cannot be booked after 4pm",
    "description": "There is no late caretaker, so the rooms close at 4pm.",
    "area": "denaby",
    "organisation": "dcst",
}
IDEA = {
    "title": "Library homework club",
    "description": "A weekly homework club run by volunteers at the library.",
    "outcomes": ["reach-full-potential"],
    "why": "Children get help and a quiet place to work after school.",
    "area": "denaby",
    "who_involved": "Library staff and two school volunteers",
    "funding_asked": "£300",
    "support_needed": "The library's meeting room on Tuesdays",
}


def _sign_in(auth, person):
    response = auth.login(person.email)
    assert response.status_code == 302


def _filled(client, page: str, action: str | None = None, **answers) -> dict:
    """The form on `page` (posting to `action`, default the page itself) with its hidden
    fields as the page gave them, and the answers typed in."""
    html = client.get(page).get_data(as_text=True)
    form = form_posting_to(html, action or page, page)
    assert form.hidden.get("submission_key"), "the form carries a submission key"
    return form.hidden | answers


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _twice(client, path: str, body: dict):
    first = client.post(path, data=body)
    second = client.post(path, data=body)
    return first, second


def _shows_already_sent(client, second, first):
    assert second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    page = client.get(second.headers["Location"])
    assert page.status_code == 200
    assert ALREADY_SENT in text_of(page)


# --- raising ------------------------------------------------------------------------------


@pytest.mark.parametrize(("form", "fields", "lands_on"), [
    ("/blockers/new", BLOCKER, "/items/"),  # the blocker's page
    ("/ideas/new", IDEA, "/proposed"),  # "your idea has been proposed"
], ids=["blocker", "idea"])
def test_a_blocker_or_idea_sent_twice_is_raised_once(auth, client, people, form, fields,
                                                     lands_on):
    _sign_in(auth, people["practitioner"])
    body = _filled(client, form, **fields)
    first, second = _twice(client, form, body)
    assert first.status_code == 302 and lands_on in first.headers["Location"]
    _shows_already_sent(client, second, first)
    assert _count(Item, Item.title == fields["title"]) == 1


def test_two_forms_opened_separately_raise_two_blockers(auth, client, people):
    """The key is what makes a send a repeat, not what was typed: two blockers with the same
    words, each from its own form, are two blockers."""
    _sign_in(auth, people["practitioner"])
    one = client.post("/blockers/new", data=_filled(client, "/blockers/new", **BLOCKER))
    two = client.post("/blockers/new", data=_filled(client, "/blockers/new", **BLOCKER))
    assert one.status_code == two.status_code == 302
    assert one.headers["Location"] != two.headers["Location"]
    assert _count(Item, Item.title == BLOCKER["title"]) == 2


def test_a_refused_blocker_keeps_its_key_for_the_corrected_send(auth, client, people):
    _sign_in(auth, people["practitioner"])
    body = _filled(client, "/blockers/new", **BLOCKER)
    refused = client.post("/blockers/new", data=body | {
        "description": "Refused last week for NHS number 943 476 5919."})
    assert refused.status_code == 422
    assert _count(SubmissionKey, SubmissionKey.key == body["submission_key"]) == 0
    corrected = client.post("/blockers/new", data=body)
    assert corrected.status_code == 302
    again = client.post("/blockers/new", data=body)
    assert again.status_code == 303 and again.headers["Location"] == corrected.headers["Location"]
    assert _count(Item, Item.title == BLOCKER["title"]) == 1


# --- workflow actions and decisions -------------------------------------------------------


@pytest.fixture
def bronze_blocker(people):
    return items.raise_blocker(people["practitioner"], **BLOCKER)


def test_an_escalation_sent_twice_goes_up_one_tier(auth, client, people, bronze_blocker):
    item_id = bronze_blocker.id
    _sign_in(auth, people["facilitator"])
    path = f"/items/{item_id}/actions/escalate"
    body = _filled(client, path, reason="Needs the council's lettings team to agree.")
    first, second = _twice(client, path, body)
    assert first.status_code == 302
    _shows_already_sent(client, second, first)
    item = db.session.get(Item, item_id)
    db.session.refresh(item)
    assert item.tier == "silver"  # not gold
    assert _count(Event, Event.item_id == item_id, Event.trigger == "escalate") == 1


def test_a_button_action_sent_twice_is_done_once(auth, client, people, bronze_blocker):
    """Actions without questions are buttons on the item page (Take ownership)."""
    item_id = bronze_blocker.id
    _sign_in(auth, people["facilitator"])
    path = f"/items/{item_id}/actions/take"
    body = _filled(client, f"/items/{item_id}", path)
    first, second = _twice(client, path, body)
    assert first.status_code == 302
    _shows_already_sent(client, second, first)
    assert _count(Event, Event.item_id == item_id, Event.trigger == "take") == 1


def test_a_decision_sent_twice_is_logged_once(auth, client, people):
    _sign_in(auth, people["practitioner"])
    proposed = client.post("/ideas/new", data=_filled(client, "/ideas/new", **IDEA))
    item = db.session.scalar(select(Item).where(Item.title == IDEA["title"]))
    assert proposed.status_code == 302 and item.state == "proposed"
    auth.logout()
    _sign_in(auth, people["facilitator"])
    path = f"/items/{item.id}/actions/approve"
    body = _filled(client, path, rationale="A good use of the room; the library agrees.")
    first, second = _twice(client, path, body)
    assert first.status_code == 302, text_of(first)[:1500]
    _shows_already_sent(client, second, first)
    assert _count(Decision, Decision.item_id == item.id) == 1


def test_a_decision_correction_sent_twice_is_made_once(auth, client, people):
    _sign_in(auth, people["practitioner"])
    client.post("/ideas/new", data=_filled(client, "/ideas/new", **IDEA))
    item = db.session.scalar(select(Item).where(Item.title == IDEA["title"]))
    auth.logout()
    _sign_in(auth, people["facilitator"])
    approved = client.post(f"/items/{item.id}/actions/approve", data=_filled(
        client, f"/items/{item.id}/actions/approve", rationale="The library agrees."))
    assert approved.status_code == 302
    decision = db.session.scalar(select(Decision).where(Decision.item_id == item.id))
    path = f"/decisions/{decision.id}/correct"
    html = client.get(path).get_data(as_text=True)
    today = workdays.london_date(utcnow())
    body = form_posting_to(html, path, path).hidden | {
        "correction_reason": "Wrong room named.", "summary": "Approved.",
        "rationale": "The library agrees (Tuesdays).",
        "decided_at": [str(today.day), str(today.month), str(today.year)]}
    first, second = _twice(client, path, body)
    assert first.status_code == 302, text_of(first)[:1500]
    _shows_already_sent(client, second, first)
    assert _count(Decision, Decision.supersedes_id == decision.id) == 1


# --- sponsor actions ----------------------------------------------------------------------


def _due(days: int) -> list[str]:
    due = workdays.add_working_days(workdays.london_date(utcnow()), days)
    return [str(due.day), str(due.month), str(due.year)]


def test_a_sponsor_action_sent_twice_is_recorded_once(auth, client, people):
    _sign_in(auth, people["sponsor"])
    what = "Ask the DBS team about volunteer checks"
    body = _filled(client, "/actions/new", what=what, area="denaby", due_on=_due(5), owner="")
    first, second = _twice(client, "/actions/new", body)
    assert first.status_code == 302, text_of(first)[:1500]
    _shows_already_sent(client, second, first)
    assert _count(SponsorAction, SponsorAction.what == what) == 1


def test_marking_a_sponsor_action_done_twice_records_it_once(auth, client, people):
    _sign_in(auth, people["sponsor"])
    what = "Book the hub for the café group"
    client.post("/actions/new", data=_filled(client, "/actions/new", what=what, area="denaby",
                                             due_on=_due(3), owner=""))
    action = db.session.scalar(select(SponsorAction).where(SponsorAction.what == what))
    path = f"/actions/{action.id}/done"
    body = _filled(client, path, outcome="Booked for Thursdays.")
    first, second = _twice(client, path, body)
    assert first.status_code == 302, text_of(first)[:1500]
    _shows_already_sent(client, second, first)
    db.session.refresh(action)
    assert action.status == "done" and action.outcome_note == "Booked for Thursdays."


# --- the keys themselves ------------------------------------------------------------------


def test_a_key_is_one_persons(auth, client, people):
    """Someone else sending a form with the same key (it leaked, or was guessed) is not
    shown the first person's outcome: the key is theirs to use."""
    _sign_in(auth, people["practitioner"])
    body = _filled(client, "/blockers/new", **BLOCKER)
    assert client.post("/blockers/new", data=body).status_code == 302
    auth.logout()
    _sign_in(auth, people["facilitator"])
    theirs = _filled(client, "/blockers/new", **BLOCKER)
    theirs["submission_key"] = body["submission_key"]
    assert client.post("/blockers/new", data=theirs).status_code == 302
    assert _count(Item, Item.title == BLOCKER["title"]) == 2


def test_a_key_we_did_not_make_is_refused(auth, client, people):
    _sign_in(auth, people["practitioner"])
    body = _filled(client, "/blockers/new", **BLOCKER) | {"submission_key": "short"}
    assert client.post("/blockers/new", data=body).status_code == 400
    assert _count(Item, Item.title == BLOCKER["title"]) == 0


def test_the_sweep_forgets_keys_after_the_days_configured(app, auth, client, people):
    from govflow import sweep

    _sign_in(auth, people["practitioner"])
    body = _filled(client, "/blockers/new", **BLOCKER)
    assert client.post("/blockers/new", data=body).status_code == 302
    days = app.config["SUBMISSION_KEYS_KEPT_DAYS"]
    mine = SubmissionKey.key == body["submission_key"]
    sweep.run(now=utcnow() + timedelta(days=days) - timedelta(minutes=1))
    assert _count(SubmissionKey, mine) == 1
    ctx = sweep.run(now=utcnow() + timedelta(days=days, minutes=1))
    assert _count(SubmissionKey, mine) == 0
    assert ctx.counts["submission keys forgotten"] >= 1


def test_an_api_token_asked_for_twice_is_made_once(auth, client, people):
    """Creating a token answers with a page showing it (not a redirect): a repeat goes back
    to the account page the form was on."""
    from govflow.accounts.models import ApiToken

    _sign_in(auth, people["practitioner"])
    body = _filled(client, "/account", "/account/tokens", name="Case system link")
    referer = {"Referer": "http://localhost/account"}
    first = client.post("/account/tokens", data=body, headers=referer)
    second = client.post("/account/tokens", data=body, headers=referer)
    assert first.status_code == 200 and "Case system link" in text_of(first)
    assert second.status_code == 303 and second.headers["Location"] == "http://localhost/account"
    assert ALREADY_SENT in text_of(client.get("/account"))
    assert _count(ApiToken, ApiToken.name == "Case system link") == 1
