"""Benchmark: the dashboard page, its API and the progress report PDF over many blockers.

Run on demand:  python benchmarks/bench_dashboard.py [--items 10000] [--runs 7]
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "dashboard"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database-url", default="")
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
                      "SECRET_KEY": "bench-" + "x" * 40, "MAIL_SERVER": "", "REDIS_URL": ""})
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

    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/sign-in", data={"email": email, "password": app.config["DEMO_PASSWORD"],
                                  "csrf_token": token})
    print(f"{args.items} bulk blockers with events ({url.split(':', 1)[0]})")
    for path in ("/dashboard", "/api/v1/metrics", "/dashboard/report.pdf",
                 "/dashboard/items?figure=open&flag=overdue"):
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
        print(f"  {path:<44} median {statistics.median(timings):7.1f} ms  "
              f"({len(statements)} SQL statements)")


if __name__ == "__main__":
    main()
