"""govflow plus, when GOVFLOW_BENCH_REFERENCE=1, a bare reference page for benchmarks/load.py:
a plain Flask route rendering a 50-row Jinja table from the same database, served by the same
gunicorn, so every govflow page's speed can be given as a ratio of it."""

from __future__ import annotations

import os

from flask import render_template_string
from sqlalchemy import text

REFERENCE_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Reference</title></head>
<body><table>
<thead><tr><th>Id</th><th>Title</th><th>State</th><th>Tier</th><th>Due</th></tr></thead>
<tbody>{% for r in rows %}<tr><td>{{ r.id }}</td><td>{{ r.title }}</td><td>{{ r.state }}</td>
<td>{{ r.tier }}</td><td>{{ r.due_at }}</td></tr>{% endfor %}</tbody>
</table></body></html>"""


def reference():
    from govflow.extensions import db

    rows = db.session.execute(text(
        "SELECT id, title, state, tier, due_at FROM items ORDER BY id DESC LIMIT 50"
    )).mappings().all()
    return render_template_string(REFERENCE_TEMPLATE, rows=rows)


def create_app():
    from govflow import create_app as create_govflow
    from govflow import ready_to_serve

    app = create_govflow()
    if os.environ.get("GOVFLOW_BENCH_REFERENCE") == "1":
        app.add_url_rule("/_bench/reference", "bench_reference", reference)
    return ready_to_serve(app)  # as wsgi.py serves it
