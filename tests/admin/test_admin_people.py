"""Admin pages for people: list, search, CSV, add, edit roles, deactivate and reactivate."""

import csv
import io
import re

import pytest
from sqlalchemy import select

from govflow.accounts.models import User
from govflow.extensions import db
from tests.support.pages import refused


@pytest.fixture
def admin(auth, people):
    auth.login(people["admin"].email)
    return people["admin"]


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def test_people_list_shows_people_with_tier_and_paginates(client, admin):
    page = client.get("/admin/people")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    total = db.session.query(User).filter(User.active.is_(True)).count()
    assert f"{total} people" in html
    names = sorted((u.display_name for u in db.session.query(User).filter_by(active=True)),
                   key=str.lower)
    assert names[0] in html
    assert total > 25, "the demo partnership should need more than one page"
    assert "page 1 of 2" in html and names[25] not in html
    second = client.get("/admin/people?page=2").get_data(as_text=True)
    assert "page 2 of 2" in second and names[25] in second
    # A page past the end shows the last page rather than an error.
    assert "page 2 of 2" in client.get("/admin/people?page=99").get_data(as_text=True)


def test_people_search_finds_by_name_email_and_job_title(client, admin, people):
    html = client.get("/admin/people?q=priya").get_data(as_text=True)
    assert "Priya Shah" in html and "1 person" in html
    html = client.get("/admin/people?q=dcst.example").get_data(as_text=True)
    assert "Priya Shah" in html
    # A search with SQL wildcards is taken literally.
    html = client.get("/admin/people?q=%25").get_data(as_text=True)
    assert "No one matches these filters." in html


def test_people_filter_by_role_and_area(client, admin, people):
    html = client.get("/admin/people?role=admin").get_data(as_text=True)
    assert people["admin"].display_name in html
    assert "Priya Shah" not in html
    html = client.get("/admin/people?area=denaby&role=practitioner").get_data(as_text=True)
    assert "Priya Shah" in html


def test_people_csv_follows_filters_and_neutralises_formulas(client, admin, auth):
    auth.post("/admin/people/new", {
        "email": "formula@example.org", "display_name": "=HYPERLINK(\"http://x\")",
        "password": "a long enough password", "roles": ["practitioner"],
        "organisation": "", "home_area": "",
    }, form_page="/admin/people/new")
    response = client.get("/admin/people.csv?q=formula")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Email", "Name", "Job title"]
    assert len(rows) == 2
    assert rows[1][0] == "formula@example.org"
    assert rows[1][1] == "'=HYPERLINK(\"http://x\")"


def test_add_a_person_with_roles_then_they_can_sign_in(client, admin, auth, app):
    response = auth.post("/admin/people/new", {
        "email": "New.Person@Example.org", "display_name": "Nia Person",
        "job_title": "Family support worker", "organisation": "dcst", "home_area": "denaby",
        "roles": ["head_of_service"], "sponsor_areas": ["denaby", "balby"],
        "facilitator_areas": ["hexthorpe"], "secretary_forums": [],
        "password": "correct horse battery",
    }, form_page="/admin/people/new")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nia Person has been added. Their tier is Silver." in page
    user = _user("new.person@example.org")
    assert user.tier == "silver"
    assert user.organisation.slug == "dcst" and user.home_area.slug == "denaby"
    assert user.roles == {"head_of_service", "sponsor", "facilitator"}
    assert {r.area.slug for r in user.role_assignments if r.role == "sponsor"} == {"denaby", "balby"}
    auth.logout()
    assert auth.login("new.person@example.org", "correct horse battery").status_code == 302


def test_add_a_person_with_mistakes_reshows_what_was_typed(client, admin, auth):
    response = auth.post("/admin/people/new", {
        "email": "not-an-email", "display_name": "Typed Name", "job_title": "Typed job",
        "roles": ["practitioner"], "password": "short", "organisation": "dcst",
    }, form_page="/admin/people/new")
    html = refused(response, 200, "Enter an email address in the correct format",
                   "Password must be 12 characters or more")
    assert 'href="#email"' in html and 'href="#password"' in html
    assert 'value="Typed Name"' in html and 'value="Typed job"' in html
    assert 'value="not-an-email"' in html
    assert 'value="practitioner" checked' in html
    assert 'value="dcst" selected' in html
    assert "short" not in html.split('name="password"')[1][:200]


def test_add_a_person_needs_a_password_and_a_unique_email(client, admin, auth, people):
    html = auth.post("/admin/people/new", {
        "email": people["practitioner"].email.upper(), "display_name": "Someone",
        "password": "",
    }, form_page="/admin/people/new").get_data(as_text=True)
    assert "Enter an initial password" in html
    html = auth.post("/admin/people/new", {
        "email": people["practitioner"].email.upper(), "display_name": "Someone",
        "password": "a long enough password",
    }, form_page="/admin/people/new").get_data(as_text=True)
    assert "A person with that email address already exists" in html
    assert 'href="#email"' in html


