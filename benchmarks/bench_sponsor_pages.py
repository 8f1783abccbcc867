"""Benchmark: area page, sponsor home and sponsor action list with a busy area.

Run on demand:  python benchmarks/bench_sponsor_pages.py [--items 3000] [--actions 600]
                [--database-url postgresql://postgres@127.0.0.1:5432/scratch_db]
Uses a throw-away SQLite file unless a (scratch!) database URL is given: it is emptied.
Prints the median time and the number of SQL statements per page.
"""

from __future__ import annotations

import argparse
import sys
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

    from sqlalchemy import select

    from benchmarks.scratch import scratch_app, signed_in_client, time_page
    from govflow.extensions import db

    app = scratch_app(args.database_url, WTF_CSRF_ENABLED=True)
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

    client = signed_in_client(app, "gareth.holmes@syp.example")
    backend = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    print(f"{args.items} blockers and {args.actions} sponsor actions in Denaby ({backend})")
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(client.get, args.profile)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(80)
        return
    for path in ("/areas/denaby", "/sponsor", "/actions?area=denaby", "/areas"):
        time_page(app, client, path, args.runs, width=24)


if __name__ == "__main__":
    main()
