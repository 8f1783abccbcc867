"""Fault tests run govflow under gunicorn against a database of their own, so they can take
the database away or kill workers without touching the rest of the suite."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from tests.support import clock
from tests.support.served import ROOT, ScratchDatabase, ServedGovflow


@pytest.fixture
def serve():
    """serve(**gunicorn options) -> (database, server); both cleaned up after the test."""
    made = []

    def start(**kwargs):
        database = ScratchDatabase(os.environ.get("GOVFLOW_TEST_DATABASE_URL"))
        made.append((database, None))
        database.migrate_and_seed()
        server = ServedGovflow(database, **kwargs)
        made[-1] = (database, server)
        server.start()
        return database, server

    yield start
    for database, server in made:
        if server is not None:
            server.stop()
        database.drop()


GOVFLOW = [sys.executable, "-c", "from govflow.cli import main; main()"]


def _environment(database_url: str, **extra: str) -> dict:
    """A command's environment against `database_url`, at the suite's fixed moment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVFLOW_")}
    env.update({"DATABASE_URL": database_url, "GOVFLOW_ENV": "development",
                "PYTHONPATH": clock.pythonpath(), **extra})
    return env


def govflow_command(database_url: str, *args: str) -> subprocess.CompletedProcess:
    """Run the `govflow` command line against a database, as cron or an operator would."""
    return subprocess.run(
        [*GOVFLOW, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        env=_environment(database_url, GOVFLOW_INSTANCE_PATH=str(ROOT / "instance")),
    )


def burst_with_sweeps(database_url: str, send, forms: list[tuple], timeout: float,
                      sweep_timeout: float) -> list[int]:
    """send(*form) for every form, each in a thread of its own, released at the same moment
    as two `govflow sweep --no-send` processes (as cron on two hosts might run it); send
    returns the statuses it got. Returns them all, once the threads and sweeps are done
    (every sweep must have succeeded: their output shows if not)."""
    statuses: list[int] = []
    lock = threading.Lock()
    go = threading.Barrier(len(forms) + 1)

    def run(*form):
        go.wait()
        got = send(*form)
        with lock:
            statuses.extend(got)

    threads = [threading.Thread(target=run, args=f) for f in forms]
    for t in threads:
        t.start()
    env = _environment(database_url, MAIL_SERVER="")
    sweeps = [subprocess.Popen([*GOVFLOW, "sweep", "--no-send"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
              for _ in range(2)]
    go.wait()
    for t in threads:
        t.join(timeout=timeout)
    outputs = [s.communicate(timeout=sweep_timeout)[0] for s in sweeps]
    assert all(s.returncode == 0 for s in sweeps), outputs
    return statuses
