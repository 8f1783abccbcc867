"""Two `govflow sweep` processes at once over 2,000 overdue blockers on PostgreSQL: every
blocker is escalated exactly once (one escalate event each), and both processes share the
work. The blockers are bulk-inserted in SQL (setup, not the code under test); the sweep goes
through the engine as it does in production."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
N = 2000


def _sweep_process(url: str, tmp: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVFLOW_")}
    env.update({"GOVFLOW_ENV": "test", "DATABASE_URL": url, "MAIL_SERVER": "",
                "GOVFLOW_INSTANCE_PATH": str(tmp / "instance"), "PYTHONPATH": str(ROOT)})
    return subprocess.Popen(
        [sys.executable, "-m", "govflow.cli", "sweep", "--no-send"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


@pytest.mark.postgres_only
@pytest.mark.slow
def test_two_sweep_processes_escalate_each_of_2000_overdue_blockers_exactly_once(tmp_path):
    from govflow.clock import utcnow
    from tests.support.bulk import insert_overdue_blockers
    from tests.support.served import ScratchDatabase

    scratch = ScratchDatabase(os.environ["GOVFLOW_TEST_DATABASE_URL"])
    try:
        scratch.migrate_and_seed()
        insert_overdue_blockers(scratch.url, N, utcnow())

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
            notified = conn.execute(text("""
                SELECT count(*) FROM notifications n JOIN items i ON i.id = n.item_id
                WHERE i.title LIKE 'Load blocker %' AND n.kind = 'item_changed'""")).scalar()
        engine.dispose()
    finally:
        scratch.drop()

    assert len(per_item) == N
    assert {row.escalations for row in per_item} == {1}, "a blocker was escalated twice, or never"
    assert {row.state for row in per_item} == {"silver"}
    assert notified == N  # the raiser heard once per blocker

    done = []
    for out, _err in outputs:
        summary = out.strip().splitlines()[-1]
        match = re.search(r"blockers escalated (\d+)", summary)
        done.append(int(match.group(1)) if match else 0)
    assert sum(done) >= N  # plus any of the demo data's own overdue blockers
    assert all(n > 0 for n in done), f"one process did all the work: {done}"
    print(f"\n2 sweep processes, {N} overdue blockers: {elapsed:.1f}s, split {done}")
