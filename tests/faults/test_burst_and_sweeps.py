"""Two sweeps and a burst of 50 concurrent transitions on the same overdue blockers
(PostgreSQL): every item is escalated by the sweep exactly once, nobody gets a server error,
and the history has exactly one event per transition that succeeded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from govflow.clock import utcnow
from govflow.items.tallies import CHECK_SQL
from tests.faults.conftest import burst_with_sweeps
from tests.support.http import Client

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]
BURST = 50


def test_two_sweeps_and_fifty_transitions_at_once(serve):
    from govflow.seeding import demo_sign_ins

    database, server = serve(workers=3, threads=4)
    engine = create_engine(database.url)
    with engine.begin() as conn:
        items = conn.execute(text(
            "SELECT id FROM items WHERE kind = 'blocker' AND state = 'bronze' ORDER BY id LIMIT 4"
        )).scalars().all()
        # Setup: their Bronze deadline passed yesterday.
        # (The suite's clock, not the database server's: the sweeps run at the suite's time.)
        conn.execute(text("UPDATE items SET due_at = :due WHERE id = ANY(:ids)"),
                     {"due": utcnow() - timedelta(days=1), "ids": list(items)})
        events_before = conn.execute(text("SELECT max(id) FROM events")).scalar()
    admin = next(e for r, e, _ in demo_sign_ins() if r == "admin")
    clients = [Client(server.base_url, timeout=60).sign_in(admin) for _ in range(5)]
    forms = []
    for n in range(BURST):  # each person has the form open, as they saw it
        item_id = items[n % len(items)]
        _, hidden = clients[n % 5].form(f"/items/{item_id}/actions/take")
        forms.append((clients[n % 5], item_id, hidden))

    def send(client, item_id, hidden):
        return [client.post(f"/items/{item_id}/actions/take", hidden).status]

    statuses = burst_with_sweeps(database.url, send, forms, timeout=120, sweep_timeout=300)

    assert len(statuses) == BURST
    assert all(s < 500 for s in statuses), sorted(statuses)
    took = statuses.count(302)
    assert took >= 1 and set(statuses) <= {302, 409}, sorted(statuses)
    with engine.connect() as conn:
        new = conn.execute(text(
            "SELECT item_id, trigger, actor_id FROM events WHERE id > :before "
            "AND item_id = ANY(:ids)"), {"before": events_before, "ids": list(items)}).all()
        states = conn.execute(text("SELECT state FROM items WHERE id = ANY(:ids)"),
                              {"ids": list(items)}).scalars().all()
        # The queue counts' tallies kept up with every transition, and both sweeps folded
        # them at once without losing or doubling a row.
        tally_problems = conn.execute(text(CHECK_SQL[3])).scalars().all()
    engine.dispose()
    escalations = [e for e in new if e.trigger == "escalate" and e.actor_id is None]
    assert sorted(e.item_id for e in escalations) == sorted(items), "each escalated exactly once"
    assert set(states) == {"silver"}
    takes = [e for e in new if e.trigger == "take"]
    assert len(takes) == took, "one event per successful transition, no more"
    assert len(new) == took + len(items)
    assert tally_problems == []
