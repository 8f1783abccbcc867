"""Hostile input: whatever an attacker or a broken client sends gets a clear 4xx, never a 500,
and changes nothing."""

from __future__ import annotations

import pytest

from govflow.accounts.views import issue_token


@pytest.fixture
def api(client, people):
    token = issue_token(people["admin"], "hostile-input tests")
    headers = {"Authorization": f"Bearer {token}"}

    def call(method, path, **kw):
        return client.open(path, method=method, headers=headers, **kw)

    return call


@pytest.mark.parametrize("path", ["/decisions/{n}", "/actions/{n}", "/admin/people/{n}"])
def test_ids_too_big_for_the_database_are_not_found(auth, client, people, path):
    auth.login(people["admin"].email)
    for n in (2**31, 2**64 + 1, 10**40):
        response = client.get(path.format(n=n))
        assert response.status_code == 404, (path, n)


@pytest.mark.parametrize("path", ["/api/v1/decisions/{n}", "/api/v1/actions/{n}"])
def test_api_ids_too_big_are_json_404(api, path):
    response = api("GET", path.format(n=2**64 + 1))
    assert response.status_code == 404
    assert response.is_json


@pytest.mark.parametrize("path", ["/api/v1/decisions", "/api/v1/actions"])
def test_api_page_numbers_too_big_are_a_clear_400(api, path):
    response = api("GET", path, query_string={"page": 454400237822561920})
    assert response.status_code == 400
    assert "page" in response.get_json()["message"]


def test_api_token_use_is_noted(api, people, app):
    from sqlalchemy import select

    from govflow.accounts.models import ApiToken
    from govflow.extensions import db

    assert api("GET", "/api/v1/decisions").status_code == 200
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "hostile-input tests"))
    assert token.last_used_at is not None


def test_revoked_or_unknown_tokens_are_401(client):
    response = client.get("/api/v1/decisions", headers={"Authorization": "Bearer gf_nope"})
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


# ---------------------------------------------------------------- forms

import html as html_lib  # noqa: E402
import re  # noqa: E402

from sqlalchemy import func, select  # noqa: E402

from govflow.extensions import db  # noqa: E402
from govflow.items.models import Event, Item  # noqa: E402
from tests.conftest import csrf_from  # noqa: E402

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>{{7*7}}${7*7}'
BLOCKER = {"title": "Room bookings refused for partner services",
           "description": "Partner services cannot book the library room after 4pm.",
           "area": "denaby", "organisation": "dcst"}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _bronze_blocker(area_slug="denaby") -> Item:
    from govflow.accounts.models import LocalArea

    return db.session.scalar(
        select(Item).join(LocalArea, Item.area_id == LocalArea.id)
        .where(Item.kind == "blocker", Item.state == "bronze", LocalArea.slug == area_slug)
        .order_by(Item.id))


def _snapshot(item: Item):
    db.session.refresh(item)
    events = db.session.scalar(select(func.count()).where(Event.item_id == item.id))
    return item.state, item.tier, item.owner_id, item.version, events


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(auth, client, people):
    auth.login(people["practitioner"].email)
    before = _count(Item)
    response = client.post("/blockers/new", data=BLOCKER)
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert _count(Item) == before


