"""Writers at once leave every chain intact: 50 people each taking a different Gold blocker,
each also commenting on it, while two sweeps escalate overdue blockers (and take the day's
record root) — govflow under gunicorn, on the test database's kind (SQLite or PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import create_engine, text

from tests.faults.conftest import burst_with_sweeps, govflow_command
from tests.support.bulk import TITLE_PREFIX, insert_overdue_blockers
from tests.support.http import Client

pytestmark = [pytest.mark.slow]
BURST = 50


def _fifty_six_blockers(url: str) -> None:
    """Setup, not the code under test: 56 Bronze blockers written straight in SQL, then
    sealed into the record by the builder migration 0013 uses."""
    from govflow.records.build import build_chains, without_triggers
    from govflow.records.chain import CHAINED

    moment = datetime(2026, 12, 1, 9, 0)
    insert_overdue_blockers(url, BURST + 6, moment)
    engine = create_engine(url)
    with engine.begin() as connection, without_triggers(connection, CHAINED):
        build_chains(connection, moment)
    engine.dispose()


def test_fifty_transitions_on_fifty_items_and_two_sweeps_leave_every_chain_intact(serve):
    from govflow.seeding import demo_sign_ins

    database, server = serve(workers=3, threads=4)
    _fifty_six_blockers(database.url)
    engine = create_engine(database.url)
    with engine.begin() as conn:
        ids = conn.execute(text("SELECT id FROM items WHERE title LIKE :p ORDER BY id"),
                           {"p": TITLE_PREFIX + "%"}).scalars().all()
        targets = ids[:BURST]
        # The fifty taken are not due yet (the sweeps leave them alone); six are overdue.
        conn.execute(text("UPDATE items SET due_at = :later WHERE id IN ("
                          + ",".join(map(str, targets)) + ")"),
                     {"later": datetime(2100, 1, 1)})
    admin = next(e for r, e, _ in demo_sign_ins() if r == "admin")
    clients = [Client(server.base_url, timeout=120).sign_in(admin) for _ in range(5)]
    forms = []
    for n, item_id in enumerate(targets):  # each person has the item's form open
        client = clients[n % 5]
        _, take = client.form(f"/items/{item_id}/actions/take")
        _, comment = client.form(f"/items/{item_id}")
        forms.append((client, item_id, take, comment))

    def act(client, item_id, take, comment):
        return [client.post(f"/items/{item_id}/actions/take", take).status,
                client.post(f"/items/{item_id}/comments",
                            {**comment, "body": f"Taken in the race ({item_id})."}).status]

    statuses = burst_with_sweeps(database.url, act, forms, timeout=300, sweep_timeout=600)
    assert len(statuses) == 2 * BURST
    assert all(s < 500 for s in statuses), sorted(statuses)

    with engine.connect() as conn:
        takes = conn.execute(text("SELECT count(*) FROM events WHERE trigger = 'take' "
                                  "AND item_id IN (" + ",".join(map(str, targets)) + ")")).scalar()
        comments = conn.execute(text("SELECT count(*) FROM comments WHERE body LIKE "
                                     "'Taken in the race%'")).scalar()
        roots = conn.execute(text("SELECT count(*) FROM record_roots")).scalar()
        checked = conn.execute(text("SELECT count(*) FROM record_verifications")).scalar()
    engine.dispose()
    assert takes == statuses[0::2].count(302) and takes >= BURST - 5
    assert comments == BURST
    assert roots == 1 and checked == 1, "two sweeps: one root, one daily check"
    check = govflow_command(database.url, "check", "--json")
    assert check.returncode == 0, check.stdout + check.stderr
    assert '"check": "record_chains"' in check.stdout
