"""Every list page (and CSV export and API list) runs the same number of SQL statements with
100 items as with 10,000: no query per row, however many years of records pile up.

The pages are found by walking the app's routes, so a new list page is counted as soon as it
lands; routes that need an argument take one from EXAMPLES. Two allowances, both far below
the 25 extra statements a query-per-row page would run: a page may run up to PAGE_SLACK more
(a selectin loader runs no query when the small database has no rows for it, e.g. nobody
owns anything yet), and an export up to EXPORT_SLACK more (it streams in batches). PDFs are
left to the PDF benchmarks: rendering thousands of rows takes far longer than counting."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

from benchmarks.generate import generate
from tests.support.served import ScratchDatabase
from tests.support.statements import recorded_statements

pytestmark = pytest.mark.slow

# GET routes that are not lists of records (or not pages at all).
NOT_LISTS = {
    "static", "main.healthz", "main.accessibility", "main.privacy", "main.me",
    "accounts.sign_in", "accounts.change_password", "api.openapi", "items.how_it_works",
    "items.new_choice", "items.new_blocker", "ideas.new", "sponsors.new_action",
    "forums.new_forum", "admin.new_person", "admin.edit_area", "admin.edit_organisation",
}
# Arguments for list routes that take one: SQL returning the value to use.
EXAMPLES = {
    "slug": {
        "areas.show": "SELECT slug FROM local_areas ORDER BY id LIMIT 1",
        "api.areas_show": "SELECT slug FROM local_areas ORDER BY id LIMIT 1",
        "forums.show": "SELECT slug FROM forums WHERE kind = 'central' LIMIT 1",
    },
}
SIZES = {
    "small": dict(items=100, events=600, users=120, decisions=20, actions=30, meetings=20,
                  overdue=10),
    "large": dict(items=10_000, events=60_000, users=120, decisions=2_000, actions=300,
                  meetings=40, overdue=1_000),
}
ROLES = ("admin", "executive", "facilitator", "practitioner")
PAGE_SLACK = 2
EXPORT_SLACK = 20


def is_export(url: str) -> bool:
    return url.split("?")[0].endswith((".csv", ".ics"))


def list_urls(app, database_url: str) -> dict[str, str]:
    engine = create_engine(database_url)
    urls = {}
    with engine.connect() as conn:
        for rule in app.url_map.iter_rules():
            if ("GET" not in rule.methods or rule.endpoint in NOT_LISTS
                    or rule.rule.endswith(".pdf")):
                continue
            args = {}
            for name in rule.arguments:
                sql = EXAMPLES.get(name, {}).get(rule.endpoint)
                if sql is None:
                    break
                args[name] = conn.execute(text(sql)).scalar()
            else:
                with app.test_request_context():
                    from flask import url_for

                    urls[rule.endpoint] = url_for(rule.endpoint, **args)
    engine.dispose()
    return urls


@pytest.fixture(scope="module")
def counted():
    """{(endpoint, role): {size: statements}} measured on one database as it grows."""
    from govflow import create_app
    from govflow.extensions import db
    from govflow.seeding import demo_sign_ins
    from tests.conftest import Auth
    from tests.support.served import app_config

    database = ScratchDatabase(os.environ.get("GOVFLOW_TEST_DATABASE_URL"))
    emails = {r: e for r, e, _ in demo_sign_ins()}
    results: dict = {}
    try:
        for size, numbers in SIZES.items():
            generate(database.url, fresh=size == "small", quiet=True, **numbers)
            app = create_app(app_config(database.url))
            urls = list_urls(app, database.url)
            with app.app_context():
                engine = db.engine
            # Requests outside any app context of ours: each gets its own `g`, so one
            # person's sign-in never leaks into the next.
            for role in ROLES:
                client = app.test_client()
                Auth(client, app).login(emails[role])
                for endpoint, url in urls.items():
                    results.setdefault((endpoint, url, role), {})[size] = statements(
                        client, engine, url)
            engine.dispose()
    finally:
        database.drop()
    return results


def statements(client, engine, url: str) -> tuple[int, int]:
    if not is_export(url):
        client.get(url)  # warm: caches filled once per process are not per-row work
    with recorded_statements(engine) as run:
        response = client.get(url)
    return len(run), response.status_code


def test_list_pages_run_a_fixed_number_of_statements(counted):
    assert len({endpoint for endpoint, _, _ in counted}) >= 15, "the walk found the lists"
    grew = []
    for (_endpoint, url, role), sizes in sorted(counted.items()):
        (small, small_status), (large, large_status) = sizes["small"], sizes["large"]
        assert small_status == large_status, (url, role, small_status, large_status)
        if large > small + (EXPORT_SLACK if is_export(url) else PAGE_SLACK):
            grew.append(f"{url} as {role}: {small} statements at 100 items, "
                        f"{large} at 10,000")
    assert not grew, "statement counts grow with the data:\n" + "\n".join(grew)


def test_the_lists_were_really_shown(counted):
    shown = {endpoint for (endpoint, _, role), sizes in counted.items()
             if role == "admin" and sizes["large"][1] == 200}
    for endpoint in ("items.queue", "items.mine", "decisions.index"):
        assert endpoint in shown
