"""The dashboard's rendered figures, kept for a short while.

Computing the figures reads the partnership's whole history (a second or two at a million
events), and every visitor with the same filters sees the same figures, so the rendered
figures are kept and shared, keyed by:

- the filters,
- the London date (the default period and "overdue" move with it),
- the data's version: the newest event, decision, sponsor-action change and added area.
  Any transition, decision or sponsor action changes it, so figures never lag behind a
  change to them;

and for at most GOVFLOW_DASHBOARD_CACHE_SECONDS (default 60): figures that change with the
clock alone (an item becoming overdue) are at most that old. The page says when its
figures were worked out. 0 turns the cache off (the tests' default).

With REDIS_URL set, every app process shares one store in Redis (only text is stored);
otherwise each process keeps its own few entries. A store that fails is bypassed: the
figures are computed as if nothing were kept.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time

from flask import current_app
from sqlalchemy import func, select

from govflow.extensions import db

log = logging.getLogger(__name__)

# Bump when the rendered figures change shape, so a deploy never serves the old ones.
FORMAT = "figures-1"
MEMORY_ENTRIES = 32


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


class MemoryStore:
    """A few entries per process, each with its expiry time."""

    def __init__(self, entries: int = MEMORY_ENTRIES, clock=time.monotonic):
        self.entries = entries
        self.clock = clock
        self._data: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            hit = self._data.get(key)
            if hit is None:
                return None
            if hit[0] <= self.clock():
                del self._data[key]
                return None
            return hit[1]

    def set(self, key: str, value: str, seconds: int) -> None:
        now = self.clock()
        with self._lock:
            for k in [k for k, (expires, _) in self._data.items() if expires <= now]:
                del self._data[k]
            while len(self._data) >= self.entries:
                oldest = min(self._data, key=lambda k: self._data[k][0])
                del self._data[oldest]
            self._data[key] = (now + seconds, value)


class RedisStore:
    def __init__(self, client):
        self.client = client

    def get(self, key: str) -> str | None:
        value = self.client.get(key)
        return value.decode() if value is not None else None

    def set(self, key: str, value: str, seconds: int) -> None:
        self.client.setex(key, seconds, value)


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
            store = MemoryStore()
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


def keep(key: str, entry: dict) -> None:
    ttl = seconds()
    if ttl <= 0:
        return
    try:
        _store().set(key, json.dumps(entry), ttl)
    except Exception:
        log.warning("dashboard figure store unavailable; figures not kept", exc_info=True)
