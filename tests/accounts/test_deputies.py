"""Deputies: a person names someone holding the same role in the same scope for the days
they are away; within those days the deputy acts with their powers (outside them, or
without the same role and scope, they do not), and what they do says "as deputy for …" in
the history, the decision log, its CSV, its PDF and the API."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from govflow.accounts import deputies
from govflow.accounts.deputy_models import Absence, london_today
from govflow.accounts.views import issue_token
from govflow.decisions.models import Decision
from govflow.domain_errors import Forbidden, Invalid
from govflow.extensions import db
from govflow.items import services as items
from govflow.permissions import can_view_item, visibility_clause
from govflow.workflow import engine
from tests.conftest import csrf_from

LORRAINE = "lorraine.hebden@denaby-cafe.example"  # Denaby's other facilitator
MEGAN = "megan.lloyd"  # a facilitator, but of Balby


@pytest.fixture
def rachel(people):
    return people["facilitator"]  # Rachel Dunn, facilitator of Denaby


@pytest.fixture
def lorraine(people):
    return people[LORRAINE]


def _person(people, start: str):
    return next(p for email, p in people.items() if "@" in email and email.startswith(start))


def _away(person, deputy, *, starts=0, days=4):
    today = london_today()
    absence = deputies.record_absence(person, today + timedelta(days=starts),
                                      today + timedelta(days=starts + days), deputy)
    return absence


def _blocker(raiser, title="The community room's booking system refuses partner staff"):
    return items.raise_blocker(raiser, title=title, area="denaby",
                               description="Partners cannot book the room for drop-ins.")


def _unblocked_raised_by(rachel, people):
    item = _blocker(rachel)
    engine.fire(item, "unblock", people["sponsor"],
                fields={"resolution": "The booking system now lets partner staff book."})
    return item


# --- naming a deputy ---------------------------------------------------------------------

def test_naming_a_deputy_on_the_absences_page(auth, client, rachel, lorraine, people):
    auth.login(rachel.email)
    account = client.get("/account").get_data(as_text=True)
    assert 'href="/account/absences">Record when you are away and name a deputy</a>' in account
    page = client.get("/account/absences").get_data(as_text=True)
    assert '<h1 class="govuk-heading-l">Absences and deputies</h1>' in page
    options = re.findall(r'<option value="(\d*)"[^>]*>([^<]+)</option>', page)
    names = [name for _, name in options]
    assert names[0] == "No deputy"
    assert any(name.startswith("Lorraine Hebden") for name in names)
    # Only the same role in the same scope: not Balby's facilitator, not a practitioner.
    assert not any(name.startswith(("Megan Lloyd", "Priya Shah")) for name in names)

    today = london_today()
    end = today + timedelta(days=6)
    response = client.post("/account/absences", data={
        "csrf_token": csrf_from(page),
        "starts_on": [str(today.day), str(today.month), str(today.year)],
        "ends_on": [str(end.day), str(end.month), str(end.year)],
        "deputy": str(lorraine.id),
    })
    assert response.status_code == 302
    html = client.get("/account/absences").get_data(as_text=True)
    from govflow.workdays import format_date

    assert (f"You are away from {format_date(today)} to {format_date(end)}. "
            "Lorraine Hebden stands in for you.") in html
    assert '<td class="govuk-table__cell">Lorraine Hebden</td>' in html
    absence = db.session.scalars(select(Absence).where(Absence.user_id == rachel.id)).one()
    assert (absence.starts_on, absence.ends_on, absence.deputy_id) == (today, end, lorraine.id)

    auth.logout()
    auth.login(lorraine.email)
    theirs = client.get("/account/absences").get_data(as_text=True)
    assert "You stand in for" in theirs and "Rachel Dunn" in theirs


def test_the_demo_has_a_deputy_named_ahead(auth, client, rachel):
    """Lorraine Hebden's leave in a fortnight, with Rachel Dunn standing in."""
    auth.login(rachel.email)
    page = client.get("/account/absences").get_data(as_text=True)
    assert "You stand in for" in page and "Lorraine Hebden, " in page


