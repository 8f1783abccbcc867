"""Signing out, changing a password and deactivation end every session of that person:
a replayed cookie from before is refused."""

from govflow.accounts import services
from govflow.extensions import db


def _cookie(client, name="session"):
    cookie = client.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    return cookie.value


def _replay(app, name, value):
    """A brand-new browser presenting only the captured cookie."""
    other = app.test_client()
    other.set_cookie(name, value)
    return other


def _is_signed_in(client) -> bool:
    response = client.get("/account")
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
    return False


def test_session_cookie_replayed_after_sign_out_is_refused(app, auth, client, people):
    auth.login(people["practitioner"].email)
    stolen = _cookie(client)
    assert _is_signed_in(_replay(app, "session", stolen))  # the copy works while signed in
    auth.logout()
    assert not _is_signed_in(client)
    assert not _is_signed_in(_replay(app, "session", stolen))


def test_remember_cookie_replayed_after_sign_out_is_refused(app, auth, client, people):
    auth.login(people["practitioner"].email, remember="y")
    remembered = _cookie(client, "remember_token")
    assert _is_signed_in(_replay(app, "remember_token", remembered))
    auth.logout()
    assert not _is_signed_in(_replay(app, "remember_token", remembered))


def test_a_remember_cookie_outlives_a_change_of_secret_key(app, auth, client, people):
    """While the old key is in SECRET_KEY_FALLBACKS, a device remembered under it is still
    signed in, and its remember cookie is signed again with the new key, so it still works
    once the fallback is gone. Without the fallback, the old cookie signs nobody in."""
    auth.login(people["practitioner"].email, remember="y")
    remembered = _cookie(client, "remember_token")
    old = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "the-new-key-" + "n" * 40
    try:
        assert not _is_signed_in(_replay(app, "remember_token", remembered))
        app.config["SECRET_KEY_FALLBACKS"] = [old]
        device = _replay(app, "remember_token", remembered)
        assert _is_signed_in(device)
        signed_again = _cookie(device, "remember_token")
        assert signed_again != remembered
        app.config["SECRET_KEY_FALLBACKS"] = []
        assert _is_signed_in(_replay(app, "remember_token", signed_again))
        assert not _is_signed_in(_replay(app, "remember_token", remembered))
    finally:
        app.config["SECRET_KEY"] = old
        app.config["SECRET_KEY_FALLBACKS"] = []


def test_signing_out_ends_the_persons_other_sessions_too(app, auth, client, people):
    laptop, phone = client, app.test_client()
    auth.login(people["facilitator"].email)
    type(auth)(phone, app).login(people["facilitator"].email)
    assert _is_signed_in(phone)
    auth.logout()
    assert not _is_signed_in(laptop) and not _is_signed_in(phone)


def test_session_cookie_replayed_after_deactivation_is_refused(app, auth, client, people):
    person = people["practitioner"]
    auth.login(person.email)
    stolen = _cookie(client)
    services.deactivate(person)
    assert not _is_signed_in(client)
    assert not _is_signed_in(_replay(app, "session", stolen))
    # Reactivating does not bring the old session back.
    services.reactivate(person)
    assert not _is_signed_in(_replay(app, "session", stolen))


def test_changing_password_ends_other_sessions_but_keeps_this_one(app, auth, client, people):
    person = people["head_of_service"]
    phone = app.test_client()
    auth.login(person.email)
    type(auth)(phone, app).login(person.email)
    before_change = _cookie(client)

    response = auth.post("/account/password", {
        "current_password": app.config["DEMO_PASSWORD"],
        "new_password": "a different long password",
    }, form_page="/account/password")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have been signed out everywhere else" in page

    assert _is_signed_in(client)
    assert not _is_signed_in(phone)
    assert not _is_signed_in(_replay(app, "session", before_change))
    db.session.expire_all()
    auth.logout()
    assert auth.login(person.email).status_code == 200  # the old password no longer works
    assert auth.login(person.email, "a different long password").status_code == 302


def test_changing_password_needs_the_current_one_and_a_long_new_one(app, auth, client, people):
    auth.login(people["practitioner"].email)
    html = auth.post("/account/password", {
        "current_password": "wrong", "new_password": "a different long password",
    }, form_page="/account/password").get_data(as_text=True)
    assert "Your current password is not right" in html and 'href="#current_password"' in html
    html = auth.post("/account/password", {
        "current_password": app.config["DEMO_PASSWORD"], "new_password": "short",
    }, form_page="/account/password").get_data(as_text=True)
    assert "Password must be 12 characters or more" in html and 'href="#new_password"' in html
    assert _is_signed_in(client)


def test_new_passwords_are_hashed_with_scrypt_at_full_strength_by_default():
    from govflow.accounts.passwords import hash_password, verify_password

    stored = hash_password("correct horse battery")
    assert stored.startswith("scrypt:32768:8:1$")
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "correct horse batterY")
