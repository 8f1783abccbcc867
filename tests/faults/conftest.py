"""Fault tests run govflow under gunicorn against a database of their own, so they can take
the database away or kill workers without touching the rest of the suite."""

from __future__ import annotations

import os
import subprocess
import sys

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


def govflow_command(database_url: str, *args: str) -> subprocess.CompletedProcess:
    """Run the `govflow` command line against a database, as cron or an operator would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVFLOW_")}
    env.update({"DATABASE_URL": database_url, "GOVFLOW_ENV": "development",
                "PYTHONPATH": clock.pythonpath(), "GOVFLOW_INSTANCE_PATH": str(ROOT / "instance")})
    return subprocess.run(
        [sys.executable, "-c", "from govflow.cli import main; main()", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
