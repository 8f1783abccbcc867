"""Sign-in throttling shared by every app process: the database by default, Redis if set."""

from __future__ import annotations

import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from govflow.clock import utcnow
from govflow.extensions import db


class Throttle:
    """Counts failures per key (an account or an address) within a sliding window."""

    def __init__(self, max_attempts: int, window_seconds: int):
        self.max_attempts = max_attempts
        self.window = window_seconds

    def blocked(self, keys: list[str]) -> bool:
        return any(self.count(k) >= self.max_attempts for k in keys)

    def count(self, key: str) -> int:  # pragma: no cover - interface
        raise NotImplementedError

    def record_failure(self, keys: list[str]) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def clear(self, key: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class DatabaseThrottle(Throttle):
    def count(self, key: str) -> int:
        since = utcnow() - timedelta(seconds=self.window)
        from govflow.accounts.models import LoginAttempt

        return db.session.scalar(
            select(func.count()).where(LoginAttempt.key == key, LoginAttempt.at >= since)
        )

    def record_failure(self, keys: list[str]) -> None:
        from govflow.accounts.models import LoginAttempt

        now = utcnow()
        # Old rows are pruned as we go, so the table never grows beyond one window.
        db.session.execute(
            delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(seconds=self.window * 10))
        )
        db.session.add_all(LoginAttempt(key=k, at=now) for k in keys)
        db.session.flush()

    def clear(self, key: str) -> None:
        from govflow.accounts.models import LoginAttempt

        db.session.execute(delete(LoginAttempt).where(LoginAttempt.key == key))
        db.session.flush()


class RedisThrottle(Throttle):
    def __init__(self, client, max_attempts: int, window_seconds: int):
        super().__init__(max_attempts, window_seconds)
        self.client = client

    def _name(self, key: str) -> str:
        return f"govflow:signin:{key}"

    def count(self, key: str) -> int:
        name = self._name(key)
        self.client.zremrangebyscore(name, 0, time.time() - self.window)
        return int(self.client.zcard(name))

    def record_failure(self, keys: list[str]) -> None:
        now = time.time()
        pipe = self.client.pipeline()
        for key in keys:
            name = self._name(key)
            pipe.zadd(name, {f"{now}:{id(pipe)}": now})
            pipe.expire(name, self.window * 2)
        pipe.execute()

    def clear(self, key: str) -> None:
        self.client.delete(self._name(key))


def get_throttle() -> Throttle:
    cfg = current_app.config
    if cfg.get("REDIS_URL"):
        client = current_app.extensions.get("govflow_redis")
        if client is None:
            import redis

            client = redis.Redis.from_url(cfg["REDIS_URL"])
            current_app.extensions["govflow_redis"] = client
        return RedisThrottle(client, cfg["LOGIN_MAX_ATTEMPTS"], cfg["LOGIN_WINDOW_SECONDS"])
    return DatabaseThrottle(cfg["LOGIN_MAX_ATTEMPTS"], cfg["LOGIN_WINDOW_SECONDS"])
