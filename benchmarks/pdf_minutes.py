"""Benchmark: minutes (40 agenda items, 60 decisions) and a decision log (1,000 decisions)
rendered to PDF, beside WeasyPrint rendering a plain table with the same number of rows.

Run on demand (not part of the test suite):

    /work/venv/bin/python benchmarks/pdf_minutes.py [--repeat 3]

It builds a throwaway SQLite database from the migrations and the demo partnership, adds the
meeting and the decisions, then prints, for each document: the best wall time over the
repeats, peak Python memory (tracemalloc, measured in a separate run so it does not slow the
timed ones) and the growth of the process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

AGENDA_ITEMS = 40
MEETING_DECISIONS = 60
LOG_DECISIONS = 1000
LONG_TEXT = ("Practitioners in the area cannot share what they need to without a written view, "
             "and families wait while the question goes round the partnership. ")


def build(app):
    """A meeting with 40 agenda items and 60 decisions; 1,000 decisions in the decision log."""
    from sqlalchemy import select

    from govflow.accounts.models import LocalArea, User
    from govflow.clock import utcnow
    from govflow.decisions.models import Decision
    from govflow.extensions import db
    from govflow.forums.models import AgendaItem, Forum, Meeting, MeetingAttendance
    from govflow.items.models import Item

    central = db.session.scalar(select(Forum).where(Forum.slug == "central-forum"))
    area = db.session.scalar(select(LocalArea).where(LocalArea.slug == "denaby"))
    people = db.session.scalars(select(User).order_by(User.id)).all()
    chair = next(u for u in people if u.email == "katherine.ward@dcst.example")
    now = utcnow()
    items = []
    for n in range(max(AGENDA_ITEMS, 200)):
        item = Item(kind="blocker", title=f"Benchmark blocker {n}: rooms, data sharing and forms",
                    description=LONG_TEXT, area_id=area.id, raised_by_id=people[0].id,
                    state="gold", tier="gold", created_at=now, last_event_at=now, updated_at=now)
        db.session.add(item)
        items.append(item)
    db.session.flush()
    meeting = Meeting(forum_id=central.id, starts_at=now - timedelta(hours=2), ends_at=now,
                      place=central.place, chair_id=chair.id, status="held",
                      summary="A long meeting for the benchmark.")
    db.session.add(meeting)
    db.session.flush()
    for position, item in enumerate(items[:AGENDA_ITEMS], start=1):
        db.session.add(AgendaItem(meeting_id=meeting.id, position=position, kind="item",
                                  item_id=item.id, title=item.title, notes=LONG_TEXT * 2))
    for person in central.members:
        db.session.add(MeetingAttendance(meeting_id=meeting.id, user_id=person.id, status="present"))

    def decision(item, n, meeting_id=None, supersedes=None):
        declined = n % 3 == 0
        return Decision(
            item_id=item.id, tier="gold", outcome="declined" if declined else "unblocked",
            summary=f"Decision {n} on {item.title}", rationale=LONG_TEXT,
            reason_category="cost" if declined else None,
            why_not=LONG_TEXT if declined else "", what_would_make_yes=LONG_TEXT if declined else "",
            decided_by_id=chair.id, by_default=False, decided_at=now, recorded_at=now,
            meeting_id=meeting_id, supersedes_id=supersedes.id if supersedes else None,
        )

    for n in range(MEETING_DECISIONS):
        db.session.add(decision(items[n % AGENDA_ITEMS], n, meeting.id))
    earlier = []
    for n in range(LOG_DECISIONS - MEETING_DECISIONS):
        row = decision(items[n % len(items)], n)
        # Every twentieth entry corrects the one before, so the log strikes some through.
        if n % 20 == 19 and earlier:
            row.supersedes_id = earlier[-1].id
        db.session.add(row)
        db.session.flush()
        earlier.append(row)
    db.session.commit()
    return meeting, area


def plain_table(rows: int) -> bytes:
    from weasyprint import HTML

    body = "".join(f"<tr><td>{n}</td><td>{LONG_TEXT}</td><td>Someone</td></tr>" for n in range(rows))
    return HTML(string=f"<table>{body}</table>").write_pdf()


def measure(fn, repeat: int):
    best = float("inf")
    out = None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    return best, peak, rss_growth, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from govflow import create_app, migrate, seeding

    tmp = tempfile.mkdtemp(prefix="govflow-bench-")
    url = f"sqlite:///{tmp}/bench.sqlite"
    migrate.upgrade(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "GOVFLOW_ENV": "test", "TESTING": True,
                      "SECRET_KEY": "benchmark-" + "x" * 40, "MAIL_SERVER": "", "REDIS_URL": ""})
    with app.app_context():
        seeding.load_reference()
        seeding.load_demo()
        meeting, area = build(app)
        from govflow.forums import minutes

        scope = minutes.LogScope(area=area)
        log_rows = len(minutes.log_decisions(scope))
        minutes_rows = AGENDA_ITEMS + MEETING_DECISIONS
        cases = [
            (f"Draft minutes ({AGENDA_ITEMS} items, {MEETING_DECISIONS} decisions)",
             lambda: minutes.render_draft_minutes(meeting)),
            ("Archival minutes (PDF/A-3b, record embedded)",
             lambda: minutes.render_approved_minutes(meeting).pdf),
            (f"Plain table, {minutes_rows} rows", lambda: plain_table(minutes_rows)),
            (f"Decision log ({log_rows} decisions)", lambda: minutes.render_decision_log(scope)),
            (f"Plain table, {log_rows} rows", lambda: plain_table(log_rows)),
        ]
        print(f"{'Document':<52} {'time (s)':>9} {'pages':>6} {'KiB':>7} {'peak Python MiB':>16} {'max RSS +MiB':>13}")
        print("-" * 108)
        from io import BytesIO

        from pypdf import PdfReader

        for name, fn in cases:
            best, peak, rss, pdf = measure(fn, args.repeat)
            pages = len(PdfReader(BytesIO(pdf)).pages)
            print(f"{name:<52} {best:>9.2f} {pages:>6} {len(pdf) / 1024:>7.0f} "
                  f"{peak / 2**20:>16.1f} {rss / 1024:>13.1f}")


if __name__ == "__main__":
    main()
