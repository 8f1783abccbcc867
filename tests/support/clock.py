"""The suite's fixed clock: the test process, and every Python process it starts, run as at
one chosen moment (GOVFLOW_TEST_NOW) rather than at the real date and time.

The clock ticks from that moment (time-machine's `tick=True`), so timeouts and ordering by time
still work. Child processes (gunicorn for browser and fault tests, CLI subprocesses) travel to
the same instant through `clock_hook/sitecustomize.py`, which reads `GF_TEST_CLOCK` — named
without the GOVFLOW_ prefix because the tests hand children an environment with GOVFLOW_*
variables removed.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

import time_machine

ROOT = Path(__file__).resolve().parents[2]
HOOK_DIR = Path(__file__).resolve().parent / "clock_hook"
ENV = "GF_TEST_CLOCK"
# A Wednesday morning in term time: an ordinary working day, far from weekends and holidays.
DEFAULT_NOW = "2026-12-02T10:00:00+00:00"
# The moments .ci/run replays the date-sensitive tests at (GOVFLOW_TEST_NOW=…).
AWKWARD_MOMENTS = {
    "saturday": "2026-12-05T11:00:00+00:00",
    "bank-holiday": "2026-12-28T09:30:00+00:00",  # substitute day for Boxing Day
    "clocks-go-back": "2026-10-25T01:30:00+00:00",  # 01:30 GMT, the second 01:30 in London
    "clocks-go-forward": "2027-03-28T01:30:00+00:00",  # 02:30 BST, just after 01:00 became 02:00
    "new-years-eve": "2026-12-31T23:59:00+00:00",
}

_traveller: time_machine.travel | None = None


def destination() -> datetime:
    raw = os.environ.get("GOVFLOW_TEST_NOW") or DEFAULT_NOW
    raw = AWKWARD_MOMENTS.get(raw, raw)
    moment = datetime.fromisoformat(raw)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def start() -> datetime:
    """Fix this process's clock, and hand the same instant to every child process."""
    global _traveller
    moment = destination()
    real_start = time.time()
    _traveller = time_machine.travel(moment, tick=True)
    _traveller.start()
    os.environ[ENV] = f"{moment.timestamp()}|{real_start}"
    os.environ["PYTHONPATH"] = pythonpath(os.environ.get("PYTHONPATH", ""))
    return moment


def stop() -> None:
    global _traveller
    if _traveller is not None:
        _traveller.stop()
        _traveller = None


def pythonpath(existing: str = "") -> str:
    """A PYTHONPATH for a child process: the checkout, then the clock hook."""
    parts = [str(ROOT), str(HOOK_DIR)] + [p for p in existing.split(os.pathsep) if p]
    return os.pathsep.join(dict.fromkeys(parts))
