"""Two `govflow sweep` processes at once over 2,000 overdue blockers on PostgreSQL: every
blocker is escalated exactly once (one escalate event each), both processes share the work,
and the raiser and Silver hear of each blocker once, in one notification from each run. The
blockers are bulk-inserted in SQL (setup, not the code under test); the sweep goes through the
engine as it does in production."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.support import clock

ROOT = Path(__file__).resolve().parents[2]
N = 2000


def _sweep_process(url: str, tmp: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVFLOW_")}
    env.update({"GOVFLOW_ENV": "test", "DATABASE_URL": url, "MAIL_SERVER": "",
                "GOVFLOW_INSTANCE_PATH": str(tmp / "instance"), "PYTHONPATH": clock.pythonpath()})
    return subprocess.Popen(
        [sys.executable, "-m", "govflow.cli", "sweep", "--no-send"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


@pytest.mark.postgres_only
@pytest.mark.slow
def test_two_sweep_processes_escalate_each_of_2000_overdue_blockers_exactly_once(tmp_path):
    from govflow.clock import utcnow
    from tests.support.bulk import insert_overdue_blockers
    from tests.support.notices import told_of
    from tests.support.served import ScratchDatabase

    scratch = ScratchDatabase(os.environ["GOVFLOW_TEST_DATABASE_URL"])
    try:
        scratch.migrate_and_seed()
        insert_overdue_blockers(scratch.url, N, utcnow())

        engine = create_engine(scratch.url)
        with engine.connect() as conn:
            since = conn.execute(text(
                "SELECT (SELECT coalesce(max(id), 0) FROM notifications) AS notifications,"
                " (SELECT coalesce(max(id), 0) FROM events) AS events")).one()
        engine.dispose()
        started = time.monotonic()
        processes = [_sweep_process(scratch.url, tmp_path) for _ in range(2)]
        outputs = [p.communicate(timeout=300) for p in processes]
        elapsed = time.monotonic() - started
        for p, (_out, err) in zip(processes, outputs, strict=True):
            assert p.returncode == 0, err[-3000:]

        engine = create_engine(scratch.url)
        with engine.connect() as conn:
            per_item = conn.execute(text("""
                SELECT i.id, i.state, count(e.id) AS escalations
                FROM items i LEFT JOIN events e ON e.item_id = i.id AND e.trigger = 'escalate'
                WHERE i.title LIKE 'Load blocker %' GROUP BY i.id, i.state""")).all()
            # What the sweeps told the raiser (Priya) and Silver for her trust (Helen).
            received = conn.execute(text("""
                SELECT u.email, n.kind, n.body FROM notifications n JOIN users u ON u.id = n.user_id
                WHERE n.id > :since AND n.kind <> 'digest' AND u.email IN ('priya.shah@dcst.example',
                                                    'helen.ackroyd@dcst.example')"""),
                {"since": since.notifications}).all()
            # Every change the sweeps made to an item Priya raised (the load blockers and any
            # of the demo data's own).
            changed = conn.execute(text("""
                SELECT count(*) FROM events e JOIN items i ON i.id = e.item_id
                JOIN users u ON u.id = i.raised_by_id
                WHERE u.email = 'priya.shah@dcst.example' AND e.id > :since"""),
                {"since": since.events}).scalar()
        engine.dispose()
    finally:
        scratch.drop()

    assert len(per_item) == N
    assert {row.escalations for row in per_item} == {1}, "a blocker was escalated twice, or never"
    assert {row.state for row in per_item} == {"silver"}
    # One notification from each run at most (besides the daily digest), however many
    # blockers: the raiser hears of each change to her blockers once, and Silver of each
    # that reached it.
    priya = [(kind, body) for email, kind, body in received if email.startswith("priya")]
    helen = [(kind, body) for email, kind, body in received if email.startswith("helen")]
    assert 1 <= len(priya) <= 2 and 1 <= len(helen) <= 2, (len(priya), len(helen))
    assert sum(told_of(kind, body, "item_changed") for kind, body in priya) == changed >= N
    assert sum(told_of(kind, body, "reached_tier") for kind, body in helen) >= N

    done = []
    for out, _err in outputs:
        summary = out.strip().splitlines()[-1]
        match = re.search(r"blockers escalated (\d+)", summary)
        done.append(int(match.group(1)) if match else 0)
    assert sum(done) >= N  # plus any of the demo data's own overdue blockers
    assert all(n > 0 for n in done), f"one process did all the work: {done}"
    print(f"\n2 sweep processes, {N} overdue blockers: {elapsed:.1f}s, split {done}")
