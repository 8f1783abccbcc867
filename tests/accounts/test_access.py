"""Who sees what: each role's navigation, admin pages only for admins, sign-in required."""

from __future__ import annotations

import re

import pytest

from govflow.templating import NAV

NON_ADMIN_ROLES = ["practitioner", "facilitator", "head_of_service", "executive", "sponsor",
                   "secretary"]
ALL_ROLES = NON_ADMIN_ROLES + ["admin"]
# Menu entries only some roles get; every other registered entry is for everyone signed in.
RESTRICTED = {"Admin": {"admin"}, "Sponsor actions": {"sponsor", "secretary", "admin"}}

ADMIN_PAGES = ["/admin/", "/admin/people", "/admin/people.csv", "/admin/people/new",
               "/admin/organisations", "/admin/organisations.csv", "/admin/organisations/new",
               "/admin/areas", "/admin/areas.csv", "/admin/areas/new"]
NAV_LINK = re.compile(r'<a class="govuk-service-navigation__link"[^>]*>(.*?)</a>', re.S)


def _nav(html: str) -> list[str]:
    """The menu's entries, without counts such as "Inbox (3 unread)"."""
    texts = (re.sub(r"<[^>]+>", "", text) for text in NAV_LINK.findall(html))
    return [re.sub(r"\s*\(.*\)$", "", " ".join(t.split())) for t in texts]


def _registered(app) -> list[str]:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    return [text for text, endpoint, _ in NAV if endpoint in endpoints]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_sees_only_its_navigation(app, auth, client, people, role):
    person = people[role]
    auth.login(person.email)
    shown = _nav(client.get("/").get_data(as_text=True))
    expected = [text for text in _registered(app)
                if text not in RESTRICTED or RESTRICTED[text] & person.roles]
    assert shown == expected
    assert ("Admin" in shown) == ("admin" in person.roles)


def test_a_practitioner_only_gets_no_admin_or_sponsor_entries(auth, client, people):
    auth.login(people["practitioner"].email)
    shown = _nav(client.get("/").get_data(as_text=True))
    assert "Home" in shown
    assert "Admin" not in shown and "Sponsor actions" not in shown


def test_signed_out_pages_have_no_navigation(client):
    assert _nav(client.get("/sign-in").get_data(as_text=True)) == []


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_are_forbidden_to_non_admins(auth, client, people, role, path):
    if "admin" in people[role].roles:
        pytest.skip("this demo sign-in is also an admin")
    auth.login(people[role].email)
    response = client.get(path)
    assert response.status_code == 403
    assert "You do not have access to this page" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_admin_changes_are_forbidden_to_non_admins(auth, client, people, role):
    auth.login(people[role].email)
    target = people["practitioner"]
    for path, data in [
        ("/admin/people/new", {"email": "sneaky@example.org", "display_name": "Sneaky",
                               "password": "a long enough password", "roles": ["admin"]}),
        (f"/admin/people/{target.id}", {"email": target.email, "display_name": "x",
                                        "roles": ["admin"]}),
        (f"/admin/people/{target.id}/deactivate", {}),
        ("/admin/areas/new", {"name": "X", "slug": "x"}),
    ]:
        assert auth.post(path, data).status_code == 403, path
    assert "admin" not in target.roles and target.active


@pytest.mark.parametrize("path", ADMIN_PAGES + ["/account", "/"])
def test_signed_out_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_admins_reach_every_admin_page(auth, client, people):
    auth.login(people["admin"].email)
    for path in ADMIN_PAGES:
        assert client.get(path).status_code == 200, path


def test_the_forbidden_page_is_titled_as_it_reads(auth, client, people):
    auth.login(people["practitioner"].email)
    html = client.get("/admin/people").get_data(as_text=True)
    assert "<title>You do not have access to this page" in html


def test_api_errors_without_their_own_code_get_a_stable_one(app, client):
    missing = client.get("/api/v1/no-such-thing")
    assert (missing.status_code, missing.get_json()["error"]) == (404, "not_found")
    wrong_method = client.delete("/api/v1/openapi.json")
    assert (wrong_method.status_code, wrong_method.get_json()["error"]) == (405,
                                                                            "method_not_allowed")
