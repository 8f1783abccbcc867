"""Smoke: the app builds from migrations, the demo partnership is seeded, pages render."""


def test_home_redirects_to_sign_in_when_signed_out(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_sign_in_page_renders_with_service_name(client):
    response = client.get("/sign-in")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govflow" in html and "Sign in to govflow" in html


def test_practitioner_signs_in_and_sees_roles(auth, client, people):
    response = auth.login(people["practitioner"].email)
    assert response.status_code == 302
    page = client.get("/account").get_data(as_text=True)
    assert people["practitioner"].display_name in page
    assert "Practitioner" in page
