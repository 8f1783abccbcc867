"""The sign-in limit holds exactly under a burst: many wrong passwords for one account sent at
the same moment to a served govflow (two worker processes, several threads each) give
exactly GOVFLOW_LOGIN_MAX_ATTEMPTS password checks, and every other attempt is refused with
429 — in the database (SQLite or PostgreSQL) and in Redis."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, text

from govflow.accounts.views import WRONG_DETAILS
from tests.support.http import Client

pytestmark = pytest.mark.slow

ALLOWED = 5
BURST = 24
REDIS_URL = "redis://127.0.0.1:6379/15"  # the redis_client fixture's
# Names of this test's own: other runs of the suite may share the Redis database.
REDIS_PREFIX = f"govflow-burst-{uuid.uuid4().hex[:12]}"


def _burst(server, email: str) -> list[int]:
    clients = []
    for _ in range(BURST):
        client = Client(server.base_url, timeout=60)
        _, hidden = client.form("/sign-in")
        clients.append((client, hidden))
    start = threading.Barrier(BURST)

    def attempt(pair):
        client, hidden = pair
        start.wait()
        reply = client.post("/sign-in", {**hidden, "email": email,
                                         "password": "not the password at all"})
        if reply.status == 200:
            assert WRONG_DETAILS in reply.text
        elif reply.status == 429:
            assert "Too many attempts to sign in" in reply.text
        return reply.status

    with ThreadPoolExecutor(max_workers=BURST) as pool:
        return list(pool.map(attempt, clients))


@pytest.mark.parametrize("store", ["database", "redis"])
def test_a_burst_of_wrong_passwords_gets_exactly_the_allowed_number_of_tries(serve, store,
                                                                             request):
    env = {"GOVFLOW_LOGIN_MAX_ATTEMPTS": str(ALLOWED), "GOVFLOW_LOGIN_WINDOW_SECONDS": "600"}
    redis_client = None
    if store == "redis":
        redis_client = request.getfixturevalue("redis_client")  # skipped without Redis
        env.update(REDIS_URL=REDIS_URL, GOVFLOW_REDIS_KEY_PREFIX=REDIS_PREFIX)
    database, server = serve(workers=2, threads=8, env=env)
    email = "priya.shah@dcst.example"
    try:
        statuses = _burst(server, email)
        assert sorted(statuses) == [200] * ALLOWED + [429] * (BURST - ALLOWED), statuses
        if redis_client is not None:
            assert redis_client.zcard(f"{REDIS_PREFIX}:signin:account:{email}") == ALLOWED
        else:
            engine = create_engine(database.url)
            with engine.connect() as conn:
                stored = conn.execute(text("SELECT count(*) FROM login_attempts WHERE key = :k"),
                                      {"k": f"account:{email}"}).scalar()
            engine.dispose()
            assert stored == ALLOWED
        # Still refused afterwards, even with the right password.
        reply = Client(server.base_url).submit("/sign-in", {
            "email": email, "password": "demo-password-2026"})
        assert reply.status == 429
    finally:
        if redis_client is not None:
            for key in redis_client.scan_iter(f"{REDIS_PREFIX}:signin:*"):
                redis_client.delete(key)
