"""Benchmark: `govflow sweep` over many overdue blockers, in one process and in two at once.

Run on demand:  python benchmarks/bench_sweep.py [--items 2000]
                [--database-url postgresql://postgres@127.0.0.1:5432/govflow_test_x]
With a PostgreSQL URL, scratch databases are created beside it (and dropped); without one,
a throw-away SQLite file is used (one process only: SQLite has no SKIP LOCKED). Prints the
wall time of each sweep, the items per second, and the time of a second run (nothing to do).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def sweep_processes(url: str, tmp: Path, n: int) -> tuple[float, list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVFLOW_")}
    env.update({"GOVFLOW_ENV": "test", "DATABASE_URL": url, "MAIL_SERVER": "",
                "GOVFLOW_INSTANCE_PATH": str(tmp / "instance"), "PYTHONPATH": str(ROOT)})
    started = time.monotonic()
    procs = [subprocess.Popen([sys.executable, "-m", "govflow.cli", "sweep", "--no-send"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(n)]
    outs = [p.communicate(timeout=1800) for p in procs]
    elapsed = time.monotonic() - started
    for p, (_out, err) in zip(procs, outs, strict=True):
        if p.returncode:
            raise SystemExit(err[-3000:])
    return elapsed, [out.strip().splitlines()[-1] for out, _err in outs]


def escalated(summary: str) -> int:
    match = re.search(r"blockers escalated (\d+)", summary)
    return int(match.group(1)) if match else 0


def run(base_url: str | None, items: int, processes: int) -> None:
    import tempfile

    from govflow.clock import utcnow
    from tests.support.bulk import insert_overdue_blockers
    from tests.support.served import ScratchDatabase

    scratch = ScratchDatabase(base_url)
    try:
        scratch.migrate_and_seed()
        insert_overdue_blockers(scratch.url, items, utcnow())
        tmp = Path(tempfile.mkdtemp(prefix="govflow-bench-"))
        elapsed, summaries = sweep_processes(scratch.url, tmp, processes)
        done = [escalated(s) for s in summaries]
        again, second = sweep_processes(scratch.url, tmp, 1)
        kind = "PostgreSQL" if scratch.is_postgres else "SQLite"
        print(f"{kind}, {processes} process(es), {items} overdue blockers: {elapsed:.1f}s "
              f"({sum(done) / elapsed:.0f} escalations/s, split {done}); "
              f"second run {again:.1f}s: {second[0]}")
    finally:
        scratch.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    url = args.database_url or None
    run(url, args.items, 1)
    if url and url.startswith("postgres"):
        run(url, args.items, 2)


if __name__ == "__main__":
    main()
