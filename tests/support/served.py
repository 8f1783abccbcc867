"""govflow served by gunicorn on 127.0.0.1 against its own database, for browser, fault and
load tests (which cannot share the rolled-back test transaction with another process)."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from tests.support import clock
from tests.support.process import ROOT, BackgroundServer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def normalise_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class ScratchDatabase:
    """A fresh database: a SQLite file in a temporary folder, or a new PostgreSQL database
    created beside `base_url` (and dropped again by `drop()`)."""

    def __init__(self, base_url: str | None = None, name: str | None = None):
        self.tmp = Path(tempfile.mkdtemp(prefix="govflow-served-"))
        base_url = normalise_url(base_url or "")
        self.is_postgres = base_url.startswith("postgresql")
        if self.is_postgres:
            base = make_url(base_url)
            self.name = name or f"{base.database}_scratch_{secrets.token_hex(4)}"
            self._admin_url = base.set(database="postgres")
            self.url = base.set(database=self.name).render_as_string(hide_password=False)
            self._create_pg()
        else:
            self.name = name or "served.sqlite"
            self.url = f"sqlite:///{self.tmp / self.name}"

    def _create_pg(self) -> None:
        engine = create_engine(self._admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
        engine.dispose()

    def migrate_and_seed(self, demo: bool = True) -> None:
        from govflow import create_app, migrate, seeding
        from govflow.extensions import db

        migrate.upgrade(self.url)
        app = create_app(app_config(self.url))
        with app.app_context():
            seeding.load_reference()
            if demo:
                seeding.load_demo()
            db.session.commit()  # as `govflow seed --demo` does at its end
            db.session.remove()
            db.engine.dispose()

    def engine(self):
        return create_engine(self.url)

    def drop(self) -> None:
        if self.is_postgres:
            engine = create_engine(self._admin_url, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            engine.dispose()


def app_config(database_url: str) -> dict:
    return {
        "GOVFLOW_ENV": "test",
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "served-" + "k" * 40,
        "MAIL_SERVER": "",
        "REDIS_URL": "",
    }


class ExistingDatabase:
    """A database that is already there (e.g. one benchmarks/generate.py filled)."""

    def __init__(self, url: str):
        self.url = normalise_url(url)
        self.is_postgres = self.url.startswith("postgresql")
        self.tmp = Path(tempfile.mkdtemp(prefix="govflow-served-"))


class ServedGovflow(BackgroundServer):
    """gunicorn serving govflow (the app factory in this worktree) on a free local port."""

    name = "gunicorn"

    def __init__(self, database: ScratchDatabase, *, workers: int = 2, threads: int = 4,
                 env: dict | None = None, port: int | None = None,
                 app: str = "govflow:create_app()", access_log: bool = True):
        self.database = database
        self.app = app
        self.access_log = access_log
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.threads = threads
        self.extra_env = env or {}
        self.log_path = database.tmp / f"gunicorn-{self.port}.log"
        self.process = None
        self.secret_key = "served-" + secrets.token_hex(24)

    def environment(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GOVFLOW_")}
        env.update(
            {
                # Development mode: plain HTTP on 127.0.0.1 (production insists on HTTPS
                # cookies), but one fixed key so every worker accepts every session.
                "GOVFLOW_ENV": "development",
                "SECRET_KEY": self.secret_key,
                "DATABASE_URL": self.database.url,
                "GOVFLOW_INSTANCE_PATH": str(self.database.tmp / "instance"),
                "GOVFLOW_BASE_URL": self.base_url,
                "REDIS_URL": "",
                "MAIL_SERVER": "",
                "PYTHONPATH": clock.pythonpath(),
                "PYTHONDONTWRITEBYTECODE": "1",
                # Journeys sign every role in with a password alone; the second factor's
                # journey (tests/e2e/test_second_factor_e2e.py) asks for it by name.
                "GOVFLOW_MFA_REQUIRED_ROLES": "",
            }
        )
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 30.0, ready_path: str = "/healthz") -> ServedGovflow:
        """Serve, once `ready_path` answers 200."""
        cmd = [
            sys.executable, "-m", "gunicorn",
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers),
            "--threads", str(self.threads),
            "--worker-class", "gthread" if self.threads > 1 else "sync",
            "--timeout", "30",
            "--graceful-timeout", "5",
            "--chdir", str(ROOT),
            *(["--access-logfile", "-"] if self.access_log else []),
            self.app,
        ]
        self.launch(cmd, self.environment(), self.base_url + ready_path, timeout)
        return self

    def worker_pids(self) -> list[int]:
        """The gunicorn workers (children of the arbiter)."""
        assert self.process is not None
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)],
                             capture_output=True, text=True, check=False).stdout
        return [int(p) for p in out.split()]

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def serve_fresh(base_url: str | None = None, **kwargs) -> tuple[ScratchDatabase, ServedGovflow]:
    """A migrated, demo-seeded scratch database and a started gunicorn serving it."""
    database = ScratchDatabase(base_url)
    try:
        database.migrate_and_seed()
        served = ServedGovflow(database, **kwargs).start()
    except BaseException:
        database.drop()
        raise
    return database, served
