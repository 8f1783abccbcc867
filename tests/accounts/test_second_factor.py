"""The second factor: setting up an authenticator app from the account page, the code asked
for after the password, wrong and reused codes, recovery codes, the requirement for admins and
executives, and the sign-in limit applied to codes."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from govflow.accounts import second_factor
from govflow.accounts.factor_models import RecoveryCode, SecondFactor
from govflow.extensions import db
from tests.conftest import csrf_from

WRONG = "Enter the code your authenticator app shows now"
USED = "That code has already been used. Wait for your app to show a new code and enter that"
SECRET_RE = re.compile(r'<code class="gf-token" id="secret-key">([A-Z2-7 ]+)</code>')
CODES_RE = re.compile(r'<li><code class="gf-token">([a-z2-9]{5}-[a-z2-9]{5})</code></li>')


def _next_code(secret: str) -> str:
    """The code the app shows in the next 30 seconds: later than any code already used."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def _with_factor(user) -> tuple[str, list[str]]:
    """Set up the person's second factor through the service, as the set-up page does."""
    secret = pyotp.random_base32()
    codes = second_factor.turn_on(user, secret, pyotp.TOTP(secret).now())
    return secret, codes


def _send_code(auth, client, code: str, path: str = "/sign-in/code"):
    token = csrf_from(client.get(path).get_data(as_text=True))
    return client.post(path, data={"code": code, "csrf_token": token})


# --- setting it up -----------------------------------------------------------------------

def test_set_up_from_the_account_page_with_a_qr_code_drawn_here(auth, client, people):
    person = people["practitioner"]
    auth.login(person.email)
    account = client.get("/account").get_data(as_text=True)
    assert '<h2 class="govuk-heading-m" id="two-step">Two-step sign-in</h2>' in account
    assert 'href="/account/two-factor">Set up two-step sign-in</a>' in account

    page = client.get("/account/two-factor").get_data(as_text=True)
    assert '<h1 class="govuk-heading-l">Set up two-step sign-in</h1>' in page
    assert ('<img class="gf-qr-code" src="data:image/svg+xml' in page
            and 'alt="QR code for adding govflow to an authenticator app"' in page)
    secret = SECRET_RE.search(page).group(1).replace(" ", "")
    # The same key on a second look (the page may be reloaded while the app is opened).
    assert SECRET_RE.search(client.get("/account/two-factor").get_data(as_text=True)).group(1)\
        .replace(" ", "") == secret

    token = csrf_from(page)
    done = client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now(),
                                                    "csrf_token": token})
    html = done.get_data(as_text=True)
    assert done.status_code == 200
    assert "Two-step sign-in is on" in html and "Your recovery codes" in html
    assert "They will not be shown again." in html
    codes = CODES_RE.findall(html)
    assert len(codes) == 10 and len(set(codes)) == 10

    factor = db.session.get(SecondFactor, person.id)
    assert factor is not None and factor.secret == secret
    kept = db.session.scalars(select(RecoveryCode.code_hash)
                              .where(RecoveryCode.user_id == person.id)).all()
    assert len(kept) == 10 and not any(c.replace("-", "") in kept for c in codes)

    account = client.get("/account").get_data(as_text=True)
    assert "Manage two-step sign-in" in account
    status = client.get("/account/two-factor").get_data(as_text=True)
    assert "Recovery codes left" in status and "Turn off two-step sign-in" in status