def test_someone_without_the_same_role_in_the_same_scope_cannot_be_named(rachel, people):
    for other in (_person(people, MEGAN), people["practitioner"], rachel):
        with pytest.raises(Invalid) as refused:
            _away(rachel, other)
        assert refused.value.field_errors["deputy"].startswith(
            "Choose someone who holds the same role as you")
    assert db.session.scalars(select(Absence).where(Absence.user_id == rachel.id)).all() == []


def test_a_tampered_deputy_is_refused_and_nothing_is_recorded(auth, client, rachel, people):
    auth.login(rachel.email)
    page = client.get("/account/absences").get_data(as_text=True)
    today = london_today()
    response = client.post("/account/absences", data={
        "csrf_token": csrf_from(page),
        "starts_on": [str(today.day), str(today.month), str(today.year)],
        "ends_on": [str(today.day), str(today.month), str(today.year)],
        "deputy": str(people["practitioner"].id),
    })
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html and "Choose your deputy from the list" in html
    assert db.session.scalars(select(Absence).where(Absence.user_id == rachel.id)).all() == []


def test_the_dates_are_checked(rachel, lorraine):
    today = london_today()
    cases = [
        (today + timedelta(days=3), today + timedelta(days=1), "ends_on",
         "The last day must be the same as or after the first day"),
        (today - timedelta(days=9), today - timedelta(days=2), "ends_on",
         "The last day must be today or later"),
        (None, today, "starts_on", "Enter the first day you are away"),
    ]
    for starts, ends, field, message in cases:
        with pytest.raises(Invalid) as refused:
            deputies.record_absence(rachel, starts, ends, lorraine)
        assert refused.value.field_errors[field] == message
    _away(rachel, lorraine)
    with pytest.raises(Invalid) as overlapping:
        _away(rachel, lorraine, starts=2)
    assert "already away" in overlapping.value.field_errors["starts_on"]


# --- acting as deputy --------------------------------------------------------------------

def test_within_the_range_the_deputy_acts_with_the_raisers_power(client, auth, rachel,
                                                                 lorraine, people):
    item = _unblocked_raised_by(rachel, people)
    # Confirming it is fixed is the raiser's: Lorraine's own powers do not reach it.
    with pytest.raises(Forbidden):
        engine.fire(item, "close", lorraine)
    _away(rachel, lorraine)
    event = engine.fire(item, "close", lorraine)
    assert item.state == "closed"
    assert event.actor_id == lorraine.id
    assert event.details["as_deputy_for"] == {"id": rachel.id, "name": "Rachel Dunn"}

    auth.login(lorraine.email)
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "by Lorraine Hebden as deputy for Rachel Dunn</p>" in page
    token = issue_token(lorraine, "tests")
    body = client.get(f"/api/v1/items/{item.id}",
                      headers={"Authorization": f"Bearer {token}"}).get_json()
    last = body["events"][-1]
    assert last["trigger"] == "close" and last["as_deputy_for"] == "Rachel Dunn"
    assert body["events"][0]["as_deputy_for"] is None


def test_before_or_after_the_range_the_deputy_is_refused(rachel, lorraine, people):
    item = _unblocked_raised_by(rachel, people)
    _away(rachel, lorraine, starts=1)  # from tomorrow
    with pytest.raises(Forbidden):
        engine.fire(item, "close", lorraine)
    assert item.state == "unblocked"
    # Back early: an absence ended today gives no powers either.
    now = _away(rachel, None, starts=0, days=0)
    deputies.end_absence(now)
    with pytest.raises(Forbidden):
        engine.fire(item, "close", lorraine)


def test_only_the_named_deputy_acts(rachel, lorraine, people):
    item = _unblocked_raised_by(rachel, people)
    _away(rachel, lorraine)
    with pytest.raises(Forbidden):
        engine.fire(item, "close", _person(people, MEGAN))
    assert item.state == "unblocked"


