"""What the page benchmarks share: a govflow app on a scratch database with the demo
partnership loaded, a signed-in test client, and the timing of a page (median of repeated
requests, with the number of SQL statements one request runs)."""

from __future__ import annotations

import re
import statistics
import tempfile
import time


def scratch_app(database_url: str = "", **config):
    """A test-mode app on a new migrated database: a throw-away SQLite file, or the (scratch!)
    PostgreSQL database named, which is emptied first."""
    from sqlalchemy import create_engine

    from govflow import create_app, migrate

    url = database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        engine.dispose()
    migrate.upgrade(url)
    return create_app({"GOVFLOW_ENV": "test", "TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                       "SECRET_KEY": "bench-" + "x" * 40, "MAIL_SERVER": "", "REDIS_URL": "",
                       **config})


def signed_in_client(app, email: str):
    """A test client signed in as one of the demo people."""
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/sign-in", data={"email": email, "password": app.config["DEMO_PASSWORD"],
                                  "csrf_token": token})
    return client


def time_page(app, client, path: str, runs: int, width: int = 44) -> None:
    """Print the median time of `runs` requests for `path` and the statements one of them runs."""
    from sqlalchemy import event

    from govflow.extensions import db

    with app.app_context():
        statements = []

        def count(*_a, statements=statements):
            statements.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        assert client.get(path).status_code == 200
        event.remove(db.engine, "before_cursor_execute", count)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    print(f"  {path:<{width}} median {statistics.median(timings):7.1f} ms  "
          f"({len(statements)} SQL statements)")
