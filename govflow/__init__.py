"""govflow: blockers and ideas escalating Bronze → Silver → Gold, decisions, sponsors, forums."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app from small configure steps; nothing happens at import time."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("GOVFLOW_INSTANCE_PATH", str(ROOT / "instance")),
        template_folder=str(ROOT / "templates"),
        static_folder="static",
    )
    configure_settings(app, test_config)
    configure_logging(app)
    configure_extensions(app)
    configure_parts(app)
    return app


def ready_to_serve(app: Flask) -> Flask:
    """Call once in a serving process (wsgi.py), after the app is built.

    Compiles every template now rather than on each worker's first request for it (the
    item page's first request took about 0.3 s, mostly compiling its templates).
    Everything made at start-up (modules, the app, the ORM's configured mappers, the
    compiled templates) lives as long as the process, yet each full garbage collection
    walks all of it again: on the item page that was a pause of about 0.1 s every few
    dozen requests. gc.freeze() moves it out of the collector's view, so collections walk
    only what requests leave behind. Not for tests, which build many apps: frozen objects
    are never collected."""
    import gc

    from sqlalchemy.orm import configure_mappers

    configure_mappers()
    for name in app.jinja_env.list_templates(extensions=["html"]):
        app.jinja_env.get_template(name)
    gc.collect()
    gc.freeze()
    return app


def configure_settings(app: Flask, test_config: dict | None) -> None:
    from govflow.config import load_config

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    environ = dict(os.environ)
    if test_config and "GOVFLOW_ENV" in test_config:
        environ["GOVFLOW_ENV"] = test_config["GOVFLOW_ENV"]
    app.config.update(load_config(app.instance_path, environ))
    if test_config:
        app.config.update(test_config)
    if "SQLALCHEMY_ENGINE_OPTIONS" not in app.config:
        from govflow.config import engine_options

        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    app.config["TESTING"] = app.config.get("TESTING", app.config["GOVFLOW_ENV"] == "test")


def configure_logging(app: Flask) -> None:
    if not app.logger.handlers or app.config["PRODUCTION"]:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )


def configure_extensions(app: Flask) -> None:
    # Every model must be imported before the first query, or relationships named by string
    # (RoleAssignment.forum → "Forum") fail to resolve in a server that never ran migrations.
    import govflow.models  # noqa: F401
    from govflow import transaction
    from govflow.accounts.auth import init_login
    from govflow.extensions import csrf, db
    from govflow.search import index as search_index

    db.init_app(app)
    transaction.init_app(app)
    search_index.init_app(app)
    csrf.init_app(app)
    configure_cache(app)
    init_login(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from govflow.db import init_sqlite

        init_sqlite(app)
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        from govflow.db import init_postgres

        init_postgres(app)


def configure_cache(app: Flask) -> None:
    """Flask-Caching: Redis when REDIS_URL is set, otherwise files in `<instance>/cache`.
    Only the dashboard's rendered figures are kept (govflow/dashboard/kept.py)."""
    from govflow.extensions import cache

    if app.config.get("REDIS_URL"):
        app.config.setdefault("CACHE_TYPE", "RedisCache")
        app.config.setdefault("CACHE_REDIS_URL", app.config["REDIS_URL"])
    else:
        app.config.setdefault("CACHE_TYPE", "FileSystemCache")
        app.config.setdefault("CACHE_DIR", str(Path(app.instance_path) / "cache"))
        # Entries beyond this are pruned, expired first, then the oldest.
        app.config.setdefault("CACHE_THRESHOLD", 64)
    app.config.setdefault("CACHE_KEY_PREFIX", "govflow:")
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", 60)
    cache.init_app(app)


def configure_parts(app: Flask) -> None:
    """Templates, security headers, the edge's checks, blueprints, submission keys, error
    pages and commands, in that order: each module's own init step, imported only now."""
    from govflow.blueprints import register_blueprints
    from govflow.cli import init_cli
    from govflow.edge import init_edge
    from govflow.errors import init_errors
    from govflow.security import init_security
    from govflow.submissions.guard import init_submissions
    from govflow.templating import init_templates

    for init in (init_templates, init_security, init_edge, register_blueprints,
                 init_submissions, init_errors, init_cli):
        init(app)
