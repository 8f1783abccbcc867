"""Sponsor actions: recorded by a sponsor (or a secretary for them), done with an outcome,
dropped with a reason, never deleted; every status change leaves history."""

from __future__ import annotations

import csv
import io

import pytest
from sponsor_support import (
    BALBY_PRACTITIONER,
    CENTRAL_SECRETARY,
    DENABY_SECRETARY,
    FACILITATOR,
    OTHER_SPONSOR,
    PRACTITIONER,
    SPONSOR,
    csrf_from,
    working_days_ahead,
)
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError, IntegrityError

from govflow.extensions import db
from govflow.items.models import AppendOnlyError
from govflow.sponsors.models import SponsorAction, SponsorActionEvent
from tests.support.dates import tampered_dates


def _events(action_id):
    return db.session.scalars(
        select(SponsorActionEvent).where(SponsorActionEvent.action_id == action_id)
        .order_by(SponsorActionEvent.id)
    ).all()


def _new_form(client, path="/actions/new"):
    page = client.get(path)
    assert page.status_code == 200
    return csrf_from(page.get_data(as_text=True))


def _record(client, answers: dict):
    """Open the form that records a sponsor action and send it with these answers."""
    return client.post("/actions/new", data={"csrf_token": _new_form(client), **answers})


def _date_parts(d):
    return [str(d.day), str(d.month), str(d.year)]


# --------------------------------------------------------------------------- recording


def test_sponsor_records_an_action_and_owns_it_by_default(auth, client, people):
    auth.login(SPONSOR)
    due = working_days_ahead(5)
    response = _record(client, {
        "what": "Ask the DBS team about volunteer checks",
        "area": "denaby", "due_on": _date_parts(due), "owner": "",
    })
    assert response.status_code == 302
    action = db.session.scalar(select(SponsorAction).where(
        SponsorAction.what == "Ask the DBS team about volunteer checks"))
    assert response.headers["Location"].endswith(f"/actions/{action.id}")
    assert action.sponsor_id == action.owner_id == action.created_by_id == people[SPONSOR].id
    assert action.status == "open" and action.due_on == due
    [event] = _events(action.id)
    assert (event.from_status, event.to_status, event.actor_id) == (None, "open", people[SPONSOR].id)

    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "Ask the DBS team about volunteer checks" in page
    assert "Recorded" in page and "Mark as done" in page and "Drop this action" in page
    assert '<a class="govuk-link" href="/areas/denaby">Denaby</a>' in page


def test_owner_can_be_someone_else_and_is_told(auth, client, people, notifications):
    auth.login(SPONSOR)
    owner = people[FACILITATOR]
    _record(client, {
        "what": "Book the hub for the café group", "area": "denaby",
        "due_on": _date_parts(working_days_ahead(3)), "owner": str(owner.id),
    })
    action = db.session.scalar(select(SponsorAction).where(
        SponsorAction.what == "Book the hub for the café group"))
    assert action.owner_id == owner.id and action.sponsor_id == people[SPONSOR].id
    told = [n for n in notifications("sponsor_action") if n.user_id == owner.id]
    assert told and told[-1].link == f"/actions/{action.id}"


def test_new_action_linked_to_an_item_from_its_page(auth, client, people, make_blocker):
    item = make_blocker()
    auth.login(SPONSOR)
    page = client.get(f"/actions/new?item={item.id}").get_data(as_text=True)
    assert item.title in page
    token = csrf_from(page)
    response = client.post("/actions/new", data={
        "csrf_token": token, "what": "Talk to the booking team", "area": "denaby",
        "due_on": _date_parts(working_days_ahead(2)), "item_id": str(item.id),
    })
    assert response.status_code == 302
    action = db.session.scalar(select(SponsorAction).where(SponsorAction.item_id == item.id))
    assert action.what == "Talk to the booking team"


def test_missing_answers_are_shown_beside_the_fields_and_what_was_typed_is_kept(auth, client):
    auth.login(SPONSOR)
    response = _record(client, {
        "what": "Keep this text", "area": "denaby",
        "due_on": ["", "", ""],
    })
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html
    assert 'href="#due_on-day"' in html and "Enter the date the action is due" in html
    assert "Keep this text" in html
    assert db.session.scalar(select(SponsorAction).where(SponsorAction.what == "Keep this text")) is None


