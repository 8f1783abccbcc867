"""How long a sign-in lasts (OWASP ASVS 5.0 level 2): an idle timeout and an absolute
lifetime for a session, at most 30 days for "keep me signed in", enforced on the server
whatever the browser does with cookies; and an API request whose bearer token is bad is
refused even beside a valid session cookie. Time is moved with time-machine, never slept
(sessions age on the wall clock; govflow.clock's fixed moments, used to preview deadlines,
must not sign anyone out)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from govflow.config import ConfigError, load_config

SIGNED_IN_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning


def fixed_at(moment: datetime):
    """The whole process at this moment (the wall clock sessions age by), not ticking."""
    return time_machine.travel(moment, tick=False)
IDLE_NOTICE = "You have been signed out because you had not used govflow for 30 minutes"
ENDED_NOTICE = "Your session has ended. Sign in again to continue."


def _at(minutes: float = 0, **delta) -> datetime:
    return SIGNED_IN_AT + timedelta(minutes=minutes, **delta)


def _signed_in(client, at: datetime) -> bool:
    with fixed_at(at):
        response = client.get("/account")
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    return False


def _sign_in(auth, person, at=SIGNED_IN_AT, **extra):
    with fixed_at(at):
        assert auth.login(person.email, **extra).status_code == 302


def _sign_in_page(client, at) -> str:
    with fixed_at(at):
        return client.get("/sign-in").get_data(as_text=True)


def test_defaults_are_30_idle_minutes_12_hours_and_30_remembered_days(app):
    assert app.config["SESSION_IDLE_MINUTES"] == 30
    assert app.config["SESSION_LIFETIME_HOURS"] == 12
    assert app.config["REMEMBER_DAYS"] == 30
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)


def test_a_session_ends_after_30_idle_minutes(client, auth, people):
    _sign_in(auth, people["practitioner"])
    assert _signed_in(client, _at(29))
    assert _signed_in(client, _at(58))  # each visit restarts the idle clock
    assert not _signed_in(client, _at(58 + 31))
    assert IDLE_NOTICE in _sign_in_page(client, _at(58 + 31))
    # Ended for good: coming back sooner afterwards does not revive it.
    assert not _signed_in(client, _at(58 + 32))


def test_a_session_ends_12_hours_after_signing_in_however_busy(client, auth, people):
    _sign_in(auth, people["head_of_service"])
    at = SIGNED_IN_AT
    while at < _at(hours=12) - timedelta(minutes=20):
        at += timedelta(minutes=20)
        assert _signed_in(client, at), at
    assert not _signed_in(client, _at(hours=12, minutes=1))
    assert ENDED_NOTICE in _sign_in_page(client, _at(hours=12, minutes=1))


def test_a_copied_session_cookie_obeys_the_same_limits(app, client, auth, people):
    _sign_in(auth, people["facilitator"])
    stolen = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert not _signed_in(thief, _at(31))


def test_keep_me_signed_in_lasts_30_days_without_idle_limit(app, client, auth, people):
    _sign_in(auth, people["executive"], remember="y")
    remembered = client.get_cookie("remember_token").value
    assert _signed_in(client, _at(days=3))  # days without a visit: still signed in
    # A fresh browser with only the remember cookie is signed in, within 30 days...
    for days, expected in [(29, True), (30, False), (45, False)]:
        browser = app.test_client()
        browser.set_cookie("remember_token", remembered)
        assert _signed_in(browser, _at(days=days, minutes=1)) is expected, days
    # ...and the session it made ends with the sign-in, not 30 days after the last visit.
    assert not _signed_in(client, _at(days=30, minutes=1))


def test_a_remember_cookie_from_the_future_is_refused(app, client, auth, people):
    _sign_in(auth, people["executive"], at=_at(days=10), remember="y")
    remembered = client.get_cookie("remember_token").value
    browser = app.test_client()
    browser.set_cookie("remember_token", remembered)
    assert not _signed_in(browser, SIGNED_IN_AT)


def test_moving_the_domain_clock_signs_nobody_out(client, auth, people):
    """govflow.clock.fixed_at (deadline previews, tests of sweeps) is not the wall clock."""
    from govflow import clock

    _sign_in(auth, people["practitioner"])
    with time_machine.travel(_at(5), tick=False), clock.fixed_at(datetime(2027, 1, 4, 9, 0)):
        assert client.get("/account").status_code == 200


def test_changing_password_keeps_the_sign_ins_lifetime(client, auth, people, app):
    person = people["practitioner"]
    _sign_in(auth, person)
    for minutes in range(20, 11 * 60, 20):  # busy all day
        assert _signed_in(client, _at(minutes))
    with fixed_at(_at(hours=11)):
        response = auth.post("/account/password", {
            "current_password": app.config["DEMO_PASSWORD"],
            "new_password": "tangerine lamp oxford quietly",
        }, form_page="/account/password")
    assert response.status_code == 302
    assert _signed_in(client, _at(hours=11, minutes=20))
    assert not _signed_in(client, _at(hours=12, minutes=1))


@pytest.mark.parametrize(("name", "value", "key", "expected"), [
    ("GOVFLOW_SESSION_IDLE_MINUTES", "15", "SESSION_IDLE_MINUTES", 15),
    ("GOVFLOW_SESSION_LIFETIME_HOURS", "8", "SESSION_LIFETIME_HOURS", 8),
    ("GOVFLOW_REMEMBER_DAYS", "7", "REMEMBER_DAYS", 7),
])
def test_limits_come_from_the_environment(tmp_path, name, value, key, expected):
    assert load_config(str(tmp_path), {name: value})[key] == expected


@pytest.mark.parametrize(("name", "value", "message"), [
    ("GOVFLOW_REMEMBER_DAYS", "31", "GOVFLOW_REMEMBER_DAYS must be 30 or fewer"),
    ("GOVFLOW_REMEMBER_DAYS", "365", "GOVFLOW_REMEMBER_DAYS must be 30 or fewer"),
    ("GOVFLOW_SESSION_IDLE_MINUTES", "0", "must be more than 0"),
    ("GOVFLOW_SESSION_LIFETIME_HOURS", "a day", "must be a number"),
])
def test_unsafe_or_mistyped_limits_are_refused(tmp_path, name, value, message):
    with pytest.raises(ConfigError, match=message):
        load_config(str(tmp_path), {name: value})


def test_a_shorter_idle_limit_is_obeyed(make_app, people):
    from tests.conftest import Auth

    short = make_app(SESSION_IDLE_MINUTES=5)
    client = short.test_client()
    _sign_in(Auth(client, short), people["practitioner"])
    assert _signed_in(client, _at(4))
    assert not _signed_in(client, _at(4 + 6))


# ----------------------------------------------------------- session cookie + bearer token


def test_session_cookie_with_a_bogus_bearer_token_is_refused(client, auth, people):
    auth.login(people["admin"].email)
    assert client.get("/api/v1/items").status_code == 200  # the session alone reads the API
    for header in ("Bearer gf_not-a-real-token", "Bearer ", "Basic YWRtaW46YWRtaW4="):
        response = client.get("/api/v1/items", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.get_json()["error"] == "unauthorized"
    # Nor can a write slip through on the session.
    response = client.post("/api/v1/items", json={},
                           headers={"Authorization": "Bearer gf_not-a-real-token"})
    assert response.status_code == 401


def test_a_valid_token_beside_someone_elses_session_acts_as_the_token(client, auth, people):
    from govflow.accounts.views import issue_token

    auth.login(people["admin"].email)
    token = issue_token(people["practitioner"], "tests")
    response = client.get("/api/v1/items", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    # An admin-only answer would differ; the token's person is the practitioner.
    assert client.get("/account").status_code == 200  # the session itself is untouched


# ------------------------------------------------------------------- static files


def test_static_files_never_touch_the_database_or_the_session(app, client, auth, people):
    """A stylesheet is served while the database is away: nothing on its way asks the
    database (not even to load the signed-in person), and it neither ends nor renews the
    session."""
    from sqlalchemy import event

    from govflow.extensions import db

    _sign_in(auth, people["practitioner"])
    statements = []

    def count(*_args):
        statements.append(_args[2])

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        for at in (_at(1), _at(minutes=0, hours=13)):  # fresh, then long past its lifetime
            with fixed_at(at):
                response = client.get("/static/build/govflow.css")
            assert response.status_code == 200
            assert "Set-Cookie" not in response.headers
            response.close()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert statements == []
