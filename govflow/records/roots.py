"""Daily roots: every chain's head at the end of a day (London), folded into one SHA-256.

A root is worked out from the entries themselves (each chain's last entry chained before the
day ended), so it can be worked out again at any later time: an export that printed it, or
a secretary's email that carried it, is then a witness outside the database. Rewriting the
whole database, hashes and all, still changes the root of every day it reaches back to.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from govflow import workdays
from govflow.extensions import db
from govflow.records.chain import CHAINED

ROOT_FORMAT = "govflow record root v1"


@dataclass(frozen=True)
class Root:
    day: date
    root_hash: str
    entries: int
    chains: int

    def line(self) -> str:
        """How exports print it: what a person can copy and compare."""
        return (f"Record root on {workdays.format_date(self.day)}: {self.root_hash}, "
                f"{self.entries:,} entries")


def day_ends(day: date) -> datetime:
    """The first moment (naive UTC) after `day` in London."""
    return workdays._london_to_naive_utc(day + timedelta(days=1), time(0, 0))


def compute_root(day: date) -> Root:
    """The root of the record as it stood at the end of `day`, from the entries."""
    cutoff = day_ends(day)
    heads: dict[tuple[str, int], tuple[int, str]] = {}
    connection = db.session.connection()
    for name, (kind, key) in CHAINED.items():
        table = db.metadata.tables[name]
        subject = table.c[key]
        ranked = (select(subject.label("subject"), table.c.chain_seq, table.c.chain_hash,
                         func.row_number().over(partition_by=subject,
                                                order_by=table.c.chain_seq.desc()).label("rn"))
                  .where(table.c.chain_hash.is_not(None), table.c.chained_at < cutoff)
                  .subquery())
        rows = connection.execute(select(ranked.c.subject, ranked.c.chain_seq,
                                         ranked.c.chain_hash).where(ranked.c.rn == 1))
        for subject_id, seq, digest in rows:
            known = heads.get((kind, subject_id))
            if known is None or seq > known[0]:
                heads[(kind, subject_id)] = (seq, digest)
    digest = hashlib.sha256(f"{ROOT_FORMAT}\n{day.isoformat()}\n".encode())
    for (kind, subject_id), (seq, head) in sorted(heads.items()):
        digest.update(f"{kind} {subject_id} {seq} {head}\n".encode())
    return Root(day, digest.hexdigest(), sum(seq for seq, _ in heads.values()), len(heads))


def latest_root(on_or_before: date | None = None) -> Root | None:
    from govflow.records.models import RecordRoot

    query = select(RecordRoot).order_by(RecordRoot.day.desc()).limit(1)
    if on_or_before is not None:
        query = query.where(RecordRoot.day <= on_or_before)
    row = db.session.scalar(query)
    return None if row is None else Root(row.day, row.root_hash, row.entries, row.chains)


def stored_root(day: date) -> Root | None:
    from govflow.records.models import RecordRoot

    row = db.session.scalar(select(RecordRoot).where(RecordRoot.day == day))
    return None if row is None else Root(row.day, row.root_hash, row.entries, row.chains)


def root_line() -> str:
    """The line every decision-log and minutes export prints."""
    root = latest_root()
    if root is None:
        return ("No record root has been taken yet: the sweep takes the first after the first "
                "complete day.")
    return root.line()


def days_to_root(now: datetime) -> list[date]:
    """Complete days without a root: from the day after the last root (or yesterday, the
    first time) up to yesterday, London time."""
    from govflow.records.models import RecordRoot

    yesterday = workdays.london_date(now) - timedelta(days=1)
    last = db.session.scalar(select(func.max(RecordRoot.day)))
    first = yesterday if last is None else last + timedelta(days=1)
    return [first + timedelta(days=n) for n in range((yesterday - first).days + 1)]