def test_a_form_open_for_over_an_hour_comes_back_with_what_was_typed(
        auth, client, people, app, monkeypatch):
    auth.login(people["practitioner"].email)
    token = auth.csrf("/blockers/new")
    before = _count(Item)
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", -1)  # every token is now too old
    response = client.post("/blockers/new", data={**BLOCKER, "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This page timed out" in page
    assert BLOCKER["title"] in page and BLOCKER["description"] in page
    assert _count(Item) == before
    # Sent again with the fresh token on the page, it goes through.
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", 3600)
    again = client.post("/blockers/new", data={**BLOCKER, "csrf_token": csrf_from(page)})
    assert again.status_code == 302
    assert _count(Item) == before + 1


def test_an_expired_action_form_keeps_the_reason_and_the_item(auth, client, people, app,
                                                              monkeypatch):
    item = _bronze_blocker()
    before = _snapshot(item)
    auth.login(people["facilitator"].email)
    form = client.get(f"/items/{item.id}/actions/escalate").get_data(as_text=True)
    reason = "Only the council can change the library's opening hours."
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", -1)
    response = client.post(f"/items/{item.id}/actions/escalate", data={
        "csrf_token": csrf_from(form), "version": re.search(
            r'name="version"[^>]*value="(\d+)"', form).group(1), "reason": reason})
    assert response.status_code == 400
    assert reason in html_lib.unescape(response.get_data(as_text=True))
    assert _snapshot(item) == before


def test_skipping_a_tier_is_refused_and_changes_nothing(auth, client, people):
    item = _bronze_blocker()
    before = _snapshot(item)
    auth.login(people["executive"].email)
    # Gold's own actions on a Bronze blocker, and a trigger that does not exist.
    for trigger in ("refer_to_bronze", "refer_down", "escalate_to_gold"):
        path = f"/items/{item.id}/actions/{trigger}"
        response = auth.post(path, {"support_given": "Go ahead.", "reason": "Skip Silver."},
                             form_page=f"/items/{item.id}")
        assert response.status_code in (400, 403, 404, 409), (trigger, response.status_code)
        assert _snapshot(item) == before, trigger


def test_extra_fields_in_forms_are_never_applied(auth, client, people):
    auth.login(people["practitioner"].email)
    admin = people["admin"]
    response = auth.post("/blockers/new", {**BLOCKER, "state": "gold", "tier": "gold",
                                           "owner_id": str(admin.id), "version": "99",
                                           "raised_by_id": str(admin.id), "id": "1"},
                         form_page="/blockers/new")
    assert response.status_code == 302
    item = db.session.get(Item, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert (item.state, item.tier, item.owner_id, item.version) == ("bronze", "bronze", None, 1)
    assert item.raised_by_id == people["practitioner"].id

    facilitator_item = _bronze_blocker()
    auth.logout()
    auth.login(people["facilitator"].email)
    page = client.get(f"/items/{facilitator_item.id}/actions/escalate").get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    response = auth.post(f"/items/{facilitator_item.id}/actions/escalate", {
        "reason": "Needs Silver.", "version": version, "state": "closed", "tier": "gold",
        "owner_id": str(admin.id)}, form_page=f"/items/{facilitator_item.id}")
    assert response.status_code == 302
    db.session.refresh(facilitator_item)
    assert (facilitator_item.state, facilitator_item.tier) == ("silver", "silver")
    assert facilitator_item.owner_id is None


def test_markup_and_template_syntax_in_text_stay_literal_in_pages_and_csv(auth, client, people):
    auth.login(people["practitioner"].email)
    response = auth.post("/blockers/new", {**BLOCKER, "title": "Room " + HOSTILE[:120],
                                           "description": HOSTILE, "effect": HOSTILE},
                         form_page="/blockers/new")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    item_path = response.headers["Location"]
    page = client.get(item_path).get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert html_lib.escape(HOSTILE, quote=False)[:40] in html_lib.unescape(page).replace(
        HOSTILE, html_lib.escape(HOSTILE, quote=False)) or "&lt;script&gt;" in page
    assert "{{7*7}}" in page and "${7*7}" in page and ">49<" not in page
    csv_text = client.get("/items/mine?format=csv").get_data(as_text=True)
    assert "{{7*7}}" in csv_text and "<script>alert" in csv_text  # CSV is data, not HTML


def test_csv_formula_injection_is_neutralised(auth, client, people):
    auth.login(people["practitioner"].email)
    formula = '=HYPERLINK("http://169.254.169.254/","Click me")'
    for prefix_case in (formula, "+1+1", "-2+3", "@SUM(A1)"):
        auth.post("/blockers/new", {**BLOCKER, "title": prefix_case},
                  form_page="/blockers/new")
    csv_text = client.get("/items/mine?format=csv").get_data(as_text=True)
    for cell in (formula, "+1+1", "-2+3", "@SUM(A1)"):
        assert f"'{cell}" in csv_text.replace('""', '"'), cell
        assert f",{cell}" not in csv_text.replace('""', '"')


@pytest.mark.parametrize(("field", "value", "problem"), [
    # A NUL byte is refused before the form sees it: tests/security/test_edge_guard.py.
    ("title", "Room\x01bookings", "control character"),
    ("description", "Bookings \u202egnp.exe\u202c are refused", "right-to-left"),
    ("description", "x" * 20_001, "characters or fewer"),
])
def test_hidden_characters_and_over_long_text_are_422_and_kept(auth, client, people, field,
                                                               value, problem):
    auth.login(people["practitioner"].email)
    before = _count(Item)
    response = auth.post("/blockers/new", {**BLOCKER, field: value}, form_page="/blockers/new")
    page = html_lib.unescape(response.get_data(as_text=True))
    assert response.status_code in (400, 422), response.status_code
    assert problem in page
    assert value[:40] in page, "what was typed is shown again, exactly"
    assert _count(Item) == before


def test_over_long_title_is_refused_with_the_text_kept(auth, client, people):
    auth.login(people["practitioner"].email)
    title = "Library rooms " * 30
    response = auth.post("/blockers/new", {**BLOCKER, "title": title}, form_page="/blockers/new")
    assert response.status_code in (400, 422)
    assert "200 characters or fewer" in response.get_data(as_text=True)
    assert title.strip()[:100] in html_lib.unescape(response.get_data(as_text=True))


def test_state_changing_urls_refuse_get(app, auth, client, people):
    """Every route that only takes POST answers a GET with 405, never by acting."""
    auth.login(people["admin"].email)
    readable = {r.rule for r in app.url_map.iter_rules() if "GET" in r.methods}
    checked = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.rule in readable:
            continue
        path = re.sub(r"<(?:int:)?[^>]+>", "1", rule.rule)
        response = client.get(path)
        assert response.status_code in (405, 401), (rule.rule, response.status_code)
        if response.status_code == 405:
            assert "POST" in response.headers.get("Allow", "")
        checked += 1
    assert checked >= 10


def test_markup_and_urls_in_text_stay_literal_in_pdfs_and_are_never_fetched(
        auth, client, people, caplog):
    """What a person types reaches the PDF as text: no markup, no template, no fetch."""
    import io

    from pypdf import PdfReader

    from govflow.workflow import engine

    item = _bronze_blocker()
    hostile = ('{{7*7}} <img src="file:///etc/passwd"> <link rel=stylesheet '
               'href="http://169.254.169.254/x.css"> <p style="background:url(file:///etc/shadow)">')
    engine.fire(item, "unblock", people["facilitator"], fields={"resolution": hostile})
    auth.login(people["executive"].email)
    with caplog.at_level("WARNING", logger="govflow.pdf"):
        response = client.get("/forums/decision-log.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    # Lines wrap inside long URLs: compare without the spaces the wrapping adds.
    squashed = "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data))
                               .pages).split())
    assert "".join(hostile.split()) in squashed
    assert not [r for r in caplog.records if "refused" in r.getMessage()], \
        "the text was never treated as something to fetch"


def test_extra_fields_in_api_json_are_refused_and_nothing_changes(api):
    before = _count(Item)
    response = api("POST", "/api/v1/items", json={
        "kind": "blocker", "title": "Rooms", "description": "Rooms cannot be booked.",
        "area": "denaby", "state": "gold", "owner_id": 1, "version": 7})
    assert response.status_code == 400 and response.is_json
    assert _count(Item) == before

    item = _bronze_blocker()
    snapshot = _snapshot(item)
    for body in ({"trigger": "escalate", "version": item.version, "reason": "Needs Silver.",
                  "state": "closed", "owner_id": 1},
                 {"trigger": "refer_to_bronze", "version": item.version,
                  "support_given": "Skip Silver."},
                 {"trigger": "escalate", "version": "1; DROP TABLE items", "reason": "x"}):
        response = api("POST", f"/api/v1/items/{item.id}/transitions", json=body)
        assert response.status_code in (400, 403, 409), (body, response.status_code)
        assert response.is_json and response.get_json().get("message")
        assert _snapshot(item) == snapshot, body


@pytest.mark.parametrize("kind", [{}, [], None, 7, "spaceship"])
def test_an_item_of_no_known_kind_is_a_clear_400(api, kind):
    """Found by schemathesis: {"kind": {}} was a 500."""
    response = api("POST", "/api/v1/items", json={"kind": kind, "title": "Rooms"})
    assert response.status_code == 400
    assert "kind must be one of" in response.get_json()["message"]


def test_a_stale_version_over_the_api_says_what_changed_in_rfc3339(api, people):
    """Found by schemathesis: the changes' times had no zone, so broke the OpenAPI schema."""
    from datetime import datetime

    from govflow.workflow import engine

    item = _bronze_blocker()
    seen = item.version
    engine.fire(item, "take", people["facilitator"])
    response = api("POST", f"/api/v1/items/{item.id}/transitions",
                   json={"trigger": "escalate", "version": seen, "reason": "Needs Silver."})
    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "stale_version" and body["changes"]
    for change in body["changes"]:
        assert change["at"].endswith("Z")
        datetime.fromisoformat(change["at"])
