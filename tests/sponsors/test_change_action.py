"""Changing a sponsor action: what it is and when it is due can change, from its page; the
old wording and date stay in its history and the record's chain, never a silent edit."""

from __future__ import annotations

from sponsor_support import PRACTITIONER, SPONSOR, csrf_from, working_days_ahead
from sqlalchemy import select

from govflow import workdays
from govflow.extensions import db
from govflow.sponsors.models import SponsorActionEvent


def _parts(d):
    return [str(d.day), str(d.month), str(d.year)]


def _events(action_id):
    return db.session.scalars(select(SponsorActionEvent).where(
        SponsorActionEvent.action_id == action_id).order_by(SponsorActionEvent.id)).all()


def test_the_action_page_offers_a_change_and_the_form_shows_what_it_says_now(
        auth, client, make_action):
    due = working_days_ahead(5)
    action = make_action(what="Ask the IG leads for a one-page note", due_on=due)
    auth.login(SPONSOR)
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert f'href="/actions/{action.id}/change"' in page
    assert "Change this action" in page

    form = client.get(f"/actions/{action.id}/change").get_data(as_text=True)
    assert '<h1 class="govuk-heading-l">Change the action</h1>' in form
    assert "Ask the IG leads for a one-page note</textarea>" in form
    assert f'id="due_on-day" name="due_on" type="text" value="{due.day:02d}"' in form
    assert f'name="version" type="hidden" value="{action.version}"' in form


def test_a_change_is_an_entry_in_the_history_saying_what_it_was(auth, client, make_action):
    due = working_days_ahead(5)
    later = working_days_ahead(10)
    action = make_action(what="Ask the IG leads for a one-page note", due_on=due)
    auth.login(SPONSOR)
    token = csrf_from(client.get(f"/actions/{action.id}/change").get_data(as_text=True))
    response = client.post(f"/actions/{action.id}/change", data={
        "csrf_token": token, "version": action.version,
        "what": "Ask the IG leads and the school DSLs for a one-page note",
        "due_on": _parts(later)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/actions/{action.id}")
    db.session.refresh(action)
    assert action.what == "Ask the IG leads and the school DSLs for a one-page note"
    assert action.due_on == later and action.status == "open"

    change = _events(action.id)[-1]
    assert (change.from_status, change.to_status) == ("open", "open")
    assert change.note == (
        "What changed from: Ask the IG leads for a one-page note. Due date changed from "
        f"{workdays.format_date(due)} to {workdays.format_date(later)}")

    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "The action is changed. Its history shows what it said before." in page
    assert '<h3 class="gf-timeline__title">Changed</h3>' in page
    assert "What changed from: Ask the IG leads for a one-page note." in page


def test_nothing_changed_and_missing_text_are_shown_beside_the_form(auth, client, make_action):
    due = working_days_ahead(5)
    action = make_action(what="Ask the IG leads", due_on=due)
    auth.login(SPONSOR)
    token = csrf_from(client.get(f"/actions/{action.id}/change").get_data(as_text=True))
    response = client.post(f"/actions/{action.id}/change", data={
        "csrf_token": token, "version": action.version, "what": "  ", "due_on": _parts(due)})
    assert response.status_code == 400
    assert "Enter what the action is" in response.get_data(as_text=True)

    response = client.post(f"/actions/{action.id}/change", data={
        "csrf_token": token, "version": action.version, "what": "Ask the IG leads",
        "due_on": _parts(due)})
    assert response.status_code == 400
    assert "Nothing was changed." in response.get_data(as_text=True)
    db.session.refresh(action)
    assert action.what == "Ask the IG leads" and len(_events(action.id)) == 1


def test_a_stale_change_is_refused_and_keeps_what_was_typed(auth, client, people, make_action):
    from govflow.sponsors import services

    action = make_action(what="Ask the IG leads")
    auth.login(SPONSOR)
    token = csrf_from(client.get(f"/actions/{action.id}/change").get_data(as_text=True))
    seen = action.version
    services.amend_action(action, people[SPONSOR], what="Ask the IG leads today", version=seen)
    db.session.commit()

    response = client.post(f"/actions/{action.id}/change", data={
        "csrf_token": token, "version": seen, "what": "Ask the IG leads this week",
        "due_on": _parts(action.due_on)})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This action changed since you opened it" in html
    assert "changed it: What changed from: Ask the IG leads" in html
    assert "Ask the IG leads this week</textarea>" in html
    db.session.refresh(action)
    assert action.what == "Ask the IG leads today"


def test_people_who_cannot_close_it_cannot_change_it(auth, client, make_action):
    action = make_action()
    auth.login(PRACTITIONER)
    assert client.get(f"/actions/{action.id}/change").status_code == 403
    assert "Change this action" not in client.get(f"/actions/{action.id}").get_data(as_text=True)


def test_a_closed_action_cannot_be_changed(auth, client, people, make_action):
    from govflow.sponsors import services

    action = make_action()
    services.complete_action(action, people[SPONSOR], outcome="Done")
    db.session.commit()
    auth.login(SPONSOR)
    response = client.get(f"/actions/{action.id}/change", follow_redirects=True)
    assert "This action is already done, so it cannot be changed." in response.get_data(
        as_text=True)
