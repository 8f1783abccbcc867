"""The items API: list, create, read, fire triggers — and every error code, each response
checked against openapi.yaml. Plus, on PostgreSQL, two requests racing on one item."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govflow.extensions import db
from govflow.items import services
from govflow.items.models import Event, Item
from govflow.items.queries import visible_items
from tests.support.openapi import assert_documented, spec

PRACTITIONER = "practitioner"
FACILITATOR = "facilitator"

BLOCKER = {
    "kind": "blocker",
    "title": "Family group conferences cannot use the hub after 4pm",
    "description": "The hub has no caretaker after 4pm, so evening conferences are cancelled.",
    "effect": "Working parents cannot attend; plans are made without them.",
    "area": "denaby",
    "tags": [],
}


@pytest.fixture
def token_for(app, people):
    from govflow.accounts.views import issue_token

    def make(role_or_email):
        return {"Authorization": f"Bearer {issue_token(people[role_or_email], 'tests')}"}

    return make


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def create(client, headers, **overrides):
    return client.post("/api/v1/items", json=BLOCKER | overrides, headers=headers)


def raise_elsewhere(people):
    """A restricted blocker in Central Central: the demo practitioner may not see it."""
    from govflow.workflow import engine

    raiser = next(u for u in people.values()
                  if getattr(u, "email", "") == "imran.hussain@dcst.example")
    item = services.raise_blocker(raiser, title="Youth club cannot borrow the school minibus",
                                  description="Insurance says no.", area="central-central",
                                  organisation="dmbc")
    engine.set_restricted(item, raiser, restricted=True, reason="Commercially sensitive")
    return item


# --- the OpenAPI file ----------------------------------------------------------------------


def test_the_openapi_file_is_valid_openapi_3_1_and_is_served(client):
    from openapi_spec_validator import validate

    served = client.get("/api/v1/openapi.json").get_json()
    validate(served)
    assert served["openapi"].startswith("3.1")
    assert served == spec()
    for path, method in [("/items", "get"), ("/items", "post"), ("/items/{item_id}", "get"),
                         ("/items/{item_id}/transitions", "post")]:
        assert served["paths"][path][method]["responses"]


def test_every_error_code_of_the_items_endpoints_is_documented():
    paths = spec()["paths"]
    assert set(paths["/items"]["get"]["responses"]) == {"200", "400", "401"}
    assert set(paths["/items"]["post"]["responses"]) == {"201", "400", "401", "409", "413", "422"}
    assert set(paths["/items/{item_id}"]["get"]["responses"]) == {"200", "401", "403", "404"}
    assert set(paths["/items/{item_id}/transitions"]["post"]["responses"]) == {
        "200", "400", "401", "403", "404", "409", "413", "422"}


# --- 401 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("method, path, template", [
    ("get", "/api/v1/items", "/items"),
    ("post", "/api/v1/items", "/items"),
    ("get", "/api/v1/items/1", "/items/{item_id}"),
    ("post", "/api/v1/items/1/transitions", "/items/{item_id}/transitions"),
])
@pytest.mark.parametrize("header", [None, "Bearer gf_not-a-real-token", "Basic abc"])
def test_no_valid_token_is_401(client, method, path, template, header):
    headers = {"Authorization": header} if header else {}
    response = getattr(client, method)(path, headers=headers, json={})
    assert response.status_code == 401
    body = assert_documented(response, template, method)
    assert body["error"] == "unauthorized" and "token" in body["message"]


def test_a_revoked_token_is_401(app, client, people, token_for):
    from govflow.accounts.models import ApiToken
    from govflow.clock import utcnow

    headers = token_for(PRACTITIONER)
    for row in db.session.scalars(select(ApiToken).where(ApiToken.user_id == people[PRACTITIONER].id)):
        row.revoked_at = utcnow()
    db.session.commit()
    assert client.get("/api/v1/items", headers=headers).status_code == 401


def test_a_signed_in_browser_session_cannot_write(app, client, auth, people):
    auth.login(people[PRACTITIONER].email)
    assert client.get("/api/v1/items").status_code == 200  # reading is fine
    before = count(Item)
    response = client.post("/api/v1/items", json=BLOCKER)
    assert response.status_code == 401
    assert "API token" in assert_documented(response, "/items", "post")["message"]
    assert count(Item) == before


# --- list ----------------------------------------------------------------------------------


def test_list_is_a_page_of_visible_items_with_the_total(app, client, people, token_for):
    practitioner = people[PRACTITIONER]
    hidden = raise_elsewhere(people)
    response = client.get("/api/v1/items?per_page=5", headers=token_for(PRACTITIONER))
    body = assert_documented(response, "/items", "get")
    visible = db.session.scalar(select(func.count()).select_from(
        visible_items(practitioner).subquery()))
    assert body["total"] == visible and body["per_page"] == 5
    assert len(body["items"]) == min(5, visible)
    search = client.get("/api/v1/items?q=minibus", headers=token_for(PRACTITIONER)).get_json()
    assert search["total"] == 0 and search["items"] == []
    seen_by_gold = client.get("/api/v1/items?q=minibus", headers=token_for("executive")).get_json()
    assert [i["id"] for i in seen_by_gold["items"]] == [hidden.id]


def test_list_filters_by_kind_state_tier_and_area(app, client, people, token_for):
    headers = token_for("executive")
    created = create(client, headers).get_json()
    response = client.get("/api/v1/items?kind=blocker&state=bronze&tier=bronze&area=denaby"
                          "&per_page=100", headers=headers)
    body = assert_documented(response, "/items", "get")
    assert body["total"] >= 1
    assert created["id"] in {i["id"] for i in body["items"]}
    for item in body["items"]:
        assert (item["kind"], item["state"], item["tier"], item["area"]["slug"]) == (
            "blocker", "bronze", "bronze", "denaby")
    other = client.get("/api/v1/items?tier=gold&per_page=100", headers=headers).get_json()
    assert all(i["tier"] == "gold" for i in other["items"])


def test_list_pages_read_as_one_list_overdue_first_then_undated(app, client, people,
                                                                 token_for):
    from datetime import timedelta

    from govflow.clock import utcnow
    from govflow.workflow import engine

    now = utcnow()
    practitioner = people[PRACTITIONER]
    dated = [services.raise_blocker(practitioner, title=f"Axolotl {n:02d}", now=now - timedelta(
        days=n), description="A blocker for the list tests.", area="denaby") for n in range(13)]
    paused = []
    for n in range(4):
        item = services.raise_blocker(practitioner, title=f"Axolotl paused {n}",
                                      description="A blocker for the list tests.", area="denaby")
        engine.fire(item, "pause", people[FACILITATOR], fields={"reason": "Waiting on legal."})
        item.due_at = None  # no deadline, as the benchmark data's paused items
        paused.append(item)
    db.session.commit()
    expected = ([i.id for i in sorted(dated, key=lambda i: (i.due_at, i.id))]
                + sorted(p.id for p in paused))
    seen = []
    for page in (1, 2, 3, 4):
        body = client.get(f"/api/v1/items?q=Axolotl&per_page=5&page={page}",
                          headers=token_for(PRACTITIONER)).get_json()
        assert body["total"] == 17 and body["pages"] == 4
        seen += [i["id"] for i in body["items"]]
    assert seen == expected
    assert [i["overdue"] for i in client.get("/api/v1/items?q=Axolotl&per_page=1",
                                             headers=token_for(PRACTITIONER)).get_json()["items"]
            ] == [True]


@pytest.mark.parametrize("query", ["tier=platinum", "state=lost", "kind=complaint",
                                   "area=atlantis"])
def test_list_refuses_unknown_filter_values_with_400(client, token_for, query):
    response = client.get(f"/api/v1/items?{query}", headers=token_for(PRACTITIONER))
    assert response.status_code == 400
    body = assert_documented(response, "/items", "get")
    field = query.partition("=")[0]
    assert field in body["fields"]


@pytest.mark.parametrize("query", ["page=0", "page=abc", "per_page=-1", "page=999999999"])
def test_list_refuses_bad_page_numbers_with_400(client, token_for, query):
    response = client.get(f"/api/v1/items?{query}", headers=token_for(PRACTITIONER))
    assert response.status_code == 400
    assert "page" in assert_documented(response, "/items", "get")["message"]


# --- create --------------------------------------------------------------------------------


def test_create_a_blocker_201_starting_at_bronze(app, client, people, token_for):
    response = create(client, token_for(PRACTITIONER), tags=["rooted-in-place"],
                      organisation="dcst")
    assert response.status_code == 201, response.get_data(as_text=True)
    body = assert_documented(response, "/items", "post")
    assert response.headers["Location"] == f"/api/v1/items/{body['id']}"
    assert (body["kind"], body["state"], body["tier"], body["version"]) == (
        "blocker", "bronze", "bronze", 1)
    assert body["raised_by"]["email"] == people[PRACTITIONER].email
    assert body["owner"] is None and body["due_at"].endswith("Z")
    assert body["organisation"]["slug"] == "dcst" and body["tags"] == ["rooted-in-place"]
    assert [e["trigger"] for e in body["events"]] == ["raise"]
    assert "withdraw" in body["allowed_triggers"] and "escalate" not in body["allowed_triggers"]
    item = db.session.get(Item, body["id"])
    assert item.title == BLOCKER["title"] and item.effect == BLOCKER["effect"]


def test_create_an_idea(app, client, token_for):
    response = client.post("/api/v1/items", headers=token_for(PRACTITIONER), json={
        "kind": "idea", "title": "A weekly conversation club in the café",
        "description": "Parents meet practitioners informally every Thursday.",
        "why": "Families ask for help earlier when they know us.", "area": "denaby",
        "outcomes": [tag for tag in _outcome_slugs()[:1]], "funding_asked": "150"})
    assert response.status_code == 201, response.get_data(as_text=True)
    body = assert_documented(response, "/items", "post")
    assert (body["kind"], body["state"], body["funding_asked"]) == ("idea", "proposed", 150.0)


def _outcome_slugs():
    from govflow.items.models import Tag

    return list(db.session.scalars(select(Tag.slug).where(Tag.kind == "outcome")))


@pytest.mark.parametrize("extra", [
    {"state": "closed"}, {"owner_id": 1}, {"version": 99}, {"tier": "gold"},
    {"raised_by_id": 1}, {"id": 5},
])
def test_create_refuses_fields_it_does_not_accept_and_saves_nothing(app, client, token_for,
                                                                    extra):
    before = count(Item)
    response = create(client, token_for(PRACTITIONER), **extra)
    assert response.status_code == 400
    body = assert_documented(response, "/items", "post")
    assert list(body["fields"]) == list(extra)
    assert "Nothing has been changed" in body["message"]
    assert count(Item) == before


@pytest.mark.parametrize("body, field", [
    ({"title": 5}, "title"),
    ({"tags": "rooted-in-place"}, "tags"),
    ({"tags": [1, 2]}, "tags"),
    ({"area": ["denaby"]}, "area"),
    ({"kind": "complaint"}, "kind"),
    ({"kind": None}, "kind"),
    ({"title": "   "}, "title"),
    ({"description": ""}, "description"),
    ({"area": "atlantis"}, "area"),
    ({"tags": ["not-a-tag"]}, "tags"),
    ({"organisation": "acme"}, "organisation"),
])
def test_create_bad_input_is_400_naming_the_field(app, client, token_for, body, field):
    before = count(Item)
    response = create(client, token_for(PRACTITIONER), **body)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert field in assert_documented(response, "/items", "post")["fields"]
    assert count(Item) == before


@pytest.mark.parametrize("raw, content_type", [
    ("not json", "application/json"),
    ("[1, 2]", "application/json"),
    ('{"kind": "blocker"}', "text/plain"),
])
def test_create_needs_a_json_object(client, token_for, raw, content_type):
    response = client.post("/api/v1/items", data=raw, content_type=content_type,
                           headers=token_for(PRACTITIONER))
    assert response.status_code == 400
    assert "JSON" in assert_documented(response, "/items", "post")["message"]


@pytest.mark.parametrize("overrides, field, code", [
    ({"description": "Her NHS number is 943 476 5919, so records are split."}, "description",
     "personal_data"),
    ({"effect": "The family at DN12 4AB has waited a month."}, "effect", "personal_data"),
    # A NUL byte is refused earlier, by the edge guard (tests/security/test_edge_guard.py).
    ({"title": "Rooms \u202e after 4pm"}, "title", "unprocessable"),
    ({"title": "x" * 201}, "title", "unprocessable"),
])
def test_create_unacceptable_text_is_422_and_saves_nothing(app, client, token_for, overrides,
                                                          field, code):
    before = count(Item)
    response = create(client, token_for(PRACTITIONER), **overrides)
    assert response.status_code == 422, response.get_data(as_text=True)
    body = assert_documented(response, "/items", "post")
    assert body["error"] == code and field in body["fields"]
    assert count(Item) == before


def test_too_large_a_body_is_413(app, client, token_for):
    size = app.config["MAX_CONTENT_LENGTH"]
    response = create(client, token_for(PRACTITIONER), description="x" * (size + 1))
    assert response.status_code == 413
    body = assert_documented(response, "/items", "post")
    assert body["error"] == "too_large" and f"{size:,}" in body["message"]


# --- read ----------------------------------------------------------------------------------


def test_read_an_item_with_events_and_the_callers_triggers(app, client, people, token_for):
    item = create(client, token_for(PRACTITIONER)).get_json()
    response = client.get(f"/api/v1/items/{item['id']}", headers=token_for(FACILITATOR))
    body = assert_documented(response, "/items/{item_id}", "get")
    for key in ("id", "kind", "title", "description", "state", "tier", "area", "version",
                "due_at", "owner", "raised_by", "allowed_triggers", "events"):
        assert key in body
    assert {"take", "escalate", "unblock", "pause"} <= set(body["allowed_triggers"])
    assert "withdraw" not in body["allowed_triggers"]  # the raiser's, not the facilitator's
    escalate = next(a for a in body["actions"] if a["trigger"] == "escalate")
    assert escalate["fields"][0]["name"] == "reason" and escalate["fields"][0]["required"]
    [raised] = body["events"]
    # A facilitator reads who raised it, but not their email address: only the item's own
    # people (and administrators) need that.
    assert raised["trigger"] == "raise" and raised["actor"]["email"] is None
    assert raised["actor"]["display_name"] == people[PRACTITIONER].display_name
    mine = client.get(f"/api/v1/items/{item['id']}", headers=token_for(PRACTITIONER)).get_json()
    assert mine["events"][0]["actor"]["email"] == people[PRACTITIONER].email


def test_a_restricted_item_you_may_not_see_is_403_and_a_missing_one_404(app, client, people,
                                                                         token_for):
    hidden = raise_elsewhere(people)
    headers = token_for(PRACTITIONER)
    response = client.get(f"/api/v1/items/{hidden.id}", headers=headers)
    assert response.status_code == 403
    body = assert_documented(response, "/items/{item_id}", "get")
    assert body["error"] == "restricted" and "minibus" not in body["message"]
    response = client.get("/api/v1/items/987654", headers=headers)
    assert response.status_code == 404
    assert assert_documented(response, "/items/{item_id}", "get")["error"] == "not_found"
    assert client.get(f"/api/v1/items/{hidden.id}", headers=token_for("executive")).status_code == 200


# --- transitions ---------------------------------------------------------------------------


def fire(client, headers, item_id, **body):
    return client.post(f"/api/v1/items/{item_id}/transitions", json=body, headers=headers)


def test_escalate_through_the_api(app, client, people, token_for):
    item = create(client, token_for(PRACTITIONER)).get_json()
    response = fire(client, token_for(FACILITATOR), item["id"], trigger="escalate",
                    version=item["version"], reason="The trust owns the building contract.")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = assert_documented(response, "/items/{item_id}/transitions", "post")
    assert (body["state"], body["tier"], body["version"]) == ("silver", "silver", 2)
    last = body["events"][-1]
    assert (last["trigger"], last["from_state"], last["to_state"]) == ("escalate", "bronze", "silver")
    assert last["reason"] == "The trust owns the building contract."
    assert last["actor"]["email"] == people[FACILITATOR].email


@pytest.mark.parametrize("body, field", [
    ({"trigger": "escalate"}, "version"),
    ({"trigger": "escalate", "version": "1"}, "version"),
    ({"trigger": "escalate", "version": True}, "version"),
    ({"trigger": "teleport", "version": 1}, "trigger"),
    ({"version": 1}, "trigger"),
    ({"trigger": "escalate", "version": 1, "reason": "Needs Silver", "state": "gold"}, "state"),
    ({"trigger": "escalate", "version": 1, "reason": "Needs Silver", "resolution": "x"},
     "resolution"),
    ({"trigger": "escalate", "version": 1, "reason": ["Needs", "Silver"]}, "reason"),
    ({"trigger": "escalate", "version": 1}, "reason"),
    ({"trigger": "escalate", "version": 1, "reason": "   "}, "reason"),
])
def test_transition_bad_input_is_400_and_changes_nothing(app, client, token_for, body, field):
    item = create(client, token_for(PRACTITIONER)).get_json()
    events = count(Event)
    response = fire(client, token_for(FACILITATOR), item["id"], **body)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert field in assert_documented(response, "/items/{item_id}/transitions", "post")["fields"]
    after = db.session.get(Item, item["id"])
    db.session.refresh(after)
    assert (after.state, after.version, count(Event)) == ("bronze", 1, events)


def test_a_trigger_not_open_to_you_is_403(app, client, token_for):
    item = create(client, token_for(PRACTITIONER)).get_json()
    response = fire(client, token_for(PRACTITIONER), item["id"], trigger="escalate", version=1,
                    reason="I want it looked at sooner.")
    assert response.status_code == 403
    body = assert_documented(response, "/items/{item_id}/transitions", "post")
    assert body["error"] == "forbidden" and "not open to you" in body["message"]
    assert db.session.get(Item, item["id"]).state == "bronze"


def test_a_transition_on_a_restricted_item_you_cannot_see_is_403(app, client, people, token_for):
    hidden = raise_elsewhere(people)
    response = fire(client, token_for(PRACTITIONER), hidden.id, trigger="withdraw", version=1)
    assert response.status_code == 403
    assert_documented(response, "/items/{item_id}/transitions", "post")


def test_a_trigger_not_possible_from_the_state_is_409_refused(app, client, token_for):
    item = create(client, token_for(PRACTITIONER)).get_json()
    response = fire(client, token_for(PRACTITIONER), item["id"], trigger="close", version=1)
    assert response.status_code == 409
    body = assert_documented(response, "/items/{item_id}/transitions", "post")
    assert body["error"] == "transition_refused" and "cannot be closed now" in body["message"]
    assert db.session.get(Item, item["id"]).state == "bronze"


def test_a_stale_version_is_409_with_what_changed_and_nothing_applied(app, client, people,
                                                                      token_for):
    item = create(client, token_for(PRACTITIONER)).get_json()
    first = fire(client, token_for(FACILITATOR), item["id"], trigger="escalate", version=1,
                 reason="The trust owns the building.")
    assert first.status_code == 200
    events = count(Event)
    stale = fire(client, token_for(FACILITATOR), item["id"], trigger="unblock", version=1,
                 resolution="The caretaker now stays late.")
    assert stale.status_code == 409
    body = assert_documented(stale, "/items/{item_id}/transitions", "post")
    assert body["error"] == "stale_version" and body["current_version"] == 2
    assert "changed since you opened it" in body["message"]
    [change] = body["changes"]
    assert (change["trigger"], change["to_state"], change["actor"]) == (
        "escalate", "silver", people[FACILITATOR].display_name)
    assert db.session.get(Item, item["id"]).state == "silver" and count(Event) == events


@pytest.mark.parametrize("reason, code", [
    ("Call Mrs Smith on 07700 900123 about it.", "personal_data"),
    ("x" * 5001, "unprocessable"),
])
def test_unacceptable_text_in_a_transition_is_422(app, client, token_for, reason, code):
    item = create(client, token_for(PRACTITIONER)).get_json()
    response = fire(client, token_for(FACILITATOR), item["id"], trigger="escalate", version=1,
                    reason=reason)
    assert response.status_code == 422
    body = assert_documented(response, "/items/{item_id}/transitions", "post")
    assert body["error"] == code and "reason" in body["fields"]
    assert db.session.get(Item, item["id"]).state == "bronze"


def test_too_large_a_transition_is_413(app, client, token_for):
    item = create(client, token_for(PRACTITIONER)).get_json()
    response = fire(client, token_for(FACILITATOR), item["id"], trigger="escalate", version=1,
                    reason="x" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    assert response.status_code == 413
    assert_documented(response, "/items/{item_id}/transitions", "post")


# --- two requests at once (PostgreSQL) -----------------------------------------------------


@pytest.mark.postgres_only
def test_two_requests_firing_on_one_item_at_once_exactly_one_wins():
    """Both requests read version 1 and pass every check; a barrier holds each one just
    before it writes, so they really do race for the row. The loser gets the stale message
    and writes nothing."""
    from govflow import create_app
    from govflow.accounts.models import User
    from govflow.accounts.views import issue_token
    from tests.support.served import ScratchDatabase, app_config

    scratch = ScratchDatabase(os.environ["GOVFLOW_TEST_DATABASE_URL"])
    barrier = threading.Barrier(2, timeout=20)

    def hold_before_writing_the_item(session, _context, _instances):
        if any(isinstance(obj, Item) for obj in session.dirty):
            barrier.wait()

    try:
        scratch.migrate_and_seed()
        app = create_app(app_config(scratch.url))
        with app.app_context():
            by_email = {u.email: u for u in db.session.scalars(select(User))}
            raiser = by_email["priya.shah@dcst.example"]
            item = services.raise_blocker(raiser, title="Race: rooms after 4pm",
                                          description="No caretaker.", area="denaby")
            item_id = item.id
            tokens = [issue_token(by_email["rachel.dunn@dmbc.example"], "race"),  # facilitator
                      issue_token(by_email["simon.adeyemi@dmbc.example"], "race")]  # sponsor
            db.session.commit()
            db.session.remove()

        bodies = [
            {"trigger": "escalate", "version": 1, "reason": "The trust owns the building."},
            {"trigger": "unblock", "version": 1, "resolution": "The caretaker stays till 7pm."},
        ]
        results = [None, None]

        def request(i):
            client = app.test_client()
            results[i] = client.post(f"/api/v1/items/{item_id}/transitions", json=bodies[i],
                                     headers={"Authorization": f"Bearer {tokens[i]}"})

        sa_event.listen(Session, "before_flush", hold_before_writing_the_item)
        try:
            threads = [threading.Thread(target=request, args=(i,)) for i in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
        finally:
            sa_event.remove(Session, "before_flush", hold_before_writing_the_item)

        with app.app_context():
            events = db.session.scalars(select(Event).where(Event.item_id == item_id)
                                        .order_by(Event.id)).all()
            final = db.session.get(Item, item_id)
            state, version = final.state, final.version
            db.session.remove()
            db.engine.dispose()
    finally:
        scratch.drop()

    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 409], [r.get_data(as_text=True) for r in results]
    winner = next(r for r in results if r.status_code == 200).get_json()
    loser = next(r for r in results if r.status_code == 409).get_json()
    assert loser["error"] == "stale_version"
    assert "This item changed since you opened it" in loser["message"]
    assert [c["trigger"] for c in loser["changes"]] == [winner["events"][-1]["trigger"]]
    assert [e.trigger for e in events] == ["raise", winner["events"][-1]["trigger"]]
    assert (state, version) == (winner["state"], 2)
