"""The permission matrix: every route (pages and API) for every role and signed out, answered
as the table in permission_table.py says. A route without a row fails, so a new page cannot
land without someone deciding who may use it.

Each request runs in the test's rolled-back transaction, so POST-only routes can be tried
for real (with a valid CSRF token and no other fields: most answer 400, a few act).
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.conftest import csrf_from
from tests.security.permission_table import ROLES, TABLE, expected

# A meeting still open for changes, with an agenda (the central forum's next one).
MEETING = ("coalesce((SELECT min(m.id) FROM meetings m WHERE m.status <> 'approved' AND EXISTS "
           "(SELECT 1 FROM agenda_items a WHERE a.meeting_id = m.id)), "
           "(SELECT min(id) FROM meetings))")
ARG_SQL = {
    "item_id": "SELECT min(i.id) FROM items i JOIN local_areas a ON a.id = i.area_id "
               "WHERE a.slug = 'denaby' AND i.kind = 'blocker' AND i.state = 'bronze'",
    "decision_id": "SELECT min(id) FROM decisions",
    "action_id": "SELECT min(id) FROM sponsor_actions",
    "meeting_id": f"SELECT {MEETING}",
    "agenda_item_id": "SELECT coalesce(min(id), 1) FROM agenda_items "
                      f"WHERE meeting_id = {MEETING}",
    "attendance_id": "SELECT coalesce(min(id), 1) FROM meeting_attendance",
    "conflict_id": "SELECT coalesce(min(id), 1) FROM conflict_declarations",
    "notification_id": "SELECT coalesce(min(id), 1) FROM notifications",
    "comment_id": "SELECT coalesce(min(id), 1) FROM comments",
    "attachment_id": "SELECT coalesce(min(id), 1) FROM attachments",
    "owner_id": "SELECT min(i.id) FROM items i JOIN local_areas a ON a.id = i.area_id "
                "WHERE a.slug = 'denaby' AND i.kind = 'blocker' AND i.state = 'bronze'",
    "area_id": "SELECT id FROM local_areas WHERE slug = 'denaby'",
    "org_id": "SELECT min(id) FROM organisations",
    "provider_id": "SELECT coalesce(min(id), 1) FROM identity_providers",
    "token_id": "SELECT 999999",
    "agreement_id": "SELECT coalesce(min(id), 1) FROM agreements",
    "thing_id": "SELECT min(i.id) FROM items i JOIN local_areas a ON a.id = i.area_id "
                "WHERE a.slug = 'denaby' AND i.kind = 'blocker' AND i.state = 'bronze'",
    "absence_id": "SELECT 999999",
    "feed_id": "SELECT 999999",
}
FIXED = {"trigger": "escalate", "key": "by-area", "filename": "build/govflow.css",
         "owner_kind": "item", "token": "not-a-token-we-signed", "thing": "item"}


def _args(endpoint: str) -> dict:
    from govflow.extensions import db

    values = dict(FIXED)
    for name, sql in ARG_SQL.items():
        values[name] = db.session.execute(text(sql)).scalar()
    values["slug"] = "central-forum" if endpoint.startswith("forums.") else "denaby"
    if endpoint == "forums.decision":
        values["trigger"] = "approve"
    values["user_id"] = _demo_user_id("practitioner")
    return values


def _demo_user_id(role: str) -> int:
    from govflow.extensions import db
    from tests.conftest import demo_people

    return db.session.scalar(text("SELECT id FROM users WHERE email = :e"),
                             {"e": demo_people()[role]})


_SESSIONS: dict[str, tuple[str, str]] = {}


def _as(role: str, client, auth) -> str:
    """Sign in as the role's demo person (once per run: the cookie is reused) and return a
    CSRF token for this session."""
    from tests.conftest import demo_people

    if role not in _SESSIONS:
        client.delete_cookie("session")
        if role != "anonymous":
            auth.login(demo_people()[role])
        token = csrf_from(client.get("/account" if role != "anonymous" else "/sign-in")
                          .get_data(as_text=True))
        _SESSIONS[role] = (client.get_cookie("session").value, token)
    cookie, token = _SESSIONS[role]
    client.set_cookie("session", cookie)
    return token


def probe(app, client, auth, endpoint: str, role: str, args: dict | None = None) -> int:
    from flask import url_for

    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    args = args if args is not None else _args(endpoint)
    token = _as(role, client, auth)
    with app.test_request_context():
        url = url_for(endpoint, **{k: v for k, v in args.items() if k in rule.arguments})
    if "GET" in rule.methods:
        with client.get(url) as response:
            return response.status_code
    with client.post(url, data={"csrf_token": token}) as response:
        return response.status_code


def test_every_route_has_a_row(app):
    routes = {r.endpoint for r in app.url_map.iter_rules()}
    missing = sorted(routes - set(TABLE))
    assert not missing, (
        "these routes have no row in tests/security/permission_table.py; decide who may use "
        f"them and add one: {missing}")
    gone = sorted(set(TABLE) - routes)
    assert not gone, f"rows for routes that no longer exist: {gone}"


@pytest.mark.parametrize("endpoint", sorted(TABLE))
def test_route_answers_each_role_as_the_table_says(app, client, auth, endpoint):
    if endpoint not in {r.endpoint for r in app.url_map.iter_rules()}:
        pytest.fail(f"{endpoint} is in the table but not registered")
    args = _args(endpoint)
    wrong = []
    # Signed out first and the administrator last: a POST that acts (an admin deactivating
    # someone) happens after everyone else has been asked.
    for role in ROLES:
        got = probe(app, client, auth, endpoint, role, args)
        if got not in expected(endpoint, role):
            wrong.append(f"{role}: {got}, the table says {sorted(expected(endpoint, role))}")
    assert not wrong, f"{endpoint}:\n  " + "\n  ".join(wrong)


def test_another_areas_item_is_readable_but_not_actionable(app, client, auth, people):
    """A practitioner in Denaby opens a Balby blocker they have nothing to do with: reading is
    open (the partnership learns from it), acting on it is not theirs (403)."""
    from govflow.extensions import db

    item_id = db.session.execute(text(
        "SELECT min(i.id) FROM items i JOIN local_areas a ON a.id = i.area_id "
        "WHERE a.slug <> 'denaby' AND i.raised_by_id <> :me AND i.state = 'bronze' "
        "AND (i.owner_id IS NULL OR i.owner_id <> :me) AND NOT EXISTS ("
        "SELECT 1 FROM item_areas x JOIN local_areas xa ON xa.id = x.area_id "
        "WHERE x.item_id = i.id AND xa.slug = 'denaby')"),
        {"me": people["practitioner"].id}).scalar()
    assert item_id is not None
    auth.login(people["practitioner"].email)
    assert client.get(f"/items/{item_id}").status_code == 200
    assert client.get(f"/items/{item_id}/actions/escalate").status_code == 403
    response = auth.post(f"/items/{item_id}/actions/escalate", {"reason": "Me too."},
                         form_page="/account")
    assert response.status_code == 403
