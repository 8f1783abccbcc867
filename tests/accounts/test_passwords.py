"""The rules for new passwords (OWASP ASVS 5.0 level 2): long enough, not on a list of common
and breached passwords, not the person's name or email address — on every surface that sets
one (the account page, the admin pages, the command line), with the reason beside the field."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from govflow.accounts import services
from govflow.accounts.models import User
from govflow.accounts.passwords import TOO_COMMON, TOO_GUESSABLE, password_problem
from govflow.domain_errors import Invalid
from govflow.extensions import db

NAME, EMAIL = "Priya Shah", "priya.shah@dcst.example"


@pytest.mark.parametrize("password", [
    "password1234", "Password123!", "123456789012", "qwertyuiop12", "letmein12345",
    "iloveyou1234", "football1234", "P@ssw0rd1234",
])
def test_common_and_breached_passwords_are_refused(password):
    assert password_problem(password, name=NAME, email=EMAIL) == TOO_COMMON


@pytest.mark.parametrize("password", ["abcdefghijklmnop", "qazwsxedcrfvtgb", "1q2w3e4r5t6y7u"])
def test_keyboard_patterns_and_sequences_are_refused(password):
    assert password_problem(password) in (TOO_COMMON, TOO_GUESSABLE)


@pytest.mark.parametrize("password", [
    "priya.shah@dcst.example",      # the whole email address
    "PriyaShah-rocks-99",           # name, any case, without the separator
    "my name is priya!!",           # first name
    "the shah household",           # surname
    "priya.shah.2026.x",            # email local part
])
def test_the_persons_own_name_or_email_is_refused(password):
    assert password_problem(password, name=NAME, email=EMAIL) == (
        "Password must not contain your name or email address")
    assert password_problem(password, name=NAME, email=EMAIL, whose="the person's") == (
        "Password must not contain the person's name or email address")


@pytest.mark.parametrize(("password", "message"), [
    ("short", "Password must be 12 characters or more"),
    ("elevenchars", "Password must be 12 characters or more"),
    ("x" * 257, "Password must be 256 characters or fewer"),
    ("abababababababab", "Password must not be one character repeated; try a few unrelated words"),
])
def test_length_and_repetition_rules(password, message):
    assert password_problem(password) == message


@pytest.mark.parametrize("password", [
    "demo-password-2026", "correct horse battery", "a long enough password",
    "Denaby conversation club", "tangerine lamp oxford quietly",
    # Long passphrases are allowed (ASVS: at least 64 characters); only the start is scored.
    "violet kettles argue about the weather every tuesday in doncaster market " * 3,
])
def test_strong_passwords_and_the_demo_password_are_accepted(password):
    assert password_problem(password, name=NAME, email=EMAIL) is None


def test_short_name_parts_do_not_refuse_ordinary_words():
    assert password_problem("almond orchard tractor", name="Al Ng", email="al.ng@x.example") is None


# ------------------------------------------------------------------ on every surface


def test_account_page_shows_the_reason_beside_the_field(app, auth, people):
    person = people["practitioner"]
    auth.login(person.email)
    for new, message in [
        ("password1234", "Password is on a list of common and breached passwords"),
        (person.email, "Password must not contain your name or email address"),
    ]:
        response = auth.post("/account/password", {
            "current_password": app.config["DEMO_PASSWORD"], "new_password": new,
        }, form_page="/account/password")
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "There is a problem" in html and message in html
        assert 'href="#new_password"' in html
    db.session.expire_all()
    assert services.authenticate(person.email, app.config["DEMO_PASSWORD"]) is not None


@pytest.fixture
def admin(auth, people):
    auth.login(people["admin"].email)
    return people["admin"]


def test_admin_adding_a_person_refuses_their_name_and_common_passwords(admin, auth):
    for password, message in [
        ("Nia Person 2026!", "Password must not contain the person&#39;s name or email address"),
        ("Password123!", "Password is on a list of common and breached passwords"),
    ]:
        html = auth.post("/admin/people/new", {
            "email": "nia.person@example.org", "display_name": "Nia Person",
            "roles": ["practitioner"], "password": password,
        }, form_page="/admin/people/new").get_data(as_text=True)
        assert message in html and 'href="#password"' in html
    assert db.session.scalar(select(User).where(User.email == "nia.person@example.org")) is None


def test_admin_resetting_a_password_refuses_a_common_one(admin, auth, people):
    person = people["facilitator"]
    before = person.password_hash
    html = auth.post(f"/admin/people/{person.id}", {
        "email": person.email, "display_name": person.display_name,
        "roles": ["practitioner"], "facilitator_areas": ["denaby"],
        "password": "letmein12345",
    }, form_page=f"/admin/people/{person.id}").get_data(as_text=True)
    assert "Password is on a list of common and breached passwords" in html
    db.session.expire_all()
    assert person.password_hash == before


def test_services_refuse_what_the_forms_refuse(people):
    person = people["practitioner"]
    with pytest.raises(Invalid, match="must not contain the person's name"):
        services.set_password(person, person.email)
    with pytest.raises(Invalid, match="common and breached"):
        services.create_user("someone.new@example.org", "Someone New", password="123456789012")


@pytest.mark.parametrize(("password", "message"), [
    ("password1234", "Password is on a list of common and breached passwords"),
    ("Kim Lowe forever", "Password must not contain the person's name or email address"),
])
def test_command_line_refuses_weak_passwords(runner, password, message):
    result = runner.invoke(args=["user", "create", "kim.lowe@example.org", "--name", "Kim Lowe",
                                 "--password", password])
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(select(User).where(User.email == "kim.lowe@example.org")) is None
