"""The `govflow` command: db, seed, user and run, through Flask's runner and the console
script itself (a subprocess with its own SQLite database)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, select

from govflow.accounts.models import LocalArea, Organisation, RoleAssignment, User
from govflow.extensions import db
from govflow.forums.models import Forum
from govflow.items.models import Item, Tag

ROOT = Path(__file__).resolve().parent.parent
SUMMARY_KEYS = {"email", "display_name", "active", "roles", "tier", "organisation", "home_area",
                "sponsor_of", "facilitator_of", "secretary_of"}


def _counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (User, Organisation, LocalArea, RoleAssignment, Forum, Item, Tag)}


# ---------------------------------------------------------------- through Flask's runner


def test_seed_demo_twice_makes_no_duplicates(runner):
    before = _counts()
    first = runner.invoke(args=["seed", "--demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["seed", "--demo", "--print-sign-ins"])
    assert second.exit_code == 0, second.output
    assert _counts() == before  # the suite seeded once already; two more runs add nothing
    assert "users 0" in second.output and "blockers 0" in second.output
    assert "Demo sign-ins (password for all:" in second.output
    for role in ("practitioner", "facilitator", "head_of_service", "executive", "sponsor",
                 "secretary", "admin"):
        assert f"  {role} " in second.output


def test_user_list_json_shape(runner, people):
    result = runner.invoke(args=["user", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == db.session.scalar(select(func.count()).select_from(User))
    assert all(set(row) == SUMMARY_KEYS for row in rows)
    sponsor = people["sponsor"]
    row = next(r for r in rows if r["email"] == sponsor.email)
    assert row["tier"] == sponsor.tier
    assert row["roles"] == sorted(sponsor.roles)
    assert row["organisation"] == sponsor.organisation.slug
    assert row["home_area"] == (sponsor.home_area.slug if sponsor.home_area else None)
    assert row["sponsor_of"] == sorted(
        r.area.slug for r in sponsor.role_assignments if r.role == "sponsor")
    assert row["sponsor_of"], "the demo sponsor sponsors an area"
    facilitator = next(r for r in rows if r["email"] == people["facilitator"].email)
    assert facilitator["facilitator_of"] and facilitator["tier"] == "bronze"


def test_user_list_plain(runner, people):
    result = runner.invoke(args=["user", "list"])
    assert people["admin"].email in result.output and "gold" in result.output


def test_user_create_set_roles_token_and_deactivate(runner, app):
    result = runner.invoke(args=[
        "user", "create", "Cli.Person@Example.org", "--name", "Cli Person",
        "--organisation", "dcst", "--home-area", "denaby", "--role", "practitioner",
        "--role", "facilitator:hexthorpe", "--password", "a long enough password"])
    assert result.exit_code == 0, result.output
    assert "Created cli.person@example.org (facilitator, practitioner)." in result.output
    user = db.session.scalar(select(User).where(User.email == "cli.person@example.org"))
    assert user.home_area.slug == "denaby" and user.tier == "bronze"

    result = runner.invoke(args=["user", "set-roles", "cli.person@example.org",
                                 "head_of_service", "sponsor:denaby", "secretary:central-forum"])
    assert result.exit_code == 0, result.output
    assert "(tier silver)" in result.output
    db.session.expire_all()
    assert user.roles == {"head_of_service", "sponsor", "secretary"}

    token = runner.invoke(args=["user", "token", "cli.person@example.org", "--name", "import"])
    assert token.exit_code == 0
    bearer = token.output.strip()
    client = app.test_client()
    assert client.get("/api/v1/areas", headers={"Authorization": f"Bearer {bearer}"}
                      ).status_code == 200

    result = runner.invoke(args=["user", "deactivate", "cli.person@example.org"])
    assert result.exit_code == 0 and "their sessions have ended" in result.output
    db.session.expire_all()
    assert not user.active
    assert client.get("/api/v1/areas", headers={"Authorization": f"Bearer {bearer}"}
                      ).status_code == 401

    result = runner.invoke(args=["user", "reactivate", "cli.person@example.org"])
    assert result.exit_code == 0 and "they can sign in again" in result.output
    db.session.expire_all()
    assert user.active


def test_user_create_prompts_for_the_password(runner):
    result = runner.invoke(args=["user", "create", "prompted@example.org", "--name", "P"],
                           input="a long enough password\na long enough password\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.email == "prompted@example.org"))


@pytest.mark.parametrize(("args", "message"), [
    (["user", "create", "x@example.org", "--name", "X", "--password", "short"],
     "Password must be 12 characters or more"),
    (["user", "create", "x@example.org", "--name", "X", "--password", "long enough pass",
      "--role", "emperor"], "'emperor' is not a role"),
    (["user", "create", "x@example.org", "--name", "X", "--password", "long enough pass",
      "--role", "sponsor"], "The sponsor role needs an area or forum"),
    (["user", "create", "x@example.org", "--name", "X", "--password", "long enough pass",
      "--role", "sponsor:atlantis"], "There is no local area called 'atlantis'"),
    (["user", "create", "x@example.org", "--name", "X", "--password", "long enough pass",
      "--organisation", "acme"], "There is no organisation called 'acme'"),
    (["user", "deactivate", "nobody@example.org"], "No one has the email address"),
    (["user", "set-roles", "nobody@example.org", "admin"], "No one has the email address"),
])
def test_user_commands_explain_mistakes(runner, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert db.session.scalar(select(User).where(User.email == "x@example.org")) is None


def test_user_create_refuses_a_duplicate_email(runner, people):
    result = runner.invoke(args=["user", "create", people["admin"].email.upper(), "--name", "X",
                                 "--password", "a long enough password"])
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_demo_data_is_refused_in_production(make_app, monkeypatch):
    secret = "s" * 40
    monkeypatch.setenv("SECRET_KEY", secret)
    prod = make_app(GOVFLOW_ENV="production", SECRET_KEY=secret)
    result = prod.test_cli_runner().invoke(args=["seed", "--demo"])
    assert result.exit_code != 0
    assert "Refusing to load demo data with GOVFLOW_ENV=production" in result.output


def test_db_upgrade_current_and_downgrade(make_app, tmp_path):
    scratch = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/cli.sqlite")
    cli = scratch.test_cli_runner()
    assert cli.invoke(args=["db", "upgrade"]).exit_code == 0
    current = cli.invoke(args=["db", "current"])
    assert current.exit_code == 0
    result = cli.invoke(args=["db", "downgrade", "base"])
    assert result.exit_code == 0 and "Database downgraded to base." in result.output


# ---------------------------------------------------------------- the console script


def _govflow(*args, env, check=True, timeout=300):
    """Run the console script's entry point exactly as `govflow …` would, from the worktree."""
    result = subprocess.run(
        [sys.executable, "-c", "from govflow.cli import main; main()", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture
def cli_env(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GOVFLOW_", "FLASK_")) and k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(GOVFLOW_INSTANCE_PATH=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/g.sqlite")
    return env


@pytest.mark.slow
def test_console_script_end_to_end(cli_env):
    assert "Database upgraded to head." in _govflow("db", "upgrade", env=cli_env).stdout
    current = _govflow("db", "current", env=cli_env)
    assert "(head)" in current.stdout + current.stderr

    first = _govflow("seed", "--demo", "--print-sign-ins", env=cli_env).stdout
    assert "Demo sign-ins (password for all: demo-password-2026)" in first
    again = _govflow("seed", "--demo", env=cli_env).stdout
    assert "users 0" in again and "organisations 0" in again and "blockers 0" in again
    people = json.loads(_govflow("user", "list", "--json", env=cli_env).stdout)
    assert len({p["email"] for p in people}) == len(people)
    assert {p["tier"] for p in people} == {"bronze", "silver", "gold"}

    down = _govflow("db", "downgrade", "base", env=cli_env)
    assert "Database downgraded to base." in down.stdout
    # (create, set-roles, token and deactivate are checked above through Flask's runner,
    # which runs the same commands; each console-script start costs a few seconds.)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_console_script_run_serves_the_app(cli_env):
    _govflow("db", "upgrade", env=cli_env)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", "from govflow.cli import main; main()", "run",
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert json.load(r) == {"status": "ok"}
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "govflow run did not start in 60 s"
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in", timeout=5) as r:
            assert "Sign in to govflow" in r.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()
