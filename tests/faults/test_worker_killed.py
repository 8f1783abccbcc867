"""SIGKILL a gunicorn worker while people are moving blockers up and down the tiers: every
transition is all or nothing, so `govflow check` afterwards finds nothing to reconcile."""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import threading
import time

import pytest
from sqlalchemy import create_engine, text

from tests.faults.conftest import govflow_command
from tests.support.http import Client

KILLS = 4
REASONS = {
    "escalate": {"reason": "Needs a decision across services that we cannot make locally."},
    "refer_down": {"support_given": "Permission given to go ahead locally, confirmed in writing."},
}

pytestmark = pytest.mark.slow


def _bronze_blockers(url: str, n: int) -> list[int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        ids = conn.execute(text("SELECT id FROM items WHERE kind = 'blocker' AND state = 'bronze' "
                                "ORDER BY id LIMIT :n"), {"n": n}).scalars().all()
    engine.dispose()
    return list(ids)


def _event_count(url: str, ids: list[int]) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM events WHERE item_id IN ("
                                  + ",".join(str(i) for i in ids) + ")")).scalar()
    engine.dispose()
    return count


def test_killing_workers_mid_transition_leaves_everything_consistent(serve):
    from govflow.seeding import demo_sign_ins

    database, server = serve(workers=3, threads=1)
    admin = next(e for r, e, _ in demo_sign_ins() if r == "admin")
    items = _bronze_blockers(database.url, 6)
    assert len(items) >= 3
    events_before = _event_count(database.url, items)
    stop = threading.Event()
    tally = {"done": 0, "cut": 0, "statuses": []}
    lock = threading.Lock()

    # Signed in and warmed up before the first kill, so what is measured is the kill.
    clients = [Client(server.base_url, timeout=15).sign_in(admin) for _ in range(3)]

    def mover(client, my_items):
        next_trigger = dict.fromkeys(my_items, "escalate")
        while not stop.is_set():
            for item_id in my_items:
                trigger = next_trigger[item_id]
                path = f"/items/{item_id}/actions/{trigger}"
                try:
                    page, hidden = client.form(path)
                    if page.status != 200:  # a cut request did go through: flip and go on
                        if page.status == 409:
                            next_trigger[item_id] = _flip(trigger)
                        continue
                    reply = client.post(path, {**hidden, **REASONS[trigger]})
                except (ConnectionError, http.client.HTTPException, OSError):
                    with lock:
                        tally["cut"] += 1
                    continue
                with lock:
                    tally["statuses"].append(reply.status)
                    if reply.status == 302:
                        tally["done"] += 1
                if reply.status == 302:
                    next_trigger[item_id] = _flip(trigger)

    def wait_for(done: int, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while tally["done"] < done and time.monotonic() < deadline:
            time.sleep(0.05)

    threads = [threading.Thread(target=mover, args=(clients[i], items[i::3])) for i in range(3)]
    for t in threads:
        t.start()
    try:
        wait_for(5, 20)
        rng = random.Random(8)
        for _ in range(KILLS):
            pids = server.worker_pids()
            if pids:
                os.kill(rng.choice(pids), signal.SIGKILL)
            time.sleep(0.3 + rng.random() * 0.5)
        wait_for(tally["done"] + 3, 20)  # and it carries on afterwards
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)

    statuses = tally["statuses"]
    assert tally["done"] >= 10, f"too few transitions got through to prove anything: {tally}"
    assert all(s < 500 for s in statuses), f"server errors: {sorted(set(statuses))}"

    # Every answered success wrote exactly one event; a request cut by the kill wrote one
    # or none, never half of one.
    added = _event_count(database.url, items) - events_before
    assert tally["done"] <= added <= tally["done"] + tally["cut"], (added, tally)

    result = govflow_command(database.url, "check", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    checks = {c["check"]: c for c in json.loads(result.stdout)}
    assert checks["state_matches_last_event"]["problems"] == 0
    assert checks["events_follow_on"]["checked"] >= events_before + added


def _flip(trigger: str) -> str:
    return "refer_down" if trigger == "escalate" else "escalate"
