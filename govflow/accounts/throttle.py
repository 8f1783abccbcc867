"""Sign-in throttling shared by every app process: the database by default, Redis if set.

An attempt is counted *before* the password is checked, in one atomic step that checks the
count and records the attempt (a lock per key on PostgreSQL, the write lock on SQLite, a
script in Redis). Checking first and recording after the password failed let concurrent
attempts all see a count under the limit: with N allowed, a burst got many more than N
guesses. A successful sign-in takes its own attempt back and clears the account's count.

Each attempt is a unit of work of its own (committed here, not at the request's end): it must
count whatever the request then does, and the lock that makes it exact ends with it."""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select, text

from govflow import transaction
from govflow.clock import utcnow
from govflow.extensions import db

# The login_attempts.key column's width; a longer key (an absurd email address or
# forwarded-for value) is stored as its digest, so it is still counted.
MAX_KEY_LENGTH = 400


def bounded_key(key: str) -> str:
    if len(key) <= MAX_KEY_LENGTH:
        return key
    prefix = key.split(":", 1)[0]
    return f"{prefix}:sha256:{hashlib.sha256(key.encode('utf-8', 'replace')).hexdigest()}"


class Throttle:
    """Counts attempts per key (an account or an address) within a sliding window."""

    def __init__(self, max_attempts: int, window_seconds: int):
        self.max_attempts = max_attempts
        self.window = window_seconds

    def attempt(self, keys: list[str]):
        """Record an attempt against every key, unless one of them has had max_attempts
        within the window: then record nothing and return None. Otherwise return a
        receipt for `succeeded`. Atomic across every app process."""
        raise NotImplementedError  # pragma: no cover - interface

    def succeeded(self, keys: list[str], receipt) -> None:
        """The password was right: take this attempt back and clear the account's count
        (keys[0]); the address keeps its other attempts."""
        raise NotImplementedError  # pragma: no cover - interface

    def count(self, key: str) -> int:  # pragma: no cover - interface
        raise NotImplementedError


class DatabaseThrottle(Throttle):
    def count(self, key: str) -> int:
        from govflow.accounts.models import LoginAttempt

        since = utcnow() - timedelta(seconds=self.window)
        return db.session.scalar(
            select(func.count()).where(LoginAttempt.key == bounded_key(key),
                                       LoginAttempt.at >= since)
        )

    def attempt(self, keys: list[str]):
        from govflow.accounts.models import LoginAttempt
        from govflow.db import is_postgres, writing

        keys = [bounded_key(k) for k in keys]
        with writing():  # SQLite: BEGIN IMMEDIATE, so count-then-insert is one writer's turn
            if db.session().in_transaction():
                transaction.commit()
            if is_postgres(db.session):
                # Attempts on the same account or address queue here for a moment; the lock
                # ends with this transaction. Sorted, so two keys never deadlock.
                for key in sorted(set(keys)):
                    db.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
                                       {"k": "govflow.signin:" + key})
            now = utcnow()
            if any(self.count(k) >= self.max_attempts for k in keys):
                transaction.commit()
                return None
            # Old rows are pruned as we go, so the table never grows beyond a few windows.
            db.session.execute(delete(LoginAttempt).where(
                LoginAttempt.at < now - timedelta(seconds=self.window * 10)))
            rows = [LoginAttempt(key=k, at=now) for k in keys]
            db.session.add_all(rows)
            db.session.flush()
            receipt = [row.id for row in rows]
            transaction.commit()
        return receipt

    def succeeded(self, keys: list[str], receipt) -> None:
        from govflow.accounts.models import LoginAttempt

        db.session.execute(delete(LoginAttempt).where(LoginAttempt.id.in_(receipt or [])))
        db.session.execute(delete(LoginAttempt).where(LoginAttempt.key == bounded_key(keys[0])))
        transaction.commit()


# Check every key, then record on every key, in one step: Redis runs a script atomically.
_ATTEMPT = """
local now, window, max = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
for _, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, 0, now - window)
  if redis.call('ZCARD', key) >= max then return 0 end
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('EXPIRE', key, window * 2)
end
return 1
"""


class RedisThrottle(Throttle):
    def __init__(self, client, max_attempts: int, window_seconds: int, prefix: str = "govflow"):
        super().__init__(max_attempts, window_seconds)
        self.client = client
        self.prefix = prefix

    def _name(self, key: str) -> str:
        return f"{self.prefix}:signin:{bounded_key(key)}"

    def count(self, key: str) -> int:
        name = self._name(key)
        self.client.zremrangebyscore(name, 0, time.time() - self.window)
        return int(self.client.zcard(name))

    def attempt(self, keys: list[str]):
        member = f"{time.time()}:{secrets.token_hex(8)}"
        allowed = self.client.eval(_ATTEMPT, len(keys), *[self._name(k) for k in keys],
                                   time.time(), self.window, self.max_attempts, member)
        return member if int(allowed) else None

    def succeeded(self, keys: list[str], receipt) -> None:
        pipe = self.client.pipeline()
        for key in keys[1:]:
            pipe.zrem(self._name(key), receipt)
        pipe.delete(self._name(keys[0]))
        pipe.execute()


def get_throttle() -> Throttle:
    cfg = current_app.config
    if cfg.get("REDIS_URL"):
        client = current_app.extensions.get("govflow_redis")
        if client is None:
            import redis

            client = redis.Redis.from_url(cfg["REDIS_URL"])
            current_app.extensions["govflow_redis"] = client
        return RedisThrottle(client, cfg["LOGIN_MAX_ATTEMPTS"], cfg["LOGIN_WINDOW_SECONDS"],
                             cfg.get("REDIS_KEY_PREFIX", "govflow"))
    return DatabaseThrottle(cfg["LOGIN_MAX_ATTEMPTS"], cfg["LOGIN_WINDOW_SECONDS"])
