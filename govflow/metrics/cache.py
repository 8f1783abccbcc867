"""The dashboard's rendered figures, kept for a short while.

Computing the figures reads the partnership's whole history (a second or two at a million
events), and every visitor with the same filters sees the same figures, so the rendered
figures are kept and shared, keyed by:

- the filters,
- the London date (the default period and "overdue" move with it),
- the data's version: the newest event, decision, sponsor-action change and added area.
  Any transition, decision or sponsor action changes it, so figures do not lag behind a
  change to them (on PostgreSQL ids are taken at insert, not commit: a change committed
  just after a later-numbered one shows when the kept figures expire);

and for at most GOVFLOW_DASHBOARD_CACHE_SECONDS (default 60): figures that change with the
clock alone (an item becoming overdue) are at most that old. The page says when its
figures were worked out. 0 turns the cache off (the tests' default).

With REDIS_URL set, every app process (on every host) shares one store in Redis; otherwise
the processes on this machine share files in the instance folder (`<instance>/figures/`).
Only text is stored. While one process works figures out, the others asking for the same
ones wait for it (up to LOCK_WAIT seconds) rather than all computing them at once. A store
that fails is bypassed: the figures are computed as if nothing were kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import time
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from govflow.extensions import db

log = logging.getLogger(__name__)

# Bump when the rendered figures change shape, so a deploy never serves the old ones.
FORMAT = "figures-1"
FILE_ENTRIES = 64
# How long a process waits for another that is working out the same figures.
LOCK_WAIT = 30


def data_version() -> str:
    """The newest event, decision, sponsor-action change and added area (one statement,
    four primary-key lookups)."""
    from govflow.decisions.models import Decision
    from govflow.items.models import Event, ItemArea
    from govflow.sponsors.models import SponsorActionEvent

    row = db.session.execute(select(
        select(func.max(Event.id)).scalar_subquery(),
        select(func.max(Decision.id)).scalar_subquery(),
        select(func.max(SponsorActionEvent.id)).scalar_subquery(),
        select(func.max(ItemArea.id)).scalar_subquery(),
    )).one()
    return ".".join(str(v or 0) for v in row)


def key_for(filters_args: dict, today, version: str) -> str:
    raw = json.dumps([FORMAT, filters_args, today.isoformat(), version], sort_keys=True)
    return "govflow:dashboard:" + hashlib.sha256(raw.encode()).hexdigest()


class FileStore:
    """Files in one folder, shared by the processes on this machine: each entry is written
    to a temporary file and renamed into place, so a reader sees all of it or none; its
    expiry is the first line."""

    def __init__(self, folder: str | Path, entries: int = FILE_ENTRIES, clock=time.time):
        self.folder = Path(folder)
        self.entries = entries
        self.clock = clock

    def _path(self, key: str) -> Path:
        return self.folder / (hashlib.sha256(key.encode()).hexdigest() + ".figures")

    def get(self, key: str) -> str | None:
        try:
            text = self._path(key).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        expires, _, value = text.partition("\n")
        return value if float(expires) > self.clock() else None

    def set(self, key: str, value: str, seconds: int) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._prune()
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(f"{self.clock() + seconds}\n{value}")
        os.replace(tmp, self._path(key))

    def _prune(self) -> None:
        """Remove expired entries, and the oldest beyond `entries`."""
        now = self.clock()
        kept = []
        for path in self.folder.glob("*.figures"):
            try:
                with path.open(encoding="utf-8") as f:
                    expires = float(f.readline())
            except (OSError, ValueError):
                continue
            if expires <= now:
                path.unlink(missing_ok=True)
                path.with_suffix(".lock").unlink(missing_ok=True)
            else:
                kept.append((expires, path))
        for _expires, path in sorted(kept)[: max(0, len(kept) - self.entries + 1)]:
            path.unlink(missing_ok=True)

    @contextlib.contextmanager
    def working_on(self, key: str):
        import fcntl

        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self._path(key).with_suffix(".lock"), "w") as lock:
            deadline = time.monotonic() + LOCK_WAIT
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


class RedisStore:
    def __init__(self, client):
        self.client = client

    def get(self, key: str) -> str | None:
        value = self.client.get(key)
        return value.decode() if value is not None else None

    def set(self, key: str, value: str, seconds: int) -> None:
        self.client.setex(key, seconds, value)

    @contextlib.contextmanager
    def working_on(self, key: str):
        lock = self.client.lock(key + ":lock", timeout=LOCK_WAIT * 2,
                                blocking_timeout=LOCK_WAIT)
        held = lock.acquire()
        try:
            yield
        finally:
            if held:
                with contextlib.suppress(Exception):
                    lock.release()


def _store():
    app = current_app
    store = app.extensions.get("govflow_figure_store")
    if store is None:
        if app.config.get("REDIS_URL"):
            client = app.extensions.get("govflow_redis")
            if client is None:
                import redis

                client = redis.Redis.from_url(app.config["REDIS_URL"])
                app.extensions["govflow_redis"] = client
            store = RedisStore(client)
        else:
            store = FileStore(Path(app.instance_path) / "figures")
        app.extensions["govflow_figure_store"] = store
    return store


def seconds() -> int:
    return int(current_app.config.get("DASHBOARD_CACHE_SECONDS", 0))


def fetch(key: str) -> dict | None:
    """The kept figures under this key, or None (none kept, expired, or the store failed)."""
    if seconds() <= 0:
        return None
    try:
        value = _store().get(key)
    except Exception:  # a store that is down must not take the dashboard with it
        log.warning("dashboard figure store unavailable; computing the figures", exc_info=True)
        return None
    return json.loads(value) if value else None


@contextlib.contextmanager
def working_on(key: str):
    """Hold this key while working its figures out: another process asking for them waits,
    then finds them kept. A store that fails does not stop the work."""
    try:
        guard = _store().working_on(key)
        guard.__enter__()
    except Exception:
        log.warning("dashboard figure store unavailable; not waiting for others", exc_info=True)
        yield
        return
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            guard.__exit__(None, None, None)


def keep(key: str, entry: dict) -> None:
    ttl = seconds()
    if ttl <= 0:
        return
    try:
        _store().set(key, json.dumps(entry), ttl)
    except Exception:
        log.warning("dashboard figure store unavailable; figures not kept", exc_info=True)
