"""The database going away in the middle of a request: a 503 page that shows back what the
person typed, and afterwards the item and its history exactly as they were."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.security.test_security_headers import REQUIRED_CSP
from tests.support.http import Client
from tests.support.served import ServedGovflow

REASON = "Needs Silver: the housing team will not share tenancy dates without a data-sharing agreement."

pytestmark = pytest.mark.slow


def _item_snapshot(url: str, item_id: int):
    engine = create_engine(url)
    with engine.connect() as conn:
        item = conn.execute(text("SELECT state, tier, version FROM items WHERE id = :id"),
                            {"id": item_id}).one()
        events = conn.execute(text("SELECT id, trigger, to_state FROM events WHERE item_id = :id "
                                   "ORDER BY id"), {"id": item_id}).all()
    engine.dispose()
    return tuple(item), [tuple(e) for e in events]


def _a_bronze_blocker(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        item_id = conn.execute(text("SELECT min(id) FROM items WHERE kind = 'blocker' "
                                    "AND state = 'bronze'")).scalar()
    engine.dispose()
    return item_id


def _admin_email() -> str:
    from govflow.seeding import demo_sign_ins

    return next(e for r, e, _ in demo_sign_ins() if r == "admin")


def _post_in_background(client: Client, path: str, data: dict) -> tuple[threading.Thread, dict]:
    out = {}
    thread = threading.Thread(target=lambda: out.setdefault("reply", client.post(path, data)))
    thread.start()
    return thread, out


def _assert_503_shows_what_was_typed(reply) -> None:
    assert reply.status == 503, (reply.status, reply.text[:500])
    assert "unavailable for a moment" in reply.text
    assert "What you typed" in reply.text and REASON in reply.text
    for directive in REQUIRED_CSP:
        assert directive in reply.headers.get("Content-Security-Policy", "")


def test_database_gone_mid_request(serve):
    database, server = serve(workers=1, threads=2,
                             env={"GOVFLOW_SQLITE_BUSY_TIMEOUT_MS": "1500"})
    item_id = _a_bronze_blocker(database.url)
    before = _item_snapshot(database.url, item_id)
    client = Client(server.base_url).sign_in(_admin_email())
    path = f"/items/{item_id}/actions/escalate"
    page, hidden = client.form(path)
    assert page.status == 200
    data = {**hidden, "reason": REASON}

    if database.is_postgres:
        _postgres_goes_away(database, server, client, path, data)
    else:
        _sqlite_stays_locked(database, client, path, data)

    # Back again: the item and its history are exactly as they were, and the same form
    # sent again now works.
    assert _item_snapshot(database.url, item_id) == before
    reply = client.post(path, data)
    assert reply.status == 302, reply.text[:500]
    state, events = _item_snapshot(database.url, item_id)
    assert state[0] == "silver" and events[-1][1:] == ("escalate", "silver")


def _sqlite_stays_locked(database, client, path, data):
    # Another process holds the write lock for longer than the request is prepared to wait.
    locker = sqlite3.connect(make_url(database.url).database, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    locker.execute("UPDATE users SET display_name = display_name WHERE id = 1")
    try:
        reply = client.post(path, data)
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    _assert_503_shows_what_was_typed(reply)


def _postgres_goes_away(database, server: ServedGovflow, client, path, data):
    url = make_url(database.url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    locker_engine = create_engine(database.url)
    locker = locker_engine.connect()
    # Hold the items table so the POST is caught waiting inside its transaction...
    locker.execute(text("LOCK TABLE items IN ACCESS EXCLUSIVE MODE"))
    thread, out = _post_in_background(client, path, data)
    try:
        with admin.connect() as conn:
            for _ in range(100):
                waiting = conn.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = :db "
                    "AND wait_event_type = 'Lock'"), {"db": database.name}).scalar()
                if waiting:
                    break
                time.sleep(0.05)
            assert waiting, "the request never reached the database"
            # ...then the database goes away under it: no new connections, every
            # existing one cut, the request's own included.
            conn.execute(text(f'ALTER DATABASE "{database.name}" ALLOW_CONNECTIONS false'))
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :db"), {"db": database.name})
            thread.join(timeout=30)
            _assert_503_shows_what_was_typed(out["reply"])
            # While it is gone, every page is the same calm 503, not a stack trace.
            home = client.get("/")
            assert home.status == 503 and "Traceback" not in home.text
            conn.execute(text(f'ALTER DATABASE "{database.name}" ALLOW_CONNECTIONS true'))
    finally:
        locker.invalidate()
        locker_engine.dispose()
        admin.dispose()