@pytest.mark.parametrize(("parts", "message"), tampered_dates({
    "two boxes": "Enter the due date as a day, month and year",
    "one box": "Enter the due date as a day, month and year",
    "four boxes": "Enter the due date as a day, month and year",
    "no date": "Enter the date the action is due",
    "not a real date": "The due date must be a real date",
    "letters": "The due date must be a real date",
    "no day": "The due date must include a day",
    "no month or year": "The due date must include a month and a year",
    "year 1": "The due date must be between 1900 and 2100",
    "year 9999": "The due date must be between 1900 and 2100",
}))
def test_tampered_or_wrong_dates_get_a_clear_message_never_a_500(auth, client, parts, message):
    auth.login(SPONSOR)
    answers = {"what": "Date check", "area": "denaby"}
    if parts is not None:
        answers["due_on"] = parts
    response = _record(client, answers)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert 'id="due_on-day"' in html  # the date input is re-shown


def test_due_date_in_the_past_is_refused(auth, client):
    auth.login(SPONSOR)
    response = _record(client, {
        "what": "Too late", "area": "denaby",
        "due_on": ["1", "1", "2020"],
    })
    assert response.status_code == 400
    assert "The due date must be today or in the future" in response.get_data(as_text=True)


def test_personal_details_are_refused_and_the_text_kept(auth, client):
    auth.login(SPONSOR)
    what = "Call Mrs Jones on 07700 900123 about her son"
    response = _record(client, {
        "what": what, "area": "denaby",
        "due_on": _date_parts(working_days_ahead(2)),
    })
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "07700 900123" in html  # what they typed is re-shown for them to edit
    assert db.session.scalar(select(SponsorAction).where(SponsorAction.what == what)) is None


@pytest.mark.parametrize("email", [PRACTITIONER, FACILITATOR, "helen.ackroyd@dcst.example"])
def test_people_who_are_not_sponsors_or_secretaries_cannot_record(auth, client, email):
    auth.login(email)
    assert client.get("/actions/new").status_code == 403
    response = auth.post("/actions/new", {"what": "x", "area": "denaby",
                                          "due_on": _date_parts(working_days_ahead(2))})
    assert response.status_code == 403


def test_a_sponsor_cannot_record_in_an_area_they_do_not_sponsor(auth, client):
    auth.login(SPONSOR)
    response = _record(client, {
        "what": "Sneaky", "area": "balby",
        "due_on": _date_parts(working_days_ahead(2)),
    })
    assert response.status_code == 403
    assert db.session.scalar(select(SponsorAction).where(SponsorAction.what == "Sneaky")) is None


def test_local_secretary_records_for_their_areas_sponsor_only(auth, client, people):
    auth.login(DENABY_SECRETARY)
    page = client.get("/actions/new").get_data(as_text=True)
    assert "Which sponsor is it for?" in page
    token = csrf_from(page)
    denaby_sponsor = people[SPONSOR]
    response = client.post("/actions/new", data={
        "csrf_token": token, "what": "Chase the licensing team", "area": "denaby",
        "sponsor": str(denaby_sponsor.id), "due_on": _date_parts(working_days_ahead(4)),
    })
    assert response.status_code == 302
    action = db.session.scalar(select(SponsorAction).where(
        SponsorAction.what == "Chase the licensing team"))
    assert action.sponsor_id == action.owner_id == denaby_sponsor.id
    assert action.created_by_id == people[DENABY_SECRETARY].id
    assert "on behalf of" in _events(action.id)[0].note

    # Balby is not their forum's area.
    response = client.post("/actions/new", data={
        "csrf_token": token, "what": "Not mine", "area": "balby",
        "sponsor": str(people[OTHER_SPONSOR].id), "due_on": _date_parts(working_days_ahead(4)),
    })
    assert response.status_code == 403


def test_secretary_must_name_a_sponsor_of_that_area(auth, client, people):
    auth.login(CENTRAL_SECRETARY)
    token = _new_form(client)
    response = client.post("/actions/new", data={
        "csrf_token": token, "what": "Wrong sponsor", "area": "denaby",
        "sponsor": str(people[OTHER_SPONSOR].id), "due_on": _date_parts(working_days_ahead(4)),
    })
    assert response.status_code == 400
    assert "Choose one of Denaby&#39;s sponsors" in response.get_data(as_text=True)
    response = client.post("/actions/new", data={
        "csrf_token": token, "what": "Right sponsor", "area": "balby",
        "sponsor": str(people[OTHER_SPONSOR].id), "due_on": _date_parts(working_days_ahead(4)),
    })
    assert response.status_code == 302  # the central forum covers every area