def test_a_wrong_code_at_set_up_turns_nothing_on(auth, client, people):
    person = people["practitioner"]
    auth.login(person.email)
    page = client.get("/account/two-factor").get_data(as_text=True)
    response = client.post("/account/two-factor", data={"code": "000000",
                                                        "csrf_token": csrf_from(page)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html and WRONG in html and 'href="#code"' in html
    assert db.session.get(SecondFactor, person.id) is None


# --- signing in --------------------------------------------------------------------------

def test_sign_in_asks_for_the_code_after_the_password(auth, client, people):
    person = people["head_of_service"]
    secret, _ = _with_factor(person)
    response = auth.login(person.email, next="/account")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in/code"
    # The password alone signs nobody in.
    assert client.get("/account").status_code == 302
    page = client.get("/sign-in/code").get_data(as_text=True)
    assert '<h1 class="govuk-heading-l">Enter the code from your app</h1>' in page
    assert 'autocomplete="one-time-code"' in page

    done = _send_code(auth, client, _next_code(secret))
    assert done.status_code == 302 and done.headers["Location"] == "/account"
    home = client.get("/").get_data(as_text=True)
    assert f"Signed in as <strong>{person.display_name}</strong>" in home


def test_a_wrong_code_is_refused_and_signs_nobody_in(auth, client, people):
    person = people["head_of_service"]
    _with_factor(person)
    auth.login(person.email)
    response = _send_code(auth, client, "123456")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html and WRONG in html
    assert 'value="123456"' not in html
    assert client.get("/account").status_code == 302


def test_a_code_cannot_be_used_twice(auth, client, people):
    person = people["head_of_service"]
    secret, _ = _with_factor(person)
    code = _next_code(secret)
    auth.login(person.email)
    assert _send_code(auth, client, code).status_code == 302
    auth.logout()
    auth.login(person.email)
    again = _send_code(auth, client, code)
    assert again.status_code == 200 and USED in again.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_the_code_set_up_with_cannot_sign_in(auth, client, people):
    person = people["facilitator"]
    secret = pyotp.random_base32()
    code = pyotp.TOTP(secret).now()
    second_factor.turn_on(person, secret, code)
    auth.login(person.email)
    assert USED in _send_code(auth, client, code).get_data(as_text=True)


def test_a_recovery_code_signs_in_once(auth, client, people):
    person = people["sponsor"]
    _, codes = _with_factor(person)
    auth.login(person.email)
    response = _send_code(auth, client, codes[3].upper().replace("-", " "))
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "You signed in with a recovery code. You have 9 left" in home
    auth.logout()
    auth.login(person.email)
    again = _send_code(auth, client, codes[3])
    assert again.status_code == 200 and WRONG in again.get_data(as_text=True)
    assert second_factor.recovery_codes_left(person) == 9


def _on_the_two_step_page(auth, client, person) -> tuple[str, list[str], str]:
    """Sign `person` in with a second factor set up (using their first recovery code) and open
    the two-step sign-in page: their secret, their recovery codes and the page."""
    secret, codes = _with_factor(person)
    auth.login(person.email)
    _send_code(auth, client, codes[0])
    return secret, codes, client.get("/account/two-factor").get_data(as_text=True)


def test_new_recovery_codes_replace_the_old_ones(auth, client, people):
    person = people["sponsor"]
    secret, old, page = _on_the_two_step_page(auth, client, person)
    response = client.post("/account/two-factor/recovery-codes",
                           data={"renew-code": _next_code(secret), "csrf_token": csrf_from(page)})
    new = CODES_RE.findall(response.get_data(as_text=True))
    assert response.status_code == 200 and len(new) == 10
    assert second_factor.recovery_codes_left(person) == 10
    auth.logout()
    auth.login(person.email)
    assert WRONG in _send_code(auth, client, old[1]).get_data(as_text=True)
    assert _send_code(auth, client, new[0]).status_code == 302


def test_turning_it_off_asks_for_a_code(auth, client, people):
    person = people["practitioner"]
    secret, _, page = _on_the_two_step_page(auth, client, person)
    refused = client.post("/account/two-factor/off",
                          data={"off-code": "000000", "csrf_token": csrf_from(page)})
    assert refused.status_code == 200 and WRONG in refused.get_data(as_text=True)
    assert db.session.get(SecondFactor, person.id) is not None
    done = client.post("/account/two-factor/off",
                       data={"off-code": _next_code(secret), "csrf_token": csrf_from(page)})
    assert done.status_code == 302
    assert "Two-step sign-in is off." in client.get("/account").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(SecondFactor, person.id) is None
    assert second_factor.recovery_codes_left(person) == 0


# --- the requirement ---------------------------------------------------------------------

@pytest.fixture
def required(app, monkeypatch):
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", ("admin", "executive"))


@pytest.mark.parametrize("role", ["admin", "executive"])
def test_admins_and_executives_set_it_up_before_anything_else(auth, client, people, required,
                                                              role):
    auth.login(people[role].email)
    for path in ("/", "/items", "/account", "/decisions"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"] == "/account/two-factor"
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "Your role needs two-step sign-in. Set it up to carry on." in page
    assert "Your role needs two-step sign-in: after your password" in page
    secret = SECRET_RE.search(page).group(1).replace(" ", "")
    client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now(),
                                             "csrf_token": csrf_from(page)})
    assert client.get("/").status_code == 200
    status = client.get("/account/two-factor").get_data(as_text=True)
    assert "Your role needs two-step sign-in, so you cannot turn it off." in status
    assert 'action="/account/two-factor/off"' not in status
    off = client.post("/account/two-factor/off",
                      data={"off-code": _next_code(secret), "csrf_token": csrf_from(status)})
    assert off.status_code == 403


def test_others_may_do_without_it(auth, client, people, required):
    auth.login(people["practitioner"].email)
    assert client.get("/").status_code == 200


def test_the_requirement_is_configurable(tmp_path):
    from govflow.config import ConfigError, load_config

    assert load_config(str(tmp_path), {})["MFA_REQUIRED_ROLES"] == ("admin", "executive")
    assert load_config(str(tmp_path), {"GOVFLOW_ENV": "production", "SECRET_KEY": "k" * 40})[
        "MFA_REQUIRED_ROLES"] == ("admin", "executive")
    assert load_config(str(tmp_path), {"GOVFLOW_ENV": "test"})["MFA_REQUIRED_ROLES"] == ()
    assert load_config(str(tmp_path), {"GOVFLOW_MFA_REQUIRED_ROLES": "admin, sponsor"})[
        "MFA_REQUIRED_ROLES"] == ("admin", "sponsor")
    assert load_config(str(tmp_path), {"GOVFLOW_MFA_REQUIRED_ROLES": "none"})["MFA_REQUIRED_ROLES"] == ()
    with pytest.raises(ConfigError, match="admins"):
        load_config(str(tmp_path), {"GOVFLOW_MFA_REQUIRED_ROLES": "admins"})


# --- the sign-in limit -------------------------------------------------------------------

def test_codes_are_throttled_like_passwords(auth, client, people):
    person = people["head_of_service"]
    secret, _ = _with_factor(person)
    auth.login(person.email)
    for _ in range(5):
        assert _send_code(auth, client, "000000").status_code == 200
    blocked = _send_code(auth, client, _next_code(secret))
    html = blocked.get_data(as_text=True)
    assert blocked.status_code == 429
    assert "Too many codes tried. Wait 1 minute and try again." in html
    assert client.get("/account").status_code == 302


def test_the_code_page_without_a_password_first_goes_back_to_sign_in(client):
    response = client.get("/sign-in/code")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"


def test_an_administrator_resets_a_lost_phone_from_the_command_line(runner, people):
    person = people["head_of_service"]
    _with_factor(person)
    epoch = person.session_epoch
    result = runner.invoke(args=["user", "reset-two-step", person.email])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (f"Two-step sign-in is off for {person.email}; "
                                     "their sessions have ended.")
    db.session.expire_all()
    assert db.session.get(SecondFactor, person.id) is None
    assert person.session_epoch == epoch + 1
