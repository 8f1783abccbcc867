"""Sends of one form arriving at the same moment, at two gunicorn workers: exactly one
raises the blocker, and every send is answered with the way to it. The database's primary key
on (person, key) decides which send wins (on PostgreSQL the others wait for it to commit)."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import text
from submission_forms import form_posting_to

from tests.support.http import Client
from tests.support.served import ScratchDatabase, ServedGovflow

pytestmark = pytest.mark.slow

SENDS = 8
TITLE = "The youth club's minibus cannot be borrowed at weekends"


@pytest.fixture
def served():
    database = ScratchDatabase(os.environ.get("GOVFLOW_TEST_DATABASE_URL"))
    server = None
    try:
        database.migrate_and_seed()
        server = ServedGovflow(database, workers=2, threads=4)
        server.start(timeout=120)  # the machine may be busy: booting is not what is tested
        yield database, server
    finally:
        if server is not None:
            server.stop()
        database.drop()


def _blockers_titled(database: ScratchDatabase, title: str) -> list[int]:
    engine = database.engine()
    with engine.connect() as conn:
        found = list(conn.execute(text("SELECT id FROM items WHERE title = :t"),
                                  {"t": title}).scalars())
    engine.dispose()
    return found


def test_the_same_form_sent_eight_times_at_once_raises_one_blocker(served):
    from govflow.seeding import demo_sign_ins

    database, server = served
    practitioner = next(e for r, e, _ in demo_sign_ins() if r == "practitioner")
    client = Client(server.base_url, timeout=60).sign_in(practitioner)
    page = client.get("/blockers/new")
    assert page.status == 200
    body = form_posting_to(page.text, "/blockers/new", "/blockers/new").hidden | {
        "title": TITLE,
        "description": "The minibus sits in the yard from Friday to Monday.",
        "area": "denaby",
        "organisation": "dcst",
    }
    replies = []
    go = threading.Barrier(SENDS)

    def send():
        go.wait()
        replies.append(client.post("/blockers/new", body))

    threads = [threading.Thread(target=send) for _ in range(SENDS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    [item_id] = _blockers_titled(database, TITLE)
    statuses = sorted(r.status for r in replies)
    assert statuses == [302] + [303] * (SENDS - 1), statuses
    assert {r.location.rsplit("/", 1)[-1] for r in replies} == {str(item_id)}
