"""A database that accepts connections and never answers: every page that needs it gives
the 503 page within 5 seconds (the connect timeout, not gunicorn's 30 s worker timeout),
/healthz says the database is not answering, and stylesheets are served meanwhile without
waiting on it. The "database" is a TCP listener on 127.0.0.1 that accepts and stays silent,
so this runs the same whichever database the rest of the suite uses."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import text as text_sql

from tests.support.http import Client
from tests.support.served import ExistingDatabase, ServedGovflow

pytestmark = pytest.mark.slow

STYLESHEET = "/static/build/govflow.css"
USER_AGENT = "govflow-fault-test"
LIMIT = 5.0


class SilentDatabase:
    """Accepts TCP connections on 127.0.0.1 and never sends a byte."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError, OSError):
                conn, _ = self.sock.accept()
                self.accepted.append(conn)

    def close(self):
        self._stop.set()
        self._thread.join(timeout=2)
        for conn in self.accepted:
            conn.close()
        self.sock.close()


@pytest.fixture
def hung_app():
    silent = SilentDatabase()
    database = ExistingDatabase(f"postgresql://govflow@127.0.0.1:{silent.port}/govflow")
    server = ServedGovflow(database, workers=2, threads=8, access_log=False,
                           env={"GOVFLOW_DB_CONNECT_TIMEOUT": "3"})
    try:
        # /healthz never says 200 here: ready once it serves the stylesheet.
        server.start(ready_path=STYLESHEET)
        yield server, silent
    finally:
        server.stop()
        silent.close()


def _signed_in_cookie(server: ServedGovflow, now_seconds: int) -> str:
    """A session cookie as the served app would issue it on signing in person 1 (it cannot
    issue one itself: signing in needs the database). `now_seconds` is the server's time,
    from its Date header, so the sign-in is fresh by its clock."""
    from flask_login.utils import _create_identifier

    signer = Flask(__name__)
    signer.secret_key = server.secret_key
    with signer.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1"},
                                     headers={"User-Agent": USER_AGENT}):
        identifier = _create_identifier()
    serializer = SecureCookieSessionInterface().get_signing_serializer(signer)
    return serializer.dumps({"_user_id": f"1:0:{now_seconds}:s", "_seen": now_seconds,
                             "_fresh": True, "_id": identifier})


def _timed(fn):
    started = time.monotonic()
    reply = fn()
    return reply, time.monotonic() - started


def test_a_database_that_never_answers_gives_503_within_5_seconds(hung_app):
    server, silent = hung_app
    base = server.base_url
    first = Client(base, user_agent=USER_AGENT).get(STYLESHEET)
    server_now = int(parsedate_to_datetime(first.headers["Date"]).timestamp())

    signed_in = Client(base, user_agent=USER_AGENT)
    signed_in.opener.addheaders = [("Cookie", f"session={_signed_in_cookie(server, server_now)}")]
    anonymous = Client(base, user_agent=USER_AGENT)
    _, hidden = anonymous.form("/sign-in")  # the sign-in form itself needs no database
    assert "csrf_token" in hidden

    calls = {
        "healthz": lambda: Client(base).get("/healthz"),
        "signed-in page": lambda: signed_in.get("/account"),
        "signed-in home": lambda: signed_in.get("/"),
        "page not found": lambda: signed_in.get("/no-such-page"),
        "sign-in attempt": lambda: anonymous.post("/sign-in", {
            **hidden, "email": "priya.shah@dcst.example", "password": "whatever it is"}),
    }
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = {name: pool.submit(_timed, fn) for name, fn in calls.items()}
        time.sleep(0.5)  # the calls above are now waiting on the silent database
        assert len(silent.accepted) >= 1, "the app never tried the database"
        # Meanwhile the stylesheet is served at once, even with the session cookie.
        sheet, sheet_took = _timed(lambda: signed_in.get(STYLESHEET))
        assert not all(f.done() for f in futures.values())
        results = {name: f.result() for name, f in futures.items()}

    assert sheet.status == 200 and "govuk" in sheet.text[:5000].lower(), sheet.status
    assert sheet_took < 1.0, sheet_took
    for name, (reply, took) in results.items():
        # A page that does not exist is still "page not found" (shown signed out: who is
        # signed in cannot be known), never a bare 500 from inside the error handler.
        expected = 404 if name == "page not found" else 503
        assert reply.status == expected, (name, reply.status, reply.text[:300])
        assert took < LIMIT, (name, took)
    assert "Page not found" in results["page not found"][0].text
    health = results["healthz"][0]
    assert json.loads(health.text) == {"status": "unavailable", "database": "not answering"}
    page = results["signed-in page"][0]
    assert "govflow is unavailable for a moment" in page.text and "Traceback" not in page.text
    assert "govflow is unavailable for a moment" in results["sign-in attempt"][0].text


@pytest.mark.postgres_only
def test_a_statement_stuck_behind_a_lock_gives_503_within_5_seconds(serve):
    """PostgreSQL answers, but the item's table is locked by someone else: the server's
    statement_timeout ends the wait, and the person gets the 503 page, not a hung worker."""
    from sqlalchemy import create_engine as engine_for

    from govflow.seeding import demo_sign_ins

    database, server = serve(workers=1, threads=4)
    email = next(e for r, e, _ in demo_sign_ins() if r == "practitioner")
    client = Client(server.base_url).sign_in(email)
    locker_engine = engine_for(database.url)
    with locker_engine.connect() as locker:
        item_id = locker.execute(text_sql("SELECT min(id) FROM items")).scalar()
        locker.execute(text_sql("LOCK TABLE items IN ACCESS EXCLUSIVE MODE"))
        reply, took = _timed(lambda: client.get(f"/items/{item_id}"))
        locker.rollback()
    locker_engine.dispose()
    assert reply.status == 503, (reply.status, reply.text[:300])
    assert took < LIMIT, took
    assert client.get(f"/items/{item_id}").status == 200  # and back at once when it is free
