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
