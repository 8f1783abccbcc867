"""Sign-in throttling: the sixth wrong password within a minute gets 429, per account and
per address, in a store every app process shares (the database, or Redis when set)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from govflow.accounts.models import LoginAttempt
from govflow.accounts.views import WRONG_DETAILS
from govflow.clock import utcnow
from govflow.extensions import db
from tests.support.pages import CSRF_RE

TOO_MANY = "Too many attempts to sign in. Wait 1 minute and try again."
REDIS_URL = "redis://127.0.0.1:6379/15"
# Names of this test process's own: other runs of the suite may share the Redis database.
REDIS_PREFIX = f"govflow-test-{uuid.uuid4().hex[:12]}"


class Browser:
    """A test client from one address, signing in through the real form."""

    def __init__(self, app, address):
        self.app = app
        self.client = app.test_client()
        self.address = address

    def sign_in(self, email, password):
        env = {"REMOTE_ADDR": self.address}
        page = self.client.get("/sign-in", environ_base=env).get_data(as_text=True)
        token = CSRF_RE.search(page).group(1)
        return self.client.post("/sign-in", environ_base=env, data={
            "email": email, "password": password, "csrf_token": token})


def _address() -> str:
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


def _assert_wrong(response):
    assert response.status_code == 200
    assert WRONG_DETAILS in response.get_data(as_text=True)


def _assert_throttled(response, email=None):
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert TOO_MANY in html and "There is a problem" in html
    if email:
        assert f'value="{email}"' in html


def _sixth_attempt_is_throttled(app, people):
    email = people["practitioner"].email
    browser = Browser(app, _address())
    for _ in range(5):
        _assert_wrong(browser.sign_in(email, "wrong password here"))
    _assert_throttled(browser.sign_in(email, "wrong password here"), email)
    # Even the right password is refused until the minute is up…
    _assert_throttled(browser.sign_in(email, app.config["DEMO_PASSWORD"]))
    # …and from another address: the account itself is protected.
    _assert_throttled(Browser(app, _address()).sign_in(email, app.config["DEMO_PASSWORD"]))
    # Other people can still sign in.
    assert Browser(app, _address()).sign_in(
        people["facilitator"].email, app.config["DEMO_PASSWORD"]).status_code == 302


def _one_address_guessing_many_accounts_is_throttled(app, people):
    browser = Browser(app, _address())
    for n in range(5):
        _assert_wrong(browser.sign_in(f"guess{n}-{uuid.uuid4().hex[:6]}@example.org", "x" * 12))
    _assert_throttled(browser.sign_in(people["admin"].email, app.config["DEMO_PASSWORD"]))
    # The same person from their own address is unaffected.
    assert Browser(app, _address()).sign_in(
        people["admin"].email, app.config["DEMO_PASSWORD"]).status_code == 302


def test_sixth_wrong_password_in_a_minute_gets_429(app, people):
    _sixth_attempt_is_throttled(app, people)


def test_one_address_trying_many_accounts_gets_429(app, people):
    _one_address_guessing_many_accounts_is_throttled(app, people)


def test_a_correct_sign_in_before_the_limit_clears_the_account_count(app, people):
    email = people["practitioner"].email
    browser = Browser(app, _address())
    for _ in range(4):
        _assert_wrong(browser.sign_in(email, "wrong password here"))
    assert browser.sign_in(email, app.config["DEMO_PASSWORD"]).status_code == 302
    other = Browser(app, _address())
    for _ in range(5):
        _assert_wrong(other.sign_in(email, "wrong password here"))
    _assert_throttled(other.sign_in(email, "wrong password here"))


def test_attempts_are_shared_by_every_app_process(app, make_app, people):
    """Two app instances (as two gunicorn workers) count against one store."""
    email = people["executive"].email
    second = make_app()
    address = _address()
    for n in range(5):
        _assert_wrong(Browser(app if n % 2 else second, address).sign_in(email, "nope" * 4))
    _assert_throttled(Browser(app, address).sign_in(email, "nope" * 4))
    _assert_throttled(Browser(second, address).sign_in(email, "nope" * 4))
    stored = db.session.scalar(select(func.count()).where(LoginAttempt.key == f"account:{email}"))
    assert stored == 5


@pytest.mark.parametrize(("seconds_ago", "throttled"), [(30, True), (61, False)])
def test_only_failures_within_the_last_minute_count(app, people, seconds_ago, throttled):
    email = people["practitioner"].email
    at = utcnow() - timedelta(seconds=seconds_ago)
    db.session.add_all(LoginAttempt(key=f"account:{email}", at=at) for _ in range(5))
    db.session.commit()
    response = Browser(app, _address()).sign_in(email, app.config["DEMO_PASSWORD"])
    assert response.status_code == (429 if throttled else 302)


# ---------------------------------------------------------------- the same, in Redis


@pytest.fixture
def redis_app(make_app, redis_client):
    app = make_app(REDIS_URL=REDIS_URL, REDIS_KEY_PREFIX=REDIS_PREFIX)
    yield app
    for key in redis_client.scan_iter(f"{REDIS_PREFIX}:signin:*"):
        redis_client.delete(key)
    cached = app.extensions.get("govflow_redis")
    if cached is not None:
        cached.close()


def _no_rows_in_the_database():
    assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 0


def test_redis_sixth_wrong_password_gets_429(redis_app, people):
    _sixth_attempt_is_throttled(redis_app, people)
    client = redis_app.extensions["govflow_redis"]
    assert client.zcard(f"{REDIS_PREFIX}:signin:account:{people['practitioner'].email}") == 5
    _no_rows_in_the_database()


def test_redis_one_address_trying_many_accounts_gets_429(redis_app, people):
    _one_address_guessing_many_accounts_is_throttled(redis_app, people)
    _no_rows_in_the_database()


def test_redis_is_shared_by_every_app_process(redis_app, make_app, people):
    email = people["head_of_service"].email
    second = make_app(REDIS_URL=REDIS_URL, REDIS_KEY_PREFIX=REDIS_PREFIX)
    address = _address()
    try:
        for n in range(5):
            _assert_wrong(Browser(redis_app if n % 2 else second, address).sign_in(
                email, "nope" * 4))
        _assert_throttled(Browser(redis_app, address).sign_in(email, "nope" * 4))
        _assert_throttled(Browser(second, address).sign_in(email, "nope" * 4))
    finally:
        second.extensions["govflow_redis"].close()


def test_an_absurdly_long_key_is_still_counted(app):
    """A key longer than the column (a forged X-Forwarded-For, say) is stored as its digest,
    not refused by the database with a 500 that would leave the attempt uncounted."""
    from govflow.accounts.throttle import DatabaseThrottle

    throttle = DatabaseThrottle(max_attempts=2, window_seconds=60)
    keys = ["account:someone@example.org", "address:" + "10.0.0.1, " * 200]
    assert throttle.attempt(keys) is not None
    assert throttle.attempt(keys) is not None
    assert throttle.attempt(keys) is None
    assert throttle.count(keys[1]) == 2
