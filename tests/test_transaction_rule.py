"""The one transaction rule (docs/transactions.md): requests, API calls and CLI commands
commit once, at their boundary; use-cases flush and never commit; a request that ends in an
error keeps nothing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

from govflow.extensions import db
from govflow.items import services
from govflow.items.models import Event, Item
from tests.conftest import csrf_from

PACKAGE = Path(__file__).resolve().parent.parent / "govflow"

# The units of work that are not a whole request or command: each batch of a sweep (and the
# day's record root and record check), each
# email the sender hands to the SMTP server, the API token's "last used" note (kept apart
# so API reads never wait for the write lock), and the end of a read-only request on
# PostgreSQL; a sign-in attempt, counted before the password is checked whatever the request
# then does, and the password check, read apart from the write lock.
# Each ends its transaction through govflow.transaction.
BATCH_BOUNDARIES = {
    "accounts/auth.py", "accounts/sso_sweep.py", "accounts/sweep.py", "accounts/throttle.py",
    "agreements/sweep.py", "db.py", "forums/sweep.py", "items/idea_sweep.py", "items/tallies.py",
    "metrics/sweep.py", "notifications/digest.py", "notifications/outbox.py",
    "notifications/sender.py", "outcomes/sweep.py", "records/sweep.py", "sponsors/sweep.py",
    "submissions/sweep.py",
    "sweep.py",
}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text(), str(path))


def _calls(tree, name: str):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == name:
            yield node


def test_only_the_transaction_module_commits():
    found = [f"{name}:{call.lineno}" for name, tree in _modules() if name != "transaction.py"
             for call in _calls(tree, "commit")
             if not (isinstance(call.func.value, ast.Name) and call.func.value.id == "transaction")]
    assert found == [], "commit through govflow.transaction at a boundary, not here"


def test_use_cases_views_and_the_api_never_end_a_transaction():
    ending = {name for name, tree in _modules()
              for call in _calls(tree, "commit")
              if isinstance(call.func.value, ast.Name) and call.func.value.id == "transaction"}
    assert ending <= BATCH_BOUNDARIES, sorted(ending - BATCH_BOUNDARIES)
    assert not {n for n in ending if n.endswith(("views.py", "services.py")) or
                n.startswith(("api/", "workflow/"))}


def test_no_function_takes_a_commit_or_flush_flag():
    flags = [f"{name}:{node.lineno} {node.name}({arg.arg}=)"
             for name, tree in _modules() for node in ast.walk(tree)
             if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
             for arg in node.args.args + node.args.kwonlyargs
             if arg.arg in ("commit", "flush")]
    assert flags == []


def test_cli_commands_that_write_commit_through_the_boundary():
    """Every command module that calls a use-case marks its writing commands @autocommit."""
    for name in ("cli.py", "sponsors/cli.py", "metrics/cli.py"):
        source = (PACKAGE / name).read_text()
        assert "@autocommit" in source, name


@pytest.fixture
def commits():
    """How many times a session commits while the test runs."""
    counted = []

    def count(_session):
        counted.append(1)

    event.listen(Session, "after_commit", count)
    yield counted
    event.remove(Session, "after_commit", count)


def _blocker(people, title: str) -> Item:
    return services.raise_blocker(people["practitioner"], title=title,
                                  description="The room is locked after 4pm.",
                                  area="denaby")


def test_a_transition_through_a_page_commits_once_at_the_end(auth, client, people, commits):
    item = _blocker(people, "One commit: rooms after 4pm")
    auth.login(people["facilitator"].email)
    page = client.get(f"/items/{item.id}/actions/take")
    assert page.status_code == 200
    commits.clear()
    response = client.post(f"/items/{item.id}/actions/take", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)), "version": str(item.version),
    })
    assert response.status_code == 302
    assert len(commits) == 1
    assert db.session.get(Item, item.id).owner_id == people["facilitator"].id


def test_a_request_that_ends_in_an_error_keeps_nothing(auth, client, people, commits):
    item = _blocker(people, "Nothing kept: a refused escalation")
    auth.login(people["facilitator"].email)
    page = client.get(f"/items/{item.id}/actions/escalate")
    commits.clear()
    response = client.post(f"/items/{item.id}/actions/escalate", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)), "version": str(item.version),
        "reason": "",  # required: the page comes back with an error
    })
    assert response.status_code == 400
    assert commits == []
    events = db.session.scalars(select(Event.trigger).where(Event.item_id == item.id)).all()
    assert events == ["raise"]


@pytest.fixture
def probe(_database, make_app):
    """An app with sessions of its own (outside the rolled-back transaction the other tests
    share, so each request begins and ends its transaction as in production), and a
    blueprint whose view writes a tag, then answers with the status asked for."""
    from flask import Blueprint, abort

    from govflow.items.models import Tag

    bp = Blueprint("probe", __name__)

    @bp.get("/_probe/<slug>/<int:status>")
    def write_then_answer(slug, status):
        db.session.add(Tag(slug=slug, name="Probe", kind="feature", group="",
                           description="", position=99))
        db.session.flush()
        if status == 500:
            raise RuntimeError("the view failed after writing")
        if status >= 400:
            abort(status)
        return "written", status

    app = make_app(PROPAGATE_EXCEPTIONS=False)
    app.register_blueprint(bp)
    yield app
    with app.app_context():
        db.session.execute(delete(Tag).where(Tag.slug.like("probe-%")))
        db.session.commit()


@pytest.mark.parametrize(("status", "kept"), [(200, True), (201, True), (400, False),
                                              (404, False), (409, False), (500, False)])
def test_the_boundary_keeps_what_a_request_wrote_only_when_it_succeeded(
        probe, commits, status, kept):
    from govflow.items.models import Tag

    slug = f"probe-{status}"
    assert probe.test_client().get(f"/_probe/{slug}/{status}").status_code == status
    assert len(commits) == (1 if kept else 0)
    with probe.app_context():
        assert (db.session.scalar(select(Tag.id).where(Tag.slug == slug)) is not None) is kept


def test_a_use_case_flushes_and_leaves_the_commit_to_its_caller(people, commits):
    item = _blocker(people, "Flushed, not committed")
    assert commits == []
    assert item.id is not None  # flushed: the row has its id


def test_a_command_commits_once_when_it_ends(runner, commits):
    result = runner.invoke(args=["user", "create", "once@example.org", "--name", "Once Only",
                                 "--password", "a long enough password 1"])
    assert result.exit_code == 0, result.output
    assert len(commits) == 1
