"""Benchmark: the dashboard page, its API and the progress report PDF over many blockers.

Run on demand:  python benchmarks/bench_dashboard.py [--items 10000] [--runs 7]
                [--database-url postgresql://postgres@127.0.0.1:5432/scratch_db]
Uses a throw-away SQLite file unless a (scratch!) database URL is given: it is emptied.
Prints the median time and the number of SQL statements per page.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "dashboard"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    from sqlalchemy import select

    from benchmarks.scratch import scratch_app, signed_in_client, time_page
    from govflow.extensions import db

    app = scratch_app(args.database_url)
    with app.app_context():
        from test_dashboard_query_count import bulk_blockers

        from govflow import seeding
        from govflow.accounts.models import User

        seeding.load_reference()
        seeding.load_demo()
        # The demo admin sees every item, so the lists behind figures are at their longest.
        admin = db.session.scalar(select(User).where(User.email == "chris.moorhouse@dcst.example"))
        bulk_blockers(0, args.items, admin.id)
        db.session.commit()
        email = admin.email

    client = signed_in_client(app, email)
    backend = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    print(f"{args.items} bulk blockers with events ({backend})")
    for path in ("/dashboard", "/api/v1/metrics", "/dashboard/report.pdf",
                 "/dashboard/items?figure=open&flag=overdue"):
        time_page(app, client, path, args.runs, width=44)


if __name__ == "__main__":
    main()
