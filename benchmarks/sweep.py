#!/usr/bin/env python3
"""Time and peak memory of `govflow sweep` over the big partnership (10,000 items overdue).

    python benchmarks/generate.py                  # once
    python benchmarks/sweep.py                     # instance/bench.sqlite
    python benchmarks/sweep.py --database postgresql://postgres@127.0.0.1/govflow_bench

The sweep runs as cron would run it, in its own process, against a COPY of the database
(the original stays as generated, so the run can be repeated). Peak memory is the process's
maximum resident set, beside the same figure for a process that only loads the app: the
difference is what the sweep itself holds, which must stay small because it works in batches.
`govflow check` runs on the copy afterwards.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from benchmarks.load import machine  # noqa: E402
from tests.support.served import normalise_url  # noqa: E402

OPEN_WITH_CLOCK = "('bronze','silver','gold','proposed','challenged')"


def copy_database(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        target = Path(parsed.database).with_name(Path(parsed.database).stem + "-sweep.sqlite")
        for suffix in ("", "-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        source = sqlite3.connect(parsed.database)
        dest = sqlite3.connect(target)
        source.backup(dest)
        dest.close()
        source.close()
        return str(parsed.set(database=str(target)).render_as_string(hide_password=False))
    name = f"{parsed.database}_sweep"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}"')
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def run_measured(args: list[str], database_url: str) -> tuple[float, float, str]:
    """(seconds, peak RSS in MiB, output) of a govflow command in a fresh process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVFLOW_")}
    env.update({"DATABASE_URL": database_url, "GOVFLOW_ENV": "development",
                "PYTHONPATH": str(ROOT), "MAIL_SERVER": ""})
    code = ("import resource, sys; from govflow.cli import main\n"
            "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\nelse:\n    code = 0\n"
            "print('PEAK_RSS_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
            "sys.exit(code)")
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=1800, check=False)
    seconds = time.perf_counter() - started
    output = result.stdout + result.stderr
    peak = next((int(line.split()[1]) for line in output.splitlines()
                 if line.startswith("PEAK_RSS_KB")), 0) / 1024
    if result.returncode != 0:
        raise SystemExit(f"govflow {' '.join(args)} failed:\n{output[-3000:]}")
    return seconds, peak, "\n".join(line for line in output.splitlines()
                                    if not line.startswith("PEAK_RSS_KB"))


def overdue(url: str) -> dict:
    from govflow.clock import utcnow

    engine = create_engine(url)
    with engine.connect() as conn:
        row = conn.execute(text(
            f"SELECT count(*) FILTER (WHERE due_at < :now AND state IN {OPEN_WITH_CLOCK}),"
            " (SELECT count(*) FROM events), (SELECT count(*) FROM notifications) FROM items"
        ), {"now": utcnow()}).one()
    engine.dispose()
    return {"overdue": row[0], "events": row[1], "notifications": row[2]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'instance' / 'bench.sqlite'}")
    args = parser.parse_args(argv)
    source = normalise_url(args.database)

    print("copying the database ...", flush=True)
    url = copy_database(source)
    before = overdue(url)
    _, baseline, _ = run_measured(["--help"], url)
    seconds, peak, output = run_measured(["sweep", "--no-send"], url)
    after = overdue(url)
    check_seconds, _, check_output = run_measured(["check"], url)

    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print()
    print(f"govflow sweep over {backend}; machine: {machine()}")
    print()
    print(f"{'':<34} {'value':>12}")
    rows = [
        ("items overdue before", f"{before['overdue']:,}"),
        ("items overdue after", f"{after['overdue']:,}"),
        ("events written", f"{after['events'] - before['events']:,}"),
        ("notifications written", f"{after['notifications'] - before['notifications']:,}"),
        ("sweep wall time (s)", f"{seconds:.1f}"),
        ("sweep peak RSS (MiB)", f"{peak:.0f}"),
        ("app loaded, idle: peak RSS (MiB)", f"{baseline:.0f}"),
        ("held by the sweep (MiB)", f"{peak - baseline:.0f}"),
        ("govflow check afterwards (s)", f"{check_seconds:.1f}"),
    ]
    for label, value in rows:
        print(f"{label:<34} {value:>12}")
    print()
    print("sweep said:\n  " + "\n  ".join(output.strip().splitlines()[-8:]))
    print("check said: " + check_output.strip().splitlines()[-1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
