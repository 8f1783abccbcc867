"""Correcting a decision writes a new one that supersedes it; the old one stays, struck through."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from govflow import workdays
from govflow.decisions.models import Decision
from govflow.extensions import db
from govflow.items import ideas
from govflow.items.models import Event
from govflow.workflow import engine
from tests.support.pages import CSRF_RE


@pytest.fixture
def declined(app, people):
    item = ideas.propose_idea(
        people["practitioner"], title="Breakfast club at the family hub",
        description="A breakfast club on school days.", why="Children start the day fed.",
        outcomes=["thriving-emotionally-well"], area="denaby", funding_asked="800",
    )
    engine.fire(item, "decline", people["facilitator"], fields={
        "reason_category": "duplicates_existing_offer",
        "why_not": "The school already runs one.",
        "what_would_make_yes": "Open it to children from the other school too.",
    })
    return db.session.scalar(select(Decision).where(Decision.item_id == item.id))


def _form(client, path) -> dict:
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    data = {"csrf_token": CSRF_RE.search(html).group(1)}
    for name in ("summary", "rationale", "why_not", "what_would_make_yes", "conditions",
                 "alternatives", "conflicts", "delay_explanation"):
        match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
        if match:
            data[name] = match.group(1).strip()
    selected = re.search(r'name="reason_category".*?<option value="(\w*)" selected', html, re.S)
    data["reason_category"] = selected.group(1) if selected else ""
    days = re.findall(r'name="decided_at"[^>]*value="(\d*)"', html)
    data["decided_at"] = days
    data["review_on"] = ["", "", ""]
    return data


def test_a_correction_supersedes_and_both_stay_visible(auth, client, people, declined):
    auth.login(people["facilitator"].email)
    path = f"/decisions/{declined.id}/correct"
    form = _form(client, path)
    assert form["why_not"] == "The school already runs one."
    assert len(form["decided_at"]) == 3
    response = client.post(path, data=form | {
        "correction_reason": "The why-not named the wrong school.",
        "why_not": "Denaby Primary already runs one on the same mornings.",
    })
    assert response.status_code == 302
    correction = db.session.scalar(select(Decision).where(Decision.supersedes_id == declined.id))
    assert correction.why_not == "Denaby Primary already runs one on the same mornings."
    assert (correction.outcome, correction.tier, correction.decided_by_id) == (
        declined.outcome, declined.tier, declined.decided_by_id)
    assert correction.decided_at == declined.decided_at
    event = db.session.get(Event, correction.event_id)
    assert (event.trigger, event.reason, event.actor_id) == (
        "correct_decision", "The why-not named the wrong school.", people["facilitator"].id)
    db.session.expire_all()
    original = db.session.get(Decision, declined.id)
    assert original.why_not == "The school already runs one."  # never changed

    log = client.get("/decisions", query_string={"area": "denaby", "outcome": "declined"})
    html = log.get_data(as_text=True)
    old = html[html.index(f'id="decision-{declined.id}"'):]
    old = old.split('<div class="gf-decision', 1)[0]  # up to the next entry, if any
    assert '<div class="gf-superseded">' in old
    assert f'<span class="govuk-visually-hidden">Superseded by decision {correction.id}. </span>' in old
    assert "The school already runs one." in old
    struck = old[old.index('<div class="gf-superseded">'):]
    assert "The school already runs one." in struck
    assert f'id="decision-{correction.id}"' in html
    new = html[html.index(f'id="decision-{correction.id}"'):html.index(f'id="decision-{declined.id}"')]
    assert "gf-superseded" not in new
    assert "Denaby Primary already runs one" in new
    assert "Corrects" in new and f"decision {declined.id}</a>: " in new
    assert "The why-not named the wrong school." in new
    # The superseded one can no longer be corrected; the correction can.
    assert f"/decisions/{declined.id}/correct" not in html
    assert f"/decisions/{correction.id}/correct" in html

    page = client.get(f"/decisions/{declined.id}").get_data(as_text=True)
    assert page.index(f'id="decision-{correction.id}"') < page.index(f'id="decision-{declined.id}"')
    assert "This decision has been corrected" in page


def test_a_decision_is_corrected_once(auth, client, people, declined):
    auth.login(people["facilitator"].email)
    path = f"/decisions/{declined.id}/correct"
    form = _form(client, path)
    client.post(path, data=form | {"correction_reason": "Typo."})
    second = client.get(path)
    correction = db.session.scalar(select(Decision).where(Decision.supersedes_id == declined.id))
    assert second.status_code == 302
    assert second.headers["Location"].endswith(f"/decisions/{correction.id}")
    stale = client.post(path, data=form | {"correction_reason": "Again."})
    assert stale.status_code == 302
    assert db.session.scalars(
        select(Decision).where(Decision.supersedes_id == declined.id)).all() == [correction]


def test_a_correction_needs_a_reason_and_a_decline_keeps_its_why_not(auth, client, people,
                                                                      declined):
    auth.login(people["facilitator"].email)
    path = f"/decisions/{declined.id}/correct"
    form = _form(client, path)
    response = client.post(path, data=form | {"correction_reason": "", "why_not": "",
                                              "conflicts": "I chair the school's governors."})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#correction_reason"' in html
    assert "I chair the school&#39;s governors." in html  # what was typed is still there
    response = client.post(path, data=form | {"correction_reason": "Wrong words.",
                                              "why_not": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "a decline must say why" in html
    assert db.session.scalar(select(Decision).where(Decision.supersedes_id == declined.id)) is None


def test_moving_the_decided_date_back_needs_a_delay_explanation(auth, client, people, declined):
    auth.login(people["facilitator"].email)
    path = f"/decisions/{declined.id}/correct"
    form = _form(client, path)
    # A month before it was recorded, whatever the suite's moment (a fixed 1 September 2026
    # was in the future at the end of August, and refused for that).
    month_before = workdays.london_date(declined.decided_at) - timedelta(days=30)
    earlier = [str(month_before.day), str(month_before.month), str(month_before.year)]
    response = client.post(path, data=form | {"correction_reason": "It was agreed last month.",
                                              "decided_at": earlier})
    assert response.status_code == 400
    assert "recorded more than one working day after it was made" in response.get_data(
        as_text=True)
    response = client.post(path, data=form | {
        "correction_reason": "It was agreed last month.", "decided_at": earlier,
        "delay_explanation": "Agreed at last month's meeting; nobody wrote it up."})
    assert response.status_code == 302


def test_only_the_decider_their_tier_or_an_admin_may_correct(auth, client, people, declined):
    auth.login(people["practitioner"].email)  # the proposer
    assert client.get(f"/decisions/{declined.id}/correct").status_code == 403
    page = client.get(f"/decisions/{declined.id}").get_data(as_text=True)
    assert f"/decisions/{declined.id}/correct" not in page
    auth.logout()
    auth.login(people["head_of_service"].email)  # Silver: not this Bronze decision's tier
    assert client.get(f"/decisions/{declined.id}/correct").status_code == 403
    auth.logout()
    auth.login(people["admin"].email)
    assert client.get(f"/decisions/{declined.id}/correct").status_code == 200


@pytest.mark.parametrize("year", ["0001", "1899", "2101", "9999"])
def test_a_correction_cannot_move_the_decision_outside_1900_to_2100(auth, client, people,
                                                                     declined, year):
    """Decisions could be back-dated to year 1; every date field now says the range."""
    auth.login(people["facilitator"].email)
    path = f"/decisions/{declined.id}/correct"
    form = _form(client, path)
    response = client.post(path, data=form | {
        "correction_reason": "The date was wrong.", "decided_at": ["1", "1", year]})
    assert response.status_code in (400, 422)
    assert "must be between 1900 and 2100" in response.get_data(as_text=True)
    assert db.session.scalar(select(Decision).where(Decision.supersedes_id == declined.id)) \
        is None
