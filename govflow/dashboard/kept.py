"""The dashboard's rendered figures (and its outcome indicators), kept for a short while in the app's Flask-Caching store.

Computing the figures reads the partnership's whole history (a second or two at a million
events), and every visitor with the same filters sees the same figures, so the rendered
figures are kept and shared, keyed by:

- the filters,
- the London date (the default period and "overdue" move with it),
- the data's version: the newest event, decision, sponsor-action change and added area,
  and when an outcome figure was last entered. Any transition, decision, sponsor action or
  figure changes it, so figures do not lag behind a change to them (on PostgreSQL ids are taken at insert, not commit: a change committed
  just after a later-numbered one shows when the kept figures expire);

and for at most GOVFLOW_DASHBOARD_CACHE_SECONDS (default 60): figures that change with the
clock alone (an item becoming overdue) are at most that old. The page says when its
figures were worked out. 0 turns keeping off (the tests' default).

The store is Flask-Caching's (govflow.configure_cache): Redis when REDIS_URL is set, so
every app process on every host shares it; otherwise files in `<instance>/cache`, shared by
the processes on this machine. While one process works figures out, the others asking for
the same ones wait for it (up to LOCK_WAIT seconds) rather than all computing them at once:
a Redis lock, or a file lock beside the cache folder. A store that fails is bypassed: the
figures are computed as if nothing were kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import time
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from govflow.extensions import cache, db

log = logging.getLogger(__name__)

# Bump when the rendered figures change shape, so a deploy never serves the old ones.
FORMAT = "figures-3"
# How long a process waits for another that is working out the same figures.
LOCK_WAIT = 30


def data_version() -> str:
    """The newest event, decision, sponsor-action change and added area (four primary-key
    lookups), and the last outcome figure entered (a small table), in one statement."""
    from govflow.decisions.models import Decision
    from govflow.items.models import Event, ItemArea
    from govflow.outcomes.models import IndicatorFigure
    from govflow.sponsors.models import SponsorActionEvent

    row = db.session.execute(select(
        select(func.max(Event.id)).scalar_subquery(),
        select(func.max(Decision.id)).scalar_subquery(),
        select(func.max(SponsorActionEvent.id)).scalar_subquery(),
        select(func.max(ItemArea.id)).scalar_subquery(),
        select(func.max(IndicatorFigure.entered_at)).scalar_subquery(),
    )).one()
    return ".".join(str(v or 0) for v in row)


def key_for(filters_args: dict, today, version: str) -> str:
    raw = json.dumps([FORMAT, filters_args, today.isoformat(), version], sort_keys=True)
    return "dashboard:" + hashlib.sha256(raw.encode()).hexdigest()


def seconds() -> int:
    return int(current_app.config.get("DASHBOARD_CACHE_SECONDS", 0))


def fetch(key: str) -> dict | None:
    """The kept figures under this key, or None (none kept, expired, or the store failed)."""
    if seconds() <= 0:
        return None
    try:
        return cache.get(key)
    except Exception:  # a store that is down must not take the dashboard with it
        log.warning("dashboard figure store unavailable; computing the figures", exc_info=True)
        return None


def keep(key: str, entry: dict) -> None:
    ttl = seconds()
    if ttl <= 0:
        return
    try:
        cache.set(key, entry, timeout=ttl)
    except Exception:
        log.warning("dashboard figure store unavailable; figures not kept", exc_info=True)


@contextlib.contextmanager
def working_on(key: str):
    """Hold this key while working its figures out: another process asking for them waits,
    then finds them kept. A lock that fails does not stop the work."""
    try:
        guard = _lock(key)
        guard.__enter__()
    except Exception:
        log.warning("dashboard figure lock unavailable; not waiting for others", exc_info=True)
        yield
        return
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            guard.__exit__(None, None, None)


def _lock(key: str):
    config = current_app.config
    if config.get("CACHE_TYPE") == "RedisCache":
        return _redis_lock(_lock_client(), config.get("CACHE_KEY_PREFIX", "") + key + ":lock")
    folder = Path(config["CACHE_DIR"])
    return file_lock(folder.with_name(folder.name + "-locks") / (key.replace(":", "-") + ".lock"))


def _lock_client():
    """A Redis connection for the locks, to the cache's own server, made once per app."""
    app = current_app
    client = app.extensions.get("govflow_figure_lock_redis")
    if client is None:
        import redis

        client = redis.Redis.from_url(app.config["CACHE_REDIS_URL"])
        app.extensions["govflow_figure_lock_redis"] = client
    return client


@contextlib.contextmanager
def _redis_lock(client, name: str):
    lock = client.lock(name, timeout=LOCK_WAIT * 2, blocking_timeout=LOCK_WAIT)
    held = lock.acquire()
    try:
        yield
    finally:
        if held:
            with contextlib.suppress(Exception):
                lock.release()


@contextlib.contextmanager
def file_lock(path: Path, wait: float = LOCK_WAIT):
    """An exclusive lock on `path` between the processes on this machine, waited for at most
    `wait` seconds (then the work goes ahead anyway)."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as lock:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    break  # work them out anyway
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
