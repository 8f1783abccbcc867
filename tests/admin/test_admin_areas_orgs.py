"""Admin pages for organisations and local areas (with their sponsors and facilitators)."""

import csv
import io

import pytest
from sqlalchemy import select

from govflow.accounts.models import LocalArea, Organisation
from govflow.extensions import db


@pytest.fixture
def admin(auth, people):
    auth.login(people["admin"].email)
    return people["admin"]


def _rows(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_organisations_list_and_csv(client, admin):
    html = client.get("/admin/organisations").get_data(as_text=True)
    assert "Doncaster Children&#39;s Services Trust" in html
    rows = _rows(client.get("/admin/organisations.csv"))
    assert rows[0] == ["Short name", "Name", "Kind", "Active people"]
    assert rows[
        [r[0] for r in rows].index("dcst")][:3] == ["dcst", "Doncaster Children's Services Trust", "Children's services trust"]


def test_add_and_edit_an_organisation(client, admin, auth):
    response = auth.post("/admin/organisations/new", {
        "name": "Doncaster Foodbank", "slug": "foodbank", "kind": "voluntary",
    }, form_page="/admin/organisations/new")
    assert response.status_code == 302
    org = db.session.scalar(select(Organisation).where(Organisation.slug == "foodbank"))
    assert org.name == "Doncaster Foodbank" and org.kind == "voluntary"
    auth.post(f"/admin/organisations/{org.id}", {
        "name": "Doncaster Food Bank", "slug": "food-bank", "kind": "voluntary",
    }, form_page=f"/admin/organisations/{org.id}")
    db.session.expire_all()
    assert org.name == "Doncaster Food Bank" and org.slug == "food-bank"


def test_organisation_mistakes_are_shown_beside_the_fields(client, admin, auth):
    response = auth.post("/admin/organisations/new", {
        "name": "Typed name", "slug": "dcst", "kind": "",
    }, form_page="/admin/organisations/new")
    html = response.get_data(as_text=True)
    assert "Choose the kind of organisation" in html and 'href="#kind"' in html
    assert 'value="Typed name"' in html
    response = auth.post("/admin/organisations/new", {
        "name": "Typed name", "slug": "dcst", "kind": "police",
    }, form_page="/admin/organisations/new")
    html = response.get_data(as_text=True)
    assert "Another organisation already uses the short name &#39;dcst&#39;" in html
    assert 'href="#slug"' in html
    html = auth.post("/admin/organisations/new", {
        "name": "X", "slug": "Not A Slug", "kind": "police",
    }, form_page="/admin/organisations/new").get_data(as_text=True)
    assert "Use lower-case letters, numbers and single hyphens only" in html


def test_areas_list_shows_sponsors_and_facilitators_and_exports(client, admin, area):
    denaby = area("denaby")
    html = client.get("/admin/areas").get_data(as_text=True)
    for person in denaby.sponsors + denaby.facilitators:
        assert person.display_name.replace("'", "&#39;") in html
    rows = _rows(client.get("/admin/areas.csv"))
    assert rows[0] == ["Short name", "Name", "Description", "Sponsors", "Facilitators"]
    row = next(r for r in rows if r[0] == "denaby")
    assert row[3] == "; ".join(u.email for u in denaby.sponsors)


def test_add_an_area_with_sponsors_and_facilitators(client, admin, auth, people):
    sponsor, facilitator = people["executive"], people["practitioner"]
    response = auth.post("/admin/areas/new", {
        "name": "Mexborough", "slug": "mexborough", "description": "Dearne Valley town",
        "sponsors": [str(sponsor.id)], "facilitators": [str(facilitator.id)],
    }, form_page="/admin/areas/new")
    assert response.status_code == 302
    db.session.expire_all()
    new = db.session.scalar(select(LocalArea).where(LocalArea.slug == "mexborough"))
    assert [u.id for u in new.sponsors] == [sponsor.id]
    assert [u.id for u in new.facilitators] == [facilitator.id]
    assert new.id in facilitator.facilitated_area_ids
    assert "facilitator" in facilitator.roles


def test_edit_an_area_replaces_its_sponsors(client, admin, auth, area, people):
    denaby = area("denaby")
    page = client.get(f"/admin/areas/{denaby.id}").get_data(as_text=True)
    for s in denaby.sponsors:
        assert f'value="{s.id}" checked' in page
    new_sponsor = people["head_of_service"]
    keep_facilitators = [str(u.id) for u in denaby.facilitators]
    auth.post(f"/admin/areas/{denaby.id}", {
        "name": denaby.name, "slug": denaby.slug, "description": denaby.description,
        "sponsors": [str(new_sponsor.id)], "facilitators": keep_facilitators,
    }, form_page=f"/admin/areas/{denaby.id}")
    db.session.expire_all()
    assert [u.id for u in denaby.sponsors] == [new_sponsor.id]
    assert [str(u.id) for u in denaby.facilitators] == keep_facilitators


def test_area_with_a_tampered_person_is_refused_and_unchanged(client, admin, auth, area):
    denaby = area("denaby")
    before = [u.id for u in denaby.sponsors]
    response = auth.post(f"/admin/areas/{denaby.id}", {
        "name": "Changed", "slug": denaby.slug, "sponsors": ["999999"],
    }, form_page=f"/admin/areas/{denaby.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choose only from the local area sponsors listed" in html
    assert 'value="Changed"' in html
    db.session.expire_all()
    assert denaby.name == "Denaby" and [u.id for u in denaby.sponsors] == before
