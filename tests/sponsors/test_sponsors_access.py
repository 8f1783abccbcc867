"""Who may open each sponsor and area page: every demo role against every route."""

from __future__ import annotations

import pytest

ROLES = ("practitioner", "facilitator", "head_of_service", "executive", "sponsor", "secretary",
         "admin")
# The demo sponsor (Denaby) is also the demo executive; the demo secretary serves the central
# forum, which covers every area. The action below is in Denaby, owned by its sponsor.
EVERYONE = dict.fromkeys(ROLES, 200)
SPONSOR_OR_SECRETARY = {r: 200 if r in ("executive", "sponsor", "secretary") else 403
                        for r in ROLES}
ROUTES = {
    "/areas": EVERYONE,
    "/areas/denaby": EVERYONE,
    "/sponsor": {r: 200 if r in ("executive", "sponsor") else 403 for r in ROLES},
    "/actions": EVERYONE,
    "/actions.csv": EVERYONE,
    "/actions/new": SPONSOR_OR_SECRETARY,
    "/actions/{id}": EVERYONE,
    "/actions/{id}/done": SPONSOR_OR_SECRETARY,
    "/actions/{id}/drop": SPONSOR_OR_SECRETARY,
}


@pytest.fixture
def denaby_action(make_action, people):
    return make_action(people["sponsor"], what="Access matrix action")


@pytest.mark.parametrize("path", list(ROUTES))
@pytest.mark.parametrize("role", ROLES)
def test_role_by_route(auth, client, people, denaby_action, role, path):
    auth.login(people[role].email)
    response = client.get(path.format(id=denaby_action.id))
    assert response.status_code == ROUTES[path][role]


@pytest.mark.parametrize("path", list(ROUTES))
def test_signed_out_people_are_asked_to_sign_in(client, denaby_action, path):
    response = client.get(path.format(id=denaby_action.id))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_unknown_action_is_404(auth, client, people):
    auth.login(people["sponsor"].email)
    for path in ("/actions/999999", "/actions/999999/done", "/actions/999999/drop"):
        assert client.get(path).status_code == 404
