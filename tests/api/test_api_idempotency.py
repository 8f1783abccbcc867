"""The API's Idempotency-Key: a POST sent again with the same key (a client's retry after a
timeout) gets the first call's status and body and changes nothing; the same key on a
different request is refused; a refused call does not use up its key."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from govflow.extensions import db
from govflow.items.models import Event, Item
from govflow.sponsors.models import SponsorAction
from tests.support.openapi import assert_documented, spec

BLOCKER = {
    "kind": "blocker",
    "title": "Family group conferences cannot use the hub after 4pm",
    "description": "The hub has no caretaker after 4pm, so evening conferences are cancelled.",
    "area": "denaby",
    "tags": [],
}
KEY = "2f1d0c7e-6a8b-4c1e-9d5f-3b7a9e0c4d21"


@pytest.fixture
def token_for(app, people):
    from govflow.accounts.views import issue_token

    def make(role, key=None):
        headers = {"Authorization": f"Bearer {issue_token(people[role], 'tests')}"}
        if key is not None:
            headers["Idempotency-Key"] = key
        return headers

    return make


def _titled(title: str) -> int:
    return db.session.scalar(select(func.count(Item.id)).where(Item.title == title))


def test_a_repeated_create_returns_the_first_answer_and_raises_one_item(client, token_for):
    headers = token_for("practitioner", KEY)
    first = client.post("/api/v1/items", json=BLOCKER, headers=headers)
    again = client.post("/api/v1/items", json=BLOCKER, headers=headers)
    assert first.status_code == again.status_code == 201
    assert_documented(again, "/items", "post")
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert _titled(BLOCKER["title"]) == 1


def test_without_a_key_each_create_is_a_new_item(client, token_for):
    headers = token_for("practitioner")
    for _ in range(2):
        assert client.post("/api/v1/items", json=BLOCKER, headers=headers).status_code == 201
    assert _titled(BLOCKER["title"]) == 2


def test_a_repeated_transition_gets_the_first_answer_not_a_conflict(client, token_for):
    item = client.post("/api/v1/items", json=BLOCKER, headers=token_for("practitioner")).get_json()
    headers = token_for("facilitator", KEY)
    body = {"trigger": "escalate", "version": item["version"],
            "reason": "The trust owns the building contract."}
    path = f"/api/v1/items/{item['id']}/transitions"
    first = client.post(path, json=body, headers=headers)
    again = client.post(path, json=body, headers=headers)
    assert first.status_code == again.status_code == 200, again.get_data(as_text=True)
    assert again.get_json() == first.get_json()
    assert again.get_json()["tier"] == "silver"
    escalations = db.session.scalar(select(func.count(Event.id)).where(
        Event.item_id == item["id"], Event.trigger == "escalate"))
    assert escalations == 1


def test_the_same_key_on_a_different_request_is_refused(client, token_for):
    headers = token_for("practitioner", KEY)
    assert client.post("/api/v1/items", json=BLOCKER, headers=headers).status_code == 201
    other = client.post("/api/v1/items", json=BLOCKER | {"title": "Another blocker entirely"},
                        headers=headers)
    assert other.status_code == 422
    body = assert_documented(other, "/items", "post")
    assert body["error"] == "idempotency_key_reused"
    assert _titled("Another blocker entirely") == 0


def test_a_refused_call_does_not_use_up_its_key(client, token_for):
    headers = token_for("practitioner", KEY)
    refused = client.post("/api/v1/items", headers=headers, json=BLOCKER | {
        "description": "Refused for NHS number 943 476 5919 last week."})
    assert refused.status_code == 422
    # The client corrects the body and retries with the same key: it is a new request.
    corrected = client.post("/api/v1/items", json=BLOCKER, headers=headers)
    assert corrected.status_code == 201, corrected.get_data(as_text=True)
    assert _titled(BLOCKER["title"]) == 1


def test_keys_are_each_persons_own(client, token_for):
    assert client.post("/api/v1/items", json=BLOCKER,
                       headers=token_for("practitioner", KEY)).status_code == 201
    theirs = client.post("/api/v1/items", json=BLOCKER, headers=token_for("facilitator", KEY))
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs.headers
    assert _titled(BLOCKER["title"]) == 2


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "caf\u00e9"])
def test_a_key_that_is_not_printable_ascii_is_refused(client, token_for, key):
    headers = token_for("practitioner")
    headers["Idempotency-Key"] = key
    response = client.post("/api/v1/items", json=BLOCKER, headers=headers)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.get_json()["message"]
    assert _titled(BLOCKER["title"]) == 0


def test_a_repeated_sponsor_action_is_recorded_once(client, token_for):
    from govflow import workdays
    from govflow.clock import utcnow

    due = workdays.add_working_days(workdays.london_date(utcnow()), 5).isoformat()
    headers = token_for("sponsor", KEY)
    body = {"area": "denaby", "what": "Ask the DBS team about volunteer checks", "due_on": due}
    first = client.post("/api/v1/actions", json=body, headers=headers)
    again = client.post("/api/v1/actions", json=body, headers=headers)
    assert first.status_code == again.status_code == 201, first.get_data(as_text=True)
    assert again.get_json() == first.get_json()
    assert db.session.scalar(select(func.count(SponsorAction.id)).where(
        SponsorAction.what == body["what"])) == 1


def test_every_write_documents_the_header():
    for path, operations in spec()["paths"].items():
        if "post" not in operations or path == "/items/similar":
            continue
        names = [p.get("$ref", p.get("name")) for p in operations["post"].get("parameters", [])]
        assert "#/components/parameters/IdempotencyKey" in names, path
