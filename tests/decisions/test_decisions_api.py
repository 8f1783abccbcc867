"""GET /api/v1/decisions with a token: what the OpenAPI file promises, and who sees what."""

from __future__ import annotations

from datetime import date

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from govflow.accounts.views import issue_token
from govflow.items import ideas
from govflow.workflow import engine


@pytest.fixture
def headers(people):
    def for_person(role):
        return {"Authorization": f"Bearer {issue_token(people[role], 'tests')}"}

    return for_person


@pytest.fixture
def declined_idea(people):
    item = ideas.propose_idea(
        people["practitioner"], title="Homework club API check", description="A trial.",
        why="It helps.", outcomes=["reach-full-potential"], area="denaby", funding_asked="250")
    engine.fire(item, "decline", people["facilitator"], fields={
        "reason_category": "not_enough_information", "why_not": "Who runs it is not clear.",
        "what_would_make_yes": "Name the volunteers and the host."})
    return item


def test_the_openapi_file_describes_the_decision_log_and_answers_match_it(
    client, headers, declined_idea
):
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    assert {"/decisions", "/decisions/{decision_id}"} <= set(spec["paths"])
    schema = {"$ref": "#/components/schemas/Decision", "components": spec["components"]}
    body = client.get("/api/v1/decisions", query_string={"item": declined_idea.id},
                      headers=headers("admin")).get_json()
    [decision] = body["decisions"]
    Draft202012Validator(schema).validate(decision)
    assert decision["outcome"] == "declined"
    assert decision["reason_category"] == "not_enough_information"
    assert decision["why_not"] == "Who runs it is not clear."
    assert decision["decided_by"]["name"] == "Rachel Dunn"
    one = client.get(f"/api/v1/decisions/{decision['id']}", headers=headers("admin")).get_json()
    assert one == decision


def test_the_api_needs_a_token_and_hides_decisions_on_items_you_cannot_see(
    client, headers, declined_idea
):
    assert client.get("/api/v1/decisions").status_code == 401
    mine = client.get("/api/v1/decisions", query_string={"item": declined_idea.id},
                      headers=headers("practitioner")).get_json()
    assert mine["total"] == 1
    # Reading is open: a Head of Service in another organisation reads it too...
    token = headers("fiona.marsh@schools-partnership.example")
    theirs = client.get("/api/v1/decisions", query_string={"item": declined_idea.id},
                        headers=token).get_json()
    assert theirs["total"] == 1
    decision_id = mine["decisions"][0]["id"]
    assert client.get(f"/api/v1/decisions/{decision_id}", headers=token).status_code == 200
    # ...until the idea is restricted: then she, with no role in Denaby, cannot.
    from govflow.workflow import engine

    engine.set_restricted(declined_idea, declined_idea.raised_by, restricted=True,
                          reason="Commercially sensitive")
    theirs = client.get("/api/v1/decisions", query_string={"item": declined_idea.id},
                        headers=token).get_json()
    assert theirs["total"] == 0
    refused = client.get(f"/api/v1/decisions/{decision_id}", headers=token)
    assert refused.status_code == 403 and refused.get_json()["error"] == "restricted"
    bad = client.get("/api/v1/decisions", query_string={"per_page": "lots"},
                     headers=headers("admin"))
    assert bad.status_code == 400 and bad.get_json()["error"] == "invalid"


def test_each_entry_of_the_log_is_what_the_decision_itself_answers(
    client, headers, declined_idea, people
):
    """The list reads its entries as plain rows, the single decision as an object: an
    entry made in a meeting, a correction and the entry it corrects, and a decision by
    default read the same either way, newest first, with the count of the whole log."""
    from sqlalchemy import func, select

    from govflow.decisions.models import Decision
    from govflow.decisions.services import correct_decision
    from govflow.extensions import db
    from govflow.forums.models import Meeting

    first = db.session.scalar(select(Decision).where(Decision.item_id == declined_idea.id))
    correct_decision(first, people["facilitator"], correction_reason="Wrong school named.",
                     values={"why_not": "Denaby Primary already runs one."})
    meeting = db.session.scalar(select(Meeting).where(Meeting.status != "approved")
                                .order_by(Meeting.id))
    db.session.add(Decision(item_id=declined_idea.id, tier="silver", outcome="noted",
                            summary="Noted <at> the forum & minuted.", by_default=True,
                            meeting_id=meeting.id, review_on=date(2027, 3, 1)))
    db.session.commit()

    body = client.get("/api/v1/decisions", query_string={"per_page": 100},
                      headers=headers("admin")).get_json()
    entries = body["decisions"]
    assert body["total"] == db.session.scalar(select(func.count(Decision.id)))
    assert [(e["decided_at"], e["id"]) for e in entries] == sorted(
        ((e["decided_at"], e["id"]) for e in entries), reverse=True)
    mine = [e for e in entries if e["item"]["id"] == declined_idea.id]
    assert len(mine) == 3
    assert any(e["meeting"] and e["by_default"] and e["review_on"] for e in mine)
    assert any(e["superseded_by"] for e in mine) and any(e["supersedes"] for e in mine)
    for entry in entries:
        alone = client.get(f"/api/v1/decisions/{entry['id']}", headers=headers("admin"))
        assert alone.get_json() == entry

    past_the_end = client.get("/api/v1/decisions", query_string={"page": 999},
                              headers=headers("admin")).get_json()
    assert past_the_end["decisions"] == [] and past_the_end["total"] == body["total"]