def test_the_deputy_sees_restricted_items_of_the_person_away(rachel, people):
    """Restricted items are seen by the people involved: their deputy stands in for them."""
    helen = people["head_of_service"]  # Helen Ackroyd, Head of Service in the trust
    daniel = _person(people, "daniel.osei")  # the trust's other Head of Service
    item = items.raise_blocker(helen, title="A staff matter in the trust's rota",
                               area="hexthorpe", description="Rota rules for one team.")
    item.organisation_id = None
    item.restricted = True
    item.restricted_reason = "A staff matter"
    db.session.flush()
    visible = select(type(item).id).where(type(item).id == item.id)
    assert not can_view_item(daniel, item)
    assert db.session.scalar(visible.where(visibility_clause(daniel))) is None
    _away(helen, daniel)
    assert can_view_item(daniel, item)
    assert db.session.scalar(visible.where(visibility_clause(daniel))) == item.id


def test_a_decision_made_as_deputy_says_so_in_the_log_its_csv_pdf_and_the_api(
        client, auth, rachel, lorraine, people):
    item = _blocker(rachel, "Partner staff cannot use the library's meeting room")
    engine.fire(item, "take", rachel)
    assert item.owner_id == rachel.id
    _away(rachel, lorraine)
    engine.fire(item, "unblock", lorraine,
                fields={"resolution": "The library agreed partners may book it."})
    decision = db.session.scalars(select(Decision).where(Decision.item_id == item.id)).one()
    assert decision.decided_by_id == lorraine.id
    assert decision.deputy_for_name == "Rachel Dunn"
    said = "Lorraine Hebden as deputy for Rachel Dunn"

    auth.login(lorraine.email)
    page = client.get(f"/decisions/{decision.id}").get_data(as_text=True)
    assert said in page
    csv = client.get("/decisions/export.csv").get_data(as_text=True)
    assert any(said in line and "Partner staff cannot use" in line for line in csv.splitlines())
    token = issue_token(lorraine, "tests")
    entry = client.get(f"/api/v1/decisions/{decision.id}",
                       headers={"Authorization": f"Bearer {token}"}).get_json()
    assert entry["decided_by"] == {"id": lorraine.id, "name": "Lorraine Hebden",
                                   "as_deputy_for": "Rachel Dunn"}
    pdf = client.get("/forums/decision-log.pdf?area=denaby")
    assert pdf.status_code == 200
    text = " ".join(" ".join(p.extract_text().split())
                    for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert said in text


# --- the to-do list, notifications and the sweep -----------------------------------------

def test_the_deputy_sees_the_to_do_list_of_the_person_away(client, auth, rachel, lorraine):
    item = _blocker(rachel, "Health visitors cannot see the family hub room calendar")
    engine.fire(item, "take", rachel)
    auth.login(lorraine.email)
    assert "Standing in for" not in client.get("/").get_data(as_text=True)
    _away(rachel, lorraine)
    home = client.get("/").get_data(as_text=True)
    assert 'id="standing-in-for-' in home and "Standing in for Rachel Dunn (" in home
    assert "is away until" in home and "named you as their deputy" in home
    section = home[home.index("Standing in for Rachel Dunn"):]
    assert f'href="/items/{item.id}">{item.title}</a>' in section


def test_the_deputy_is_told_what_the_person_away_is_told(client, auth, rachel, lorraine,
                                                          people):
    from govflow.notifications.models import Notification

    item = _blocker(rachel, "Schools cannot refer to the holiday club directly")
    _away(rachel, lorraine)
    engine.fire(item, "escalate", people["sponsor"],
                fields={"reason": "It needs the council's school admissions team."})
    told = db.session.scalars(select(Notification).where(
        Notification.item_id == item.id, Notification.user_id.in_([rachel.id, lorraine.id]))
        .order_by(Notification.id)).all()
    to_rachel = [n for n in told if n.user_id == rachel.id]
    to_lorraine = [n for n in told if n.user_id == lorraine.id]
    # Lorraine, Denaby's other facilitator, is told things of her own too.
    copies = [n.subject for n in to_lorraine if n.subject.startswith("For Rachel Dunn")]
    assert to_rachel
    assert copies == [f"For Rachel Dunn, who is away: {n.subject}" for n in to_rachel]
    auth.login(lorraine.email)
    inbox = client.get("/inbox").get_data(as_text=True)
    assert "For Rachel Dunn, who is away:" in inbox


def test_the_sweep_warns_of_a_deadline_in_an_absence_with_no_deputy(rachel, lorraine):
    from govflow import sweep
    from govflow.accounts.sweep import warn_of_deadlines_in_absences
    from govflow.clock import utcnow
    from govflow.notifications.models import Notification
    from govflow.workdays import format_date, to_london

    item = _blocker(rachel, "The youth bus timetable is not shared with schools")
    engine.fire(item, "take", rachel)
    due = to_london(item.due_at).date()
    covered = deputies.record_absence(rachel, london_today(), due + timedelta(days=1),
                                      lorraine)
    ctx = sweep.SweepContext(now=utcnow())
    warn_of_deadlines_in_absences(ctx)
    assert not ctx.counts  # a deputy is named: nothing to warn of
    deputies.end_absence(covered)
    deputies.record_absence(rachel, due, due, None)
    for _ in range(2):  # a second run warns no one again
        warn_of_deadlines_in_absences(sweep.SweepContext(now=utcnow()))
    warnings = db.session.scalars(select(Notification).where(
        Notification.user_id == rachel.id, Notification.kind == "absence_without_deputy")).all()
    assert [n.subject for n in warnings] == [
        f"Blocker {item.id} is due on {format_date(due)}, while you are away with no deputy"]


def test_the_deputy_may_close_a_sponsor_action_of_the_person_away(client, auth, people):
    from govflow.permissions import can
    from govflow.sponsors import services as sponsors

    gareth = _person(people, "gareth.holmes")  # a sponsor of Denaby
    helen = people["head_of_service"]  # Helen Ackroyd, Head of Service in the trust
    daniel = _person(people, "daniel.osei")  # the trust's other Head of Service
    action = sponsors.record_action(
        gareth, area_slug="denaby", what="Agree how the trust's staff book the library room",
        due_on=london_today() + timedelta(days=10), sponsor_id=gareth.id, owner_id=helen.id)
    assert can(helen, "action.close", action)
    assert not can(daniel, "action.close", action)
    _away(helen, daniel)
    assert can(daniel, "action.close", action)
    sponsors.complete_action(action, daniel, outcome="The library room is bookable by staff.")
    from govflow.sponsors.models import SponsorActionEvent

    last = db.session.scalars(select(SponsorActionEvent).where(
        SponsorActionEvent.action_id == action.id).order_by(SponsorActionEvent.id.desc())).first()
    assert last.actor_id == daniel.id
    assert last.fields["as_deputy_for"] == {"id": helen.id, "name": "Helen Ackroyd"}
    auth.login(daniel.email)
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "by Daniel Osei as deputy for Helen Ackroyd</p>" in page


def test_a_decision_made_as_deputy_in_a_meeting_says_so_in_the_minutes(client, auth, rachel,
                                                                       lorraine):
    from govflow.forums.models import Meeting

    meeting = db.session.scalars(select(Meeting).where(Meeting.status != "approved")
                                 .order_by(Meeting.id)).first()
    item = _blocker(rachel, "The family hub closes before the school day ends")
    engine.fire(item, "take", rachel)
    _away(rachel, lorraine)
    engine.fire(item, "unblock", lorraine, meeting=meeting,
                fields={"resolution": "The hub will open until six on weekdays."})
    auth.login(lorraine.email)
    pdf = client.get(f"/meetings/{meeting.id}/minutes.pdf")
    assert pdf.status_code == 200
    text = " ".join(" ".join(p.extract_text().split())
                    for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Lorraine Hebden as deputy for Rachel Dunn" in text
