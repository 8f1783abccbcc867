"""The one source of 'now' (naive UTC), so the sweep and tests can run as at another moment."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
