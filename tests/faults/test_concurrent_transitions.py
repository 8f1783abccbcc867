"""People acting on different items at the same moment all succeed: on SQLite, requests that
change data wait their turn for the write lock (briefly, in order) rather than fail with
"database is locked"; on PostgreSQL they never contend. Each is a transition a real person
would make: taking ownership of an open blocker, with the version their page showed."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support.http import Client

pytestmark = pytest.mark.slow


def _open_blockers(url: str) -> list[int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        ids = conn.execute(text(
            "SELECT id FROM items WHERE kind = 'blocker' AND state IN ('bronze', 'silver', "
            "'gold') ORDER BY id")).scalars().all()
    engine.dispose()
    return list(ids)


def _takes(url: str, ids: list[int]) -> dict[int, list]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT events.item_id, users.email FROM events JOIN users ON users.id = "
            "events.actor_id WHERE events.trigger = 'take'")).all()
        owners = dict(conn.execute(text(
            "SELECT items.id, users.email FROM items JOIN users ON users.id = items.owner_id"
        )).all())
    engine.dispose()
    out = {i: [] for i in ids}
    for item_id, email in rows:
        if item_id in out:
            out[item_id].append(email)
    return {i: (takes, owners.get(i)) for i, takes in out.items()}


def test_everyone_taking_a_different_item_at_once_succeeds(serve):
    from govflow.seeding import demo_sign_ins

    database, server = serve(workers=3, threads=2)
    admin = next(e for r, e, _ in demo_sign_ins() if r == "admin")
    ids = _open_blockers(database.url)
    assert len(ids) >= 6
    before = _takes(database.url, ids)
    forms = []
    for item_id in ids:  # each person has the item's page open, as they saw it
        client = Client(server.base_url, timeout=60).sign_in(admin)
        _, hidden = client.form(f"/items/{item_id}")
        assert hidden.get("version"), "the item page offers Take ownership"
        forms.append((client, item_id, hidden))
    replies: dict[int, int] = {}
    go = threading.Barrier(len(forms))

    def take(client, item_id, hidden):
        go.wait()
        replies[item_id] = client.post(f"/items/{item_id}/actions/take", hidden).status

    threads = [threading.Thread(target=take, args=f) for f in forms]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert replies == {i: 302 for i in ids}
    after = _takes(database.url, ids)
    for i in ids:
        takes, owner = after[i]
        assert takes == before[i][0] + [admin] and owner == admin, (i, after[i])


def test_a_change_waits_for_a_write_lock_held_briefly_elsewhere(serve):
    database, server = serve(workers=1, threads=2)
    if database.is_postgres:
        pytest.skip("SQLite's write lock")
    from govflow.seeding import demo_sign_ins

    admin = next(e for r, e, _ in demo_sign_ins() if r == "admin")
    item_id = _open_blockers(database.url)[0]
    client = Client(server.base_url, timeout=60).sign_in(admin)
    _, hidden = client.form(f"/items/{item_id}")
    # Another process (the sweep, say) is writing when the person presses the button.
    locker = sqlite3.connect(make_url(database.url).database, isolation_level=None,
                             check_same_thread=False)
    locker.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.5, lambda: locker.execute("COMMIT"))
    release.start()
    try:
        reply = client.post(f"/items/{item_id}/actions/take", hidden)
    finally:
        release.join()
        locker.close()
    assert reply.status == 302, reply.text[:500]
    takes, owner = _takes(database.url, [item_id])[item_id]
    assert owner == admin and takes[-1] == admin
