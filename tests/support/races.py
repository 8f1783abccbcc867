"""Races between threads, each with its own app and connections, over a PostgreSQL database of
their own: threads racing each other cannot share a test's rolled-back transaction."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tests.support.served import ScratchDatabase, app_config


@contextmanager
def scratch_database() -> Iterator[tuple[dict, str]]:
    """A migrated database beside the test database; yields (app config, url); dropped
    afterwards."""
    from govflow import migrate

    database = ScratchDatabase(os.environ["GOVFLOW_TEST_DATABASE_URL"])
    try:
        migrate.upgrade(database.url)
        yield app_config(database.url), database.url
    finally:
        database.drop()


def race(config: dict, work: Callable, n: int = 2, timeout: float = 60) -> tuple[list, list]:
    """Run work(sync) in n threads, each with its own app, all starting together; sync() is a
    barrier the work can use to line the threads up again (both read, then both write).
    Returns (what each returned, the errors raised)."""
    from govflow import create_app
    from govflow.extensions import db

    # Built here, not in the threads: building apps concurrently trips CPython 3.11's ast.
    apps = [create_app(config) for _ in range(n)]
    barrier = threading.Barrier(n)
    results, errors = [], []

    def sync():
        barrier.wait(timeout=30)

    def run(app):
        try:
            with app.app_context():
                sync()
                results.append(work(sync))
                db.session.remove()
                db.engine.dispose()
        except Exception as err:  # reported by the caller
            barrier.abort()  # never leave the other thread waiting
            errors.append(err)

    threads = [threading.Thread(target=run, args=(app,)) for app in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return results, errors
