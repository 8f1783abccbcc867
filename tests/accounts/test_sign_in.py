"""Signing in and out: messages, the email kept, safe `next` redirects, CSRF."""

import pytest

from govflow.accounts.auth import is_safe_next
from govflow.accounts.views import WRONG_DETAILS


def test_sign_in_then_out(auth, client, people):
    person = people["practitioner"]
    response = auth.login(person.email)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert f"Signed in as <strong>{person.display_name}</strong>" in home
    response = auth.logout()
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have signed out." in page
    assert client.get("/").status_code == 302


def test_email_is_matched_whatever_its_case_and_spaces(auth, people):
    assert auth.login("  " + people["practitioner"].email.upper() + " ").status_code == 302


def test_wrong_password_shows_the_message_and_keeps_the_email(auth, client, people):
    email = people["practitioner"].email
    response = auth.login(email, "not the right password")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert WRONG_DETAILS in html
    assert "There is a problem" in html and 'href="#password"' in html
    assert f'value="{email}"' in html
    assert "not the right password" not in html
    assert client.get("/account").status_code == 302


def test_unknown_email_gets_the_same_message(auth):
    html = auth.login("nobody@example.org", "whatever it is here").get_data(as_text=True)
    assert WRONG_DETAILS in html and 'value="nobody@example.org"' in html


def test_empty_form_says_what_to_enter(auth, client):
    token = auth.csrf("/sign-in")
    html = client.post("/sign-in", data={"csrf_token": token}).get_data(as_text=True)
    assert "Enter your email address" in html and "Enter your password" in html


@pytest.mark.parametrize(
    "target",
    ["//x", "/\\x", "\\\\x", "javascript:alert(1)", "http://evil", "https://evil.example/",
     "//evil.example/path", "/\t/evil", " //evil", "evil", "/ok\r\nSet-Cookie: x=1"],
)
def test_off_site_next_is_refused(auth, people, target):
    assert not is_safe_next(target)
    response = auth.login(people["practitioner"].email, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_off_site_next_in_the_query_string_is_dropped_from_the_form(client):
    html = client.get("/sign-in?next=//evil.example").get_data(as_text=True)
    assert "evil.example" not in html


@pytest.mark.parametrize("target", ["/items/1", "/account", "/admin/people?q=a&page=2"])
def test_same_site_next_is_followed(auth, people, target):
    response = auth.login(people["admin"].email, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == target


def test_a_protected_page_sends_you_back_after_signing_in(auth, client, people):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="next" value="/account"' in html
    assert auth.login(people["practitioner"].email, next="/account").headers["Location"] == "/account"


def test_signed_in_person_visiting_sign_in_goes_home(auth, client, people):
    auth.login(people["practitioner"].email)
    response = client.get("/sign-in")
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.parametrize("path", ["/sign-in", "/sign-out", "/account/password", "/account/tokens"])
def test_post_without_csrf_token_gets_a_400_page_not_a_500(auth, client, people, path):
    if path != "/sign-in":
        auth.login(people["practitioner"].email)
    response = client.post(path, data={"email": people["practitioner"].email,
                                       "password": "x" * 12, "name": "t"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The form could not be sent" in html
    assert "security token" in html


def test_post_with_a_wrong_csrf_token_gets_a_400_page(client, people):
    response = client.post("/sign-in", data={"email": people["practitioner"].email,
                                             "password": "x" * 12, "csrf_token": "forged"})
    assert response.status_code == 400
    assert "The form could not be sent" in response.get_data(as_text=True)


def test_sign_out_needs_a_post(auth, client, people):
    auth.login(people["practitioner"].email)
    assert client.get("/sign-out").status_code == 405
    assert client.get("/account").status_code == 200
