"""Shared fixtures: a schema built by the Alembic migrations, a seeded demo partnership,
and a rolled-back transaction around every test.

Set GOVFLOW_TEST_DATABASE_URL to run against PostgreSQL (.ci/run does); otherwise a
temporary SQLite file is used.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from flask import request_started
from sqlalchemy import create_engine, select

from govflow import create_app
from govflow.extensions import db
from tests.support import clock
from tests.support.pages import csrf_from
from tests.support.sessions import fresh_globals_per_request, session_on

_TMP = tempfile.mkdtemp(prefix="govflow-tests-")
DATABASE_URL = os.environ.get("GOVFLOW_TEST_DATABASE_URL") or f"sqlite:///{_TMP}/test.sqlite"
if DATABASE_URL.startswith("postgresql://"):
    DATABASE_URL = "postgresql+psycopg://" + DATABASE_URL[len("postgresql://"):]
IS_POSTGRES = DATABASE_URL.startswith("postgresql")
_MOMENT = pytest.StashKey()


def pytest_configure(config):
    # Never the real clock: the whole run (and every process it starts) is at one chosen
    # moment, GOVFLOW_TEST_NOW (an ordinary Wednesday unless set; .ci/run replays the
    # date-sensitive tests at a Saturday, a bank holiday, both clock changes and New Year's Eve).
    moment = clock.start()
    config.stash[_MOMENT] = moment


def pytest_unconfigure(config):
    clock.stop()


def pytest_report_header(config):
    moment = config.stash.get(_MOMENT, None)
    return f"govflow: the clock is fixed at {moment.isoformat()} (GOVFLOW_TEST_NOW)" if moment else None


# Tests whose outcome depends on the date and time (deadlines in working days, sweeps, dates
# shown to people, session expiry): marked `clock`, and replayed by .ci/run at awkward moments.
CLOCK_SENSITIVE = (
    "tests/accounts/test_sessions.py", "tests/accounts/test_throttle.py",
    "tests/accounts/test_single_sign_on.py", "tests/follows/", "tests/home/",
    "tests/api/", "tests/dashboard/", "tests/decisions/", "tests/forums/", "tests/ideas/",
    "tests/items/", "tests/notifications/", "tests/sponsors/",
    "tests/test_templating_dates.py", "tests/test_workdays.py",
)


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set GOVFLOW_TEST_DATABASE_URL)")
    root = Path(str(config.rootpath))
    for item in items:
        where = Path(str(item.path)).relative_to(root).as_posix()
        if where.startswith(CLOCK_SENSITIVE) and "e2e" not in item.keywords:
            item.add_marker(pytest.mark.clock)
        if "postgres_only" in item.keywords and not IS_POSTGRES:
            item.add_marker(skip_pg)


def test_config(**overrides) -> dict:
    config = {
        "GOVFLOW_ENV": "test",
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "MAIL_SERVER": "",
        "REDIS_URL": "",
        # Still scrypt, with a smaller work factor: every sign-in in the suite verifies a
        # hash, and the production cost (about 0.3 s each) would dominate the run time.
        "PASSWORD_HASH_METHOD": "scrypt:2048:8:1",
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def _database():
    """Migrate an empty database to head and load the demo partnership, once per run."""
    from govflow import migrate

    engine = create_engine(DATABASE_URL)
    with engine.begin() as conn:
        if IS_POSTGRES:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
    migrate.upgrade(DATABASE_URL)
    app = create_app(test_config())
    with app.app_context():
        from govflow import seeding

        seeding.load_reference()
        seeding.load_demo()
        db.session.commit()  # as `govflow seed --demo` does at its end
        db.session.remove()
        db.engine.dispose()
    return DATABASE_URL


@pytest.fixture(scope="session")
def app(_database):
    app = create_app(test_config())
    yield app
    _dispose(app)


def _dispose(app) -> None:
    """Close pooled connections: psycopg warns (an error here) about any left for the GC."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _transaction(request):
    """Each test that uses the app runs inside a transaction rolled back at the end,
    even though the code under test commits (commits become savepoints)."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")

    def _request_begins(sender, **_extra):
        # Each request here shares the test's session, so what the test itself wrote before
        # the request is not the request's: it does not make the request commit at its end
        # (in production each request begins with a session of its own).
        if db.session.registry.has():
            db.session().info.pop("govflow_wrote", None)

    request_started.connect(_request_begins)
    with fresh_globals_per_request(app), app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        try:
            with session_on(connection):
                yield
        finally:
            if outer.is_active:
                outer.rollback()
            connection.close()
            request_started.disconnect(_request_begins)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Auth:
    """Signs people in and out through the real sign-in form."""

    def __init__(self, client, app):
        self.client = client
        self.app = app

    def login(self, email: str, password: str | None = None, **extra):
        page = self.client.get("/sign-in")
        token = csrf_from(page.get_data(as_text=True))
        data = {"email": email, "password": password or self.app.config["DEMO_PASSWORD"],
                "csrf_token": token}
        data.update(extra)
        return self.client.post("/sign-in", data=data)

    def logout(self):
        page = self.client.get("/account")
        token = csrf_from(page.get_data(as_text=True))
        return self.client.post("/sign-out", data={"csrf_token": token})

    def csrf(self, path: str = "/account") -> str:
        return csrf_from(self.client.get(path).get_data(as_text=True))

    def post(self, path: str, data: dict | None = None, *, form_page: str | None = None, **kw):
        """POST a form the way a browser does, with a CSRF token taken from a page."""
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.csrf(form_page or "/account"))
        return self.client.post(path, data=payload, **kw)


@pytest.fixture
def auth(client, app):
    return Auth(client, app)


@pytest.fixture
def browser(client, auth):
    """Pages driven through their real forms, as a browser would (tests/items/blocker_pages.py).
    (The browser tests in tests/e2e have a real one of the same name.)"""
    from tests.items.blocker_pages import Browser

    return Browser(client, auth)


def demo_people() -> dict[str, str]:
    """role → email of that role's demo sign-in."""
    from govflow.seeding import demo_sign_ins

    return {role: email for role, email, _ in demo_sign_ins()}


@pytest.fixture
def people(app):
    """The seeded demo partnership's people, by role (the demo sign-ins) and by email."""
    from govflow.accounts.models import User

    by_email = {u.email: u for u in db.session.scalars(select(User))}
    return {role: by_email[email] for role, email in demo_people().items()} | by_email


@pytest.fixture
def area(app):
    from govflow.accounts.models import LocalArea

    def get(slug: str) -> LocalArea:
        return db.session.scalar(select(LocalArea).where(LocalArea.slug == slug))

    return get


ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def make_app():
    """Another app on the test database with some settings changed, e.g.
    make_app(GOVFLOW_REMEMBER_ME=False). It shares the test's rolled-back transaction
    (db.session is swapped for the test), and its connections are closed afterwards."""
    made = []

    def make(**overrides):
        built = create_app(test_config(**overrides))
        made.append(built)
        return built

    yield make
    for built in made:
        _dispose(built)


REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_client():
    """A connection to the test Redis database (15): skipped without Redis, except in CI,
    where .ci/run starts it and its absence is a failure."""
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        client.close()
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not running at {REDIS_TEST_URL} (.ci/run starts it)")
        pytest.skip(f"needs Redis at {REDIS_TEST_URL}")
    yield client
    client.close()


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 (tests/support/smtp.py) for the length of one test."""
    from tests.support.smtp import LocalSMTP

    server = LocalSMTP().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mail_config(app, smtp_server, monkeypatch):
    """Point the app's mail settings at the local SMTP server for one test."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server.port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "")
    return smtp_server
