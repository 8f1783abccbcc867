"""Benchmark: area page, sponsor home and sponsor action list with a busy area.

Run on demand:  python benchmarks/bench_sponsor_pages.py [--items 3000] [--actions 600]
                [--database-url postgresql://postgres@127.0.0.1:5432/scratch_db]
Uses a throw-away SQLite file unless a (scratch!) database URL is given: it is emptied.
Prints the median time and the number of SQL statements per page.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--actions", type=int, default=600)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--profile", metavar="PATH", help="Profile one page and print the top")
    args = parser.parse_args()

    from sqlalchemy import create_engine, event, select

    from govflow import create_app, migrate
    from govflow.extensions import db

    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        engine.dispose()
    migrate.upgrade(url)
    app = create_app({"GOVFLOW_ENV": "test", "TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                      "SECRET_KEY": "bench-" + "x" * 40, "MAIL_SERVER": "", "REDIS_URL": "",
                      "WTF_CSRF_ENABLED": True})
    with app.app_context():
        from govflow import seeding
        from govflow.accounts.models import LocalArea, User
        from govflow.clock import utcnow
        from govflow.items.models import Item
        from govflow.sponsors.models import SponsorAction

        seeding.load_reference()
        seeding.load_demo()
        denaby = db.session.scalar(select(LocalArea).where(LocalArea.slug == "denaby"))
        sponsor = db.session.scalar(select(User).where(User.email == "gareth.holmes@syp.example"))
        raiser = db.session.scalar(select(User).where(User.email == "priya.shah@dcst.example"))
        now = utcnow()
        states = ("bronze", "silver", "gold", "paused", "unblocked", "closed")
        for n in range(args.items):
            state = states[n % len(states)]
            tier = state if state in ("bronze", "silver", "gold") else "silver"
            db.session.add(Item(
                kind="blocker", title=f"Benchmark blocker {n}", description="Load",
                area_id=denaby.id, raised_by_id=raiser.id, state=state, tier=tier,
                due_at=now + timedelta(days=(n % 20) - 10), created_at=now - timedelta(days=30),
                last_event_at=now - timedelta(days=n % 15),
                pause_ends_at=now - timedelta(days=1) if state == "paused" else None))
        db.session.flush()
        for n in range(args.actions):
            db.session.add(SponsorAction(
                area_id=denaby.id, sponsor_id=sponsor.id, owner_id=sponsor.id,
                created_by_id=sponsor.id, what=f"Benchmark action {n}",
                due_on=(now + timedelta(days=(n % 30) - 10)).date()))
        db.session.commit()

    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/sign-in", data={"email": "gareth.holmes@syp.example",
                                  "password": app.config["DEMO_PASSWORD"], "csrf_token": token})
    print(f"{args.items} blockers and {args.actions} sponsor actions in Denaby "
          f"({url.split(':', 1)[0]})")
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(client.get, args.profile)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(80)
        return
    for path in ("/areas/denaby", "/sponsor", "/actions?area=denaby", "/areas"):
        with app.app_context():
            statements = []

            def count(*_a, statements=statements):
                statements.append(1)

            event.listen(db.engine, "before_cursor_execute", count)
            assert client.get(path).status_code == 200
            event.remove(db.engine, "before_cursor_execute", count)
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        print(f"  {path:<24} median {statistics.median(timings):7.1f} ms  "
              f"({len(statements)} SQL statements)")


if __name__ == "__main__":
    main()