def test_tampered_choice_is_an_error_not_a_crash(client, admin, auth):
    response = auth.post("/admin/people/new", {
        "email": "x@example.org", "display_name": "X", "password": "a long enough password",
        "roles": ["emperor"], "organisation": "no-such-org", "sponsor_areas": ["atlantis"],
    }, form_page="/admin/people/new")
    assert response.status_code == 200
    assert "There is a problem" in response.get_data(as_text=True)
    assert _user("x@example.org") is None


def test_edit_roles_changes_the_tier_shown(client, admin, auth, people):
    person = people["practitioner"]
    page = client.get(f"/admin/people/{person.id}").get_data(as_text=True)
    assert "Bronze" in page and "This follows from their roles." in page
    response = auth.post(f"/admin/people/{person.id}", {
        "email": person.email, "display_name": person.display_name,
        "job_title": "Team manager", "organisation": "dmbc", "home_area": "balby",
        "roles": ["practitioner", "executive"],
    }, form_page=f"/admin/people/{person.id}")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Changes to Priya Shah have been saved." in page
    assert "Gold" in page
    db.session.expire_all()
    assert person.tier == "gold" and person.organisation.slug == "dmbc"
    assert person.home_area.slug == "balby" and person.job_title == "Team manager"


def test_edit_person_shows_the_tier_as_a_tag_with_a_note_not_markup_text(client, admin, people):
    person = people["executive"]
    page = client.get(f"/admin/people/{person.id}").get_data(as_text=True)
    assert re.search(r'<strong class="govuk-tag gf-tag--gold">\s+Gold\s+</strong> '
                     r'<span class="govuk-body-s">This follows from their roles\.</span>', page)
    assert "&lt;span" not in page and "&lt;strong" not in page


def test_admin_cannot_remove_their_own_admin_role(client, admin, auth):
    response = auth.post(f"/admin/people/{admin.id}", {
        "email": admin.email, "display_name": admin.display_name, "roles": ["practitioner"],
    }, form_page=f"/admin/people/{admin.id}")
    assert "You cannot remove your own Administrator role" in response.get_data(as_text=True)
    db.session.expire_all()
    assert "admin" in admin.roles


def test_setting_a_new_password_signs_the_person_out_everywhere(app, admin, auth, people):
    person = people["practitioner"]
    theirs = app.test_client()
    other = type(auth)(theirs, app)
    other.login(person.email)
    assert theirs.get("/account").status_code == 200
    auth.post(f"/admin/people/{person.id}", {
        "email": person.email, "display_name": person.display_name,
        "roles": ["practitioner"], "password": "a brand new password",
    }, form_page=f"/admin/people/{person.id}")
    assert theirs.get("/account").status_code == 302
    assert other.login(person.email, "a brand new password").status_code == 302


def test_deactivate_asks_first_then_ends_every_session(app, admin, auth, client, people):
    person = people["facilitator"]
    theirs = app.test_client()
    type(auth)(theirs, app).login(person.email)
    assert theirs.get("/account").status_code == 200

    confirm = client.get(f"/admin/people/{person.id}/deactivate")
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert f"Are you sure you want to deactivate {person.display_name}?" in html
    db.session.expire_all()
    assert _user(person.email).active  # the confirmation page changes nothing

    response = auth.post(f"/admin/people/{person.id}/deactivate",
                         form_page=f"/admin/people/{person.id}/deactivate")
    assert response.status_code == 302
    db.session.expire_all()
    assert not _user(person.email).active
    assert theirs.get("/account").status_code == 302
    refused = type(auth)(app.test_client(), app).login(person.email)
    assert refused.status_code == 200
    assert "Deactivated" in client.get("/admin/people?status=deactivated").get_data(as_text=True)

    auth.post(f"/admin/people/{person.id}/reactivate", form_page=f"/admin/people/{person.id}")
    db.session.expire_all()
    assert _user(person.email).active
    assert type(auth)(app.test_client(), app).login(person.email).status_code == 302


def test_deactivating_revokes_api_tokens_for_good(app, admin, auth, client, people):
    from govflow.accounts.views import issue_token

    person = people["facilitator"]
    bearer = {"Authorization": f"Bearer {issue_token(person, 'reporting script')}"}
    api = app.test_client()
    assert api.get("/api/v1/areas", headers=bearer).status_code == 200

    auth.post(f"/admin/people/{person.id}/deactivate",
              form_page=f"/admin/people/{person.id}/deactivate")
    assert api.get("/api/v1/areas", headers=bearer).status_code == 401
    auth.post(f"/admin/people/{person.id}/reactivate", form_page=f"/admin/people/{person.id}")
    db.session.expire_all()
    assert _user(person.email).active
    # Back in through the pages, but the old token stays revoked: they make a new one.
    assert api.get("/api/v1/areas", headers=bearer).status_code == 401


def test_admin_cannot_deactivate_themselves(client, admin, auth):
    response = auth.post(f"/admin/people/{admin.id}/deactivate",
                         form_page=f"/admin/people/{admin.id}")
    assert response.status_code == 302
    db.session.expire_all()
    assert admin.active


def test_unknown_person_is_404(client, admin):
    assert client.get("/admin/people/999999").status_code == 404
