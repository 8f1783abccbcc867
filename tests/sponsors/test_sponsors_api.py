"""The JSON API for areas and sponsor actions, described by the OpenAPI file."""

from __future__ import annotations

import pytest
from sponsor_support import FACILITATOR, PRACTITIONER, SPONSOR, working_days_ahead

from govflow.extensions import db


@pytest.fixture
def token_for(app, people):
    from govflow.accounts.views import issue_token

    def make(email):
        return {"Authorization": f"Bearer {issue_token(people[email], 'tests')}"}

    return make


def test_areas_list_and_detail(client, token_for):
    headers = token_for(PRACTITIONER)
    body = client.get("/api/v1/areas", headers=headers).get_json()
    denaby = next(a for a in body["areas"] if a["slug"] == "denaby")
    # Names for everyone; email addresses only where needed (the access policy): not here.
    assert {p["display_name"] for p in denaby["sponsors"]} >= {"Gareth Holmes", "Simon Adeyemi"}
    assert {p["email"] for p in denaby["sponsors"] + denaby["facilitators"]} == {None}
    admin = client.get("/api/v1/areas", headers=token_for("chris.moorhouse@dcst.example"))
    denaby = next(a for a in admin.get_json()["areas"] if a["slug"] == "denaby")
    assert {p["email"] for p in denaby["sponsors"]} >= {SPONSOR, "simon.adeyemi@dmbc.example"}
    assert {p["email"] for p in denaby["facilitators"]} >= {FACILITATOR}
    assert set(denaby["counts"]) == {"open_blockers", "open_ideas", "open_actions",
                                     "overdue_actions"}

    detail = client.get("/api/v1/areas/denaby", headers=headers).get_json()
    tiers = detail["counts"]["open_blockers_by_tier"]
    assert set(tiers) == {"bronze", "silver", "gold"}
    assert sum(tiers.values()) == detail["counts"]["open_blockers"]
    assert "next_meeting" in detail
    missing = client.get("/api/v1/areas/atlantis", headers=headers)
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"


def test_api_needs_a_token(client):
    assert client.get("/api/v1/areas").status_code == 401
    assert client.post("/api/v1/actions", json={}).status_code == 401


def test_record_list_and_complete_an_action(client, token_for, people):
    headers = token_for(SPONSOR)
    due = working_days_ahead(3).isoformat()
    created = client.post("/api/v1/actions", headers=headers, json={
        "area": "denaby", "what": "API: ask the hub manager", "due_on": due,
        "owner": FACILITATOR})
    assert created.status_code == 201, created.get_json()
    action = created.get_json()
    assert action["status"] == "open" and action["due_on"] == due
    assert action["owner"]["email"] == FACILITATOR and action["sponsor"]["email"] == SPONSOR
    assert [h["to_status"] for h in action["history"]] == ["open"]

    listed = client.get(f"/api/v1/actions?area=denaby&owner={FACILITATOR}&status=open",
                        headers=headers).get_json()
    assert action["id"] in [a["id"] for a in listed["actions"]]

    no_outcome = client.post(f"/api/v1/actions/{action['id']}/done", headers=headers,
                             json={"version": action["version"]})
    assert no_outcome.status_code == 400 and "outcome" in no_outcome.get_json()["fields"]
    no_version = client.post(f"/api/v1/actions/{action['id']}/done", headers=headers,
                             json={"outcome": "Done"})
    assert no_version.status_code == 400 and "version" in no_version.get_json()["fields"]

    done = client.post(f"/api/v1/actions/{action['id']}/done", headers=headers,
                       json={"version": action["version"], "outcome": "Room booked"})
    assert done.status_code == 200
    assert done.get_json()["status"] == "done"
    assert done.get_json()["outcome_note"] == "Room booked"

    stale = client.post(f"/api/v1/actions/{action['id']}/drop", headers=headers,
                        json={"version": action["version"], "reason": "Changed my mind"})
    assert stale.status_code == 409
    body = stale.get_json()
    assert body["error"] == "stale_version" and body["changes"][0]["to_status"] == "done"


def test_drop_needs_a_reason_and_the_right_person(client, token_for, make_action):
    action = make_action()
    outsider = client.post(f"/api/v1/actions/{action.id}/drop", headers=token_for(PRACTITIONER),
                           json={"version": action.version, "reason": "Not mine"})
    assert outsider.status_code == 403
    headers = token_for(SPONSOR)
    blank = client.post(f"/api/v1/actions/{action.id}/drop", headers=headers,
                        json={"version": action.version, "reason": "  "})
    assert blank.status_code == 400
    dropped = client.post(f"/api/v1/actions/{action.id}/drop", headers=headers,
                          json={"version": action.version, "reason": "Replaced by action 2"})
    assert dropped.status_code == 200 and dropped.get_json()["status"] == "dropped"
    db.session.refresh(action)
    assert action.status == "dropped"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"area": "denaby", "what": "x", "due_on": "tomorrow"}, 400, "due_on"),
        ({"area": "denaby", "what": "", "due_on": "2099-01-01"}, 400, "what"),
        ({"area": "denaby", "what": "x"}, 400, "due_on"),
        ({"area": "atlantis", "what": "x", "due_on": "2099-01-01"}, 400, "area"),
        ({"area": "denaby", "what": "x", "due_on": "2099-01-01", "owner": "no@one.example"},
         400, "owner"),
        ({"area": "denaby", "what": "x", "due_on": "2099-01-01", "item_id": "7"}, 400, "item_id"),
        ({"area": "denaby", "what": "Phone 07700 900123", "due_on": "2099-01-01"}, 422, "what"),
    ],
)
def test_bad_requests_get_a_clear_json_error(client, token_for, body, status, field):
    response = client.post("/api/v1/actions", headers=token_for(SPONSOR), json=body)
    assert response.status_code == status
    assert field in response.get_json()["fields"]


def test_recording_in_another_area_or_without_the_role_is_forbidden(client, token_for):
    body = {"area": "balby", "what": "Not my area", "due_on": "2099-01-01"}
    assert client.post("/api/v1/actions", headers=token_for(SPONSOR), json=body).status_code == 403
    assert client.post("/api/v1/actions", headers=token_for(PRACTITIONER),
                       json=body).status_code == 403


def test_openapi_describes_the_area_and_action_endpoints(client):
    from openapi_spec_validator import validate

    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    for path in ("/areas", "/areas/{slug}", "/actions", "/actions/{id}", "/actions/{id}/done",
                 "/actions/{id}/drop"):
        assert path in spec["paths"]
