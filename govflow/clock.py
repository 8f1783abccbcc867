"""The one source of 'now' (naive UTC), so the sweep and tests can run as at another moment."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

_fixed: datetime | None = None


def utcnow() -> datetime:
    if _fixed is not None:
        return _fixed
    return datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def fixed_at(moment: datetime) -> Iterator[datetime]:
    """Everything that asks for 'now' gets `moment` (naive UTC) until the block ends: for
    tests and previews of deadlines across weekends and bank holidays."""
    global _fixed
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    previous, _fixed = _fixed, moment
    try:
        yield moment
    finally:
        _fixed = previous
