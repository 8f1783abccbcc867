"""The edge guard (govflow/edge.py): what no part of govflow should ever see is refused
before any view runs, with the GOV.UK error page or the API's JSON error; ids, page numbers
and dates out of range are messages beside the field."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from govflow.accounts.views import issue_token
from govflow.extensions import db
from govflow.items.models import Item


@pytest.fixture
def api(client, people):
    token = issue_token(people["admin"], "edge guard tests")
    headers = {"Authorization": f"Bearer {token}"}

    def call(method, path, body=None, **kw):
        if body is not None:
            kw["data"] = body.encode("utf-8", "surrogatepass")
            kw["content_type"] = "application/json"
        return client.open(path, method=method, headers=headers | kw.pop("headers", {}), **kw)

    return call


def _items() -> int:
    return db.session.scalar(select(func.count()).select_from(Item))


@pytest.mark.parametrize("query", [
    {"q": "rooms\x00"}, {"state": "\x00"}, {"area": "denaby\x00"}, {"owner": "\x00"}])
def test_nul_bytes_in_list_filters_are_a_400_page(auth, client, people, query):
    auth.login(people["executive"].email)
    for path in ("/queue", "/items/mine", "/decisions", "/admin/people", "/actions.csv"):
        response = client.get(path, query_string=query)
        assert response.status_code == 400, path
        assert response.mimetype == "text/html"
        assert "not allowed" in response.get_data(as_text=True)


def test_a_nul_byte_in_the_sign_in_email_is_a_400_page_before_anything_else(client, auth):
    page = client.get("/sign-in").get_data(as_text=True)
    from tests.conftest import csrf_from

    response = client.post("/sign-in", data={"email": "a\x00@b.c", "password": "x",
                                             "csrf_token": csrf_from(page)})
    assert response.status_code == 400
    assert "not allowed" in response.get_data(as_text=True)


def test_the_guard_answers_before_the_csrf_check(auth, client, people):
    """A form with a NUL byte and no security token: the NUL is what is refused, so the
    CSRF handler (which may show the form again) never sees the value."""
    auth.login(people["practitioner"].email)
    response = client.post("/blockers/new", data={"title": "Rooms\x00", "area": "denaby"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "not allowed" in page and "security token" not in page


def test_nul_bytes_and_surrogates_in_api_json_are_json_400s(api):
    before = _items()
    for body in ('{"kind": "blocker", "title": "Rooms\\u0000", "description": "x", "area": "denaby"}',
                 '{"kind": "blocker", "title": "Rooms \\ud800", "description": "x", "area": "denaby"}',
                 '{"kind": "blocker", "title": "Rooms", "description": "x", "area": "denaby", '
                 '"tags": ["\\udfff"]}'):
        response = api("POST", "/api/v1/items", body)
        assert response.status_code == 400 and response.is_json
        assert "not allowed" in response.get_json()["message"]
    assert _items() == before


def test_api_token_names_and_headers_with_nul_bytes_are_refused(api):
    response = api("GET", "/api/v1/items", headers={"X-Request-Id": "a\x00b"})
    assert response.status_code == 400 and response.is_json


def test_json_nested_5000_deep_is_a_clear_400(api):
    for body in ("[" * 5000 + "]" * 5000, '{"title": ' + "[" * 5000 + "]" * 5000 + "}"):
        response = api("POST", "/api/v1/items", body)
        assert response.status_code == 400
        assert "nested more than" in response.get_json()["message"]


def test_not_json_and_nan_are_a_clear_400(api):
    for body in ("{'kind': ", '{"kind": "idea", "funding_asked": NaN}'):
        response = api("POST", "/api/v1/items", body)
        assert response.status_code == 400
        assert "not valid JSON" in response.get_json()["message"]


@pytest.mark.parametrize(("body", "field", "words"), [
    ({"trigger": "escalate", "version": "seven"}, "version", "whole number"),
    ({"trigger": 7, "version": 1}, "trigger", "text"),
    ({"trigger": "pause", "version": 1, "review_on_date": [1]}, "review_on_date", "text"),
    ({"trigger": "pause", "version": 1, "review_on_date": 12345}, "review_on_date", "text"),
])
def test_wrong_json_types_in_a_transition_are_field_errors(api, body, field, words):
    item_id = db.session.scalar(select(func.min(Item.id)))
    response = api("POST", f"/api/v1/items/{item_id}/transitions", json.dumps(body))
    assert response.status_code == 400
    assert words in response.get_json()["fields"][field]


def test_wrong_json_types_in_a_new_item_are_field_errors(api):
    response = api("POST", "/api/v1/items", json.dumps({
        "kind": "blocker", "title": ["Rooms"], "description": 5, "area": "denaby"}))
    assert response.status_code == 400
    fields = response.get_json()["fields"]
    assert fields["title"] == "title must be text" and fields["description"]


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1899-12-31T10:00:00Z"])
def test_api_dates_outside_1900_to_2100_say_the_range(api, value):
    item_id = db.session.scalar(select(func.min(Item.id)))
    response = api("POST", f"/api/v1/items/{item_id}/transitions", json.dumps(
        {"trigger": "pause", "version": 1, "review_on_date": value}))
    assert response.status_code == 400
    assert "between 1900 and 2100" in json.dumps(response.get_json())


@pytest.mark.parametrize("path", ["/decisions", "/dashboard", "/decisions/export.csv"])
@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "99999-01-01"])
def test_date_filters_outside_1900_to_2100_say_the_range(auth, client, people, path, value):
    auth.login(people["executive"].email)
    response = client.get(path, query_string={"from": "2026-01-01", "to": value})
    assert response.status_code in (200, 400), (path, response.status_code)
    if response.mimetype == "text/html":
        assert "between 1900 and 2100" in response.get_data(as_text=True)


def test_api_metrics_date_out_of_range_is_a_400(api):
    response = api("GET", "/api/v1/metrics", query_string={"to": "9999-12-31"})
    assert response.status_code == 400
    assert "between 1900 and 2100" in json.dumps(response.get_json())


def test_ids_and_pages_too_big_for_the_database_are_not_500(auth, client, people):
    auth.login(people["executive"].email)
    for path, query in (("/actions", {"page": 2**63}), ("/inbox", {"page": 10**30}),
                        ("/decisions", {"decider": 2**31}), ("/decisions", {"decider": "\u00b2"}),
                        ("/actions/new", {"item": 2**31})):
        assert client.get(path, query_string=query).status_code in (200, 400, 403, 404), path
    response = client.get("/decisions", query_string={"item": 2**40})
    assert response.status_code == 400
    assert "Item must be an item number" in response.get_data(as_text=True)


def test_a_long_forwarded_address_in_production_is_refused_and_sign_in_still_limited(
        make_app, people, monkeypatch):
    """Production without Redis: the throttle's key column held the forwarded address, so a
    long one made every failed sign-in a 500, never counted."""
    secret = "s" * 40
    monkeypatch.setenv("SECRET_KEY", secret)
    app = make_app(GOVFLOW_ENV="production", SECRET_KEY=secret, REDIS_URL="",
                   WTF_CSRF_SSL_STRICT=False, LOGIN_MAX_ATTEMPTS=3)
    assert app.config["PRODUCTION"]
    client = app.test_client()
    from tests.conftest import csrf_from

    https = {"base_url": "https://govflow.example"}
    for address in ("203.0.113.9, " + "x" * 3000, "x" * 8000, "203.0.113.9, not-an-address"):
        response = client.get("/sign-in", headers={"X-Forwarded-For": address}, **https)
        assert response.status_code == 400
        assert "forwarded address" in response.get_data(as_text=True)
    response = client.get("/sign-in", headers={"X-Forwarded-For": "203.0.113.9",
                                               "X-Forwarded-Proto": "javascript"}, **https)
    assert response.status_code == 400
    assert "forwarded protocol" in response.get_data(as_text=True)
    # A long chain ending in the address the load balancer saw is fine, and that address
    # is what sign-ins are counted by: the fourth wrong password is refused.
    headers = {"X-Forwarded-For": "198.51.100.1, " * 300 + "203.0.113.9"}
    statuses = []
    for _ in range(4):
        token = csrf_from(client.get("/sign-in", headers=headers, **https)
                          .get_data(as_text=True))
        statuses.append(client.post("/sign-in", headers=headers, data={
            "email": f"nobody-{len(statuses)}@example.org", "password": "not the password",
            "csrf_token": token}, **https).status_code)
    assert statuses == [200, 200, 200, 429], statuses


def test_a_csrf_failure_while_the_database_is_down_is_not_a_500(auth, client, people,
                                                                 make_app):
    """Signed in, then the database stops answering (a second app on the same secret key,
    pointed at a port where nothing listens): a form without its token gets a clear page."""
    auth.login(people["practitioner"].email)
    cookie = client.get_cookie("session").value
    down = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:9/gone")
    other = down.test_client()
    other.set_cookie("session", cookie)
    response = other.post("/blockers/new", data={"title": "Rooms for partner services"})
    assert response.status_code in (400, 503), response.status_code
    assert response.mimetype == "text/html"
    assert "Sorry, the service is unavailable" in response.get_data(as_text=True) \
        or "security token" in response.get_data(as_text=True)