# --------------------------------------------------------------------------- done and dropped


def test_done_needs_an_outcome(auth, client, make_action):
    action = make_action()
    auth.login(SPONSOR)
    page = client.get(f"/actions/{action.id}/done").get_data(as_text=True)
    token = csrf_from(page)
    assert f'name="version" type="hidden" value="{action.version}"' in page

    response = client.post(f"/actions/{action.id}/done",
                           data={"csrf_token": token, "version": action.version, "outcome": "  "})
    assert response.status_code == 400
    assert "Enter what was done" in response.get_data(as_text=True)
    db.session.refresh(action)
    assert action.status == "open" and len(_events(action.id)) == 1

    response = client.post(f"/actions/{action.id}/done", data={
        "csrf_token": token, "version": action.version,
        "outcome": "The IG leads agreed a one-page note; it is on the team site."})
    assert response.status_code == 302
    db.session.refresh(action)
    assert action.status == "done"
    assert action.outcome_note.startswith("The IG leads agreed")
    assert action.completed_at is not None
    done = _events(action.id)[-1]
    assert (done.from_status, done.to_status) == ("open", "done")
    assert done.note == action.outcome_note


def test_drop_needs_a_reason(auth, client, make_action):
    action = make_action()
    auth.login(SPONSOR)
    token = csrf_from(client.get(f"/actions/{action.id}/drop").get_data(as_text=True))
    response = client.post(f"/actions/{action.id}/drop",
                           data={"csrf_token": token, "version": action.version, "reason": ""})
    assert response.status_code == 400
    assert "Enter why the action is being dropped" in response.get_data(as_text=True)
    db.session.refresh(action)
    assert action.status == "open"

    response = client.post(f"/actions/{action.id}/drop", data={
        "csrf_token": token, "version": action.version, "reason": "Another action replaces it"})
    assert response.status_code == 302
    db.session.refresh(action)
    assert (action.status, action.outcome_note) == ("dropped", "Another action replaces it")
    assert [e.to_status for e in _events(action.id)] == ["open", "dropped"]


