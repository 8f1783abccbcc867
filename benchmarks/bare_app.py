"""The bare reference for benchmarks/load.py: a plain Flask app that imports nothing of govflow.

It renders a 50-row Jinja table of the newest items from the same database (DATABASE_URL),
through SQLAlchemy Core with a pooled engine, and is served by its own gunicorn with the same
settings as govflow. Every govflow scenario is given as a share of this app's requests per
second, measured alternately in the same run, so govflow's own per-request work (sessions,
CSRF, security headers, the page shell) counts against govflow and never against the
reference.

    gunicorn 'benchmarks.bare_app:create_app()'   # with DATABASE_URL set
"""

from __future__ import annotations

import os

from flask import Flask, render_template
from jinja2 import DictLoader
from sqlalchemy import create_engine, text

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Reference</title></head>
<body><table>
<thead><tr><th>Id</th><th>Title</th><th>State</th><th>Tier</th><th>Due</th></tr></thead>
<tbody>{% for r in rows %}<tr><td>{{ r.id }}</td><td>{{ r.title }}</td><td>{{ r.state }}</td>
<td>{{ r.tier }}</td><td>{{ r.due_at }}</td></tr>{% endfor %}</tbody>
</table></body></html>"""

STATEMENT = text("SELECT id, title, state, tier, due_at FROM items ORDER BY id DESC LIMIT 50")


def _engine_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def create_app() -> Flask:
    app = Flask(__name__)
    # A template Flask loads and compiles once, as any Flask app's templates folder: with
    # render_template_string it was compiled again on every request (1.8 ms of its 2.9),
    # which made the reference slower than a plain Flask page and every share look better.
    app.jinja_loader = DictLoader({"reference.html": TEMPLATE})
    engine = create_engine(_engine_url(os.environ["DATABASE_URL"]))

    @app.get("/reference")
    def reference():
        with engine.connect() as conn:
            rows = conn.execute(STATEMENT).mappings().all()
        return render_template("reference.html", rows=rows)

    @app.get("/healthz")
    def healthz():
        return "ok"

    return app