def test_a_stale_form_is_refused_with_what_changed(auth, client, people, make_action):
    from govflow.sponsors import services

    action = make_action()
    auth.login(SPONSOR)
    token = csrf_from(client.get(f"/actions/{action.id}/done").get_data(as_text=True))
    seen = action.version
    services.drop_action(action, people[FACILITATOR] if False else people[SPONSOR],
                         reason="No longer needed", version=seen)

    response = client.post(f"/actions/{action.id}/done", data={
        "csrf_token": token, "version": seen, "outcome": "Did it anyway"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This action changed since you opened it" in html
    assert "No longer needed" in html
    assert "Did it anyway" in html  # what they typed is not lost
    db.session.refresh(action)
    assert (action.status, action.outcome_note) == ("dropped", "No longer needed")
    assert len(_events(action.id)) == 2


def test_the_use_case_refuses_closing_twice(people, make_action):
    from govflow.domain_errors import Refused
    from govflow.sponsors import services

    action = make_action()
    services.complete_action(action, people[SPONSOR], outcome="Done it", version=action.version)
    with pytest.raises(Refused):
        services.drop_action(action, people[SPONSOR], reason="Changed my mind",
                             version=action.version)
    assert action.status == "done"


@pytest.mark.parametrize("email", [PRACTITIONER, BALBY_PRACTITIONER, OTHER_SPONSOR])
def test_only_owner_sponsors_and_secretaries_close_actions(auth, client, email, make_action):
    action = make_action()
    auth.login(email)
    assert client.get(f"/actions/{action.id}/done").status_code == 403
    response = auth.post(f"/actions/{action.id}/done",
                         {"version": action.version, "outcome": "Not mine to close"})
    assert response.status_code == 403
    response = auth.post(f"/actions/{action.id}/drop",
                         {"version": action.version, "reason": "Not mine to drop"})
    assert response.status_code == 403
    db.session.refresh(action)
    assert action.status == "open"


def test_the_owner_may_close_their_action(auth, client, people, make_action):
    action = make_action(owner=people[FACILITATOR])
    auth.login(FACILITATOR)
    token = csrf_from(client.get(f"/actions/{action.id}/done").get_data(as_text=True))
    response = client.post(f"/actions/{action.id}/done", data={
        "csrf_token": token, "version": action.version, "outcome": "Booked for the term"})
    assert response.status_code == 302


# --------------------------------------------------------------------------- never deleted


def test_there_is_no_way_to_delete_an_action(auth, client, make_action):
    action = make_action()
    auth.login(SPONSOR)
    assert client.delete(f"/actions/{action.id}").status_code == 405
    assert auth.post(f"/actions/{action.id}/delete").status_code == 404
    assert db.session.get(SponsorAction, action.id) is not None


def test_the_orm_refuses_to_delete_an_action(make_action):
    action = make_action()
    db.session.delete(action)
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(SponsorAction, action.id) is not None


def test_the_database_refuses_to_delete_an_action(make_action):
    action = make_action()
    savepoint = db.session.begin_nested()
    with pytest.raises(DatabaseError):
        db.session.execute(text("DELETE FROM sponsor_actions WHERE id = :id"), {"id": action.id})
    savepoint.rollback()
    assert db.session.scalar(
        text("SELECT count(*) FROM sponsor_actions WHERE id = :id"), {"id": action.id}) == 1


def test_the_database_refuses_to_change_or_delete_history(make_action):
    action = make_action()
    for statement in ("UPDATE sponsor_action_events SET note = 'edited' WHERE action_id = :id",
                      "DELETE FROM sponsor_action_events WHERE action_id = :id"):
        savepoint = db.session.begin_nested()
        with pytest.raises(DatabaseError):
            db.session.execute(text(statement), {"id": action.id})
        savepoint.rollback()
    assert [e.note for e in _events(action.id)] == ["Recorded"]


def test_the_database_refuses_a_closed_action_without_a_note(make_action):
    action = make_action()
    savepoint = db.session.begin_nested()
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE sponsor_actions SET status = 'done' WHERE id = :id"),
                           {"id": action.id})
    savepoint.rollback()


# --------------------------------------------------------------------------- lists and CSV


def test_list_filters_by_area_status_owner_and_overdue(auth, client, people, make_action):
    from datetime import timedelta

    mine = make_action(what="Filter: open in Denaby")
    other = make_action(people[OTHER_SPONSOR], area="balby", what="Filter: open in Balby")
    late = make_action(what="Filter: overdue in Denaby")
    late.due_on = late.due_on - timedelta(days=30)
    db.session.commit()
    auth.login(PRACTITIONER)  # anyone signed in can read sponsor actions

    def shown(query):
        html = client.get("/actions?" + query).get_data(as_text=True)
        return {w for w in (mine.what, other.what, late.what) if w in html}

    assert shown("area=denaby") == {mine.what, late.what}
    assert shown("area=balby") == {other.what}
    assert shown("overdue=1") >= {late.what} and mine.what not in shown("overdue=1")
    assert shown(f"owner={people[OTHER_SPONSOR].email}") == {other.what}
    assert shown("status=done") == set()


def test_csv_export_uses_the_same_filters_and_neutralises_formulas(auth, client, make_action):
    make_action(what="=HYPERLINK(\"http://example.invalid\")")
    make_action(what="Plain action for the CSV")
    auth.login(SPONSOR)
    response = client.get("/actions.csv?area=denaby&status=open")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Number", "Area", "What"]
    whats = [r[2] for r in rows[1:]]
    assert "Plain action for the CSV" in whats
    assert "'=HYPERLINK(\"http://example.invalid\")" in whats
    assert all(r[1] == "Denaby" and r[6] == "Open" for r in rows[1:])


def test_people_following_an_item_see_its_sponsor_actions_and_what_came_of_them(
        auth, client, people, make_blocker, make_action):
    from govflow.sponsors import services

    item = make_blocker(title="Item with a sponsor action on its page")
    action = make_action(what="Item page: ask licensing for a ruling", item=item)
    services.complete_action(action, people[SPONSOR], outcome="Licensing say no consent needed",
                             version=action.version)
    auth.login(PRACTITIONER)  # the raiser, following their blocker
    html = client.get(f"/items/{item.id}").get_data(as_text=True)
    section = html[html.index('id="sponsor-actions-heading"'):]
    assert "Item page: ask licensing for a ruling" in section
    assert f"Sponsor action {action.id} done" in section
    assert "Licensing say no consent needed" in section
    assert "Record a sponsor action" not in section  # a practitioner cannot record one

    auth.logout()
    auth.login(SPONSOR)
    html = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert f'href="/actions/new?item={item.id}"' in html
