"""The `govflow` command: Flask's CLI plus db, seed and user commands (domains add theirs)."""

from __future__ import annotations

import json
import os
import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from govflow.hooks import domain_hooks
from govflow.transaction import autocommit


def main() -> None:
    from govflow import create_app

    # Commands (the sweep, `govflow check` over a million events, seeding) hold no web worker:
    # unless the operator sets a statement limit, they run without the pages' one.
    settings = (None if os.environ.get("GOVFLOW_DB_STATEMENT_TIMEOUT_MS")
                else {"DB_STATEMENT_TIMEOUT_MS": 0})
    cli = FlaskGroup(create_app=lambda: create_app(settings),
                     help="govflow: blockers, ideas, decisions and forums.")
    cli.main(prog_name="govflow")


def init_cli(app: Flask) -> None:
    for command in (db_group, seed, user_group, *_domain_commands()):
        app.cli.add_command(command)


def _domain_commands():
    """Each domain that has commands lists them in `CLI_COMMANDS` (commands and groups)."""
    for commands in domain_hooks(("govflow.sweep", "govflow.notifications.cli",
                                  "govflow.forums.cli", "govflow.sponsors.cli", "govflow.checks",
                                  "govflow.metrics.cli", "govflow.records.cli",
                                  "govflow.access_docs", "govflow.outcomes.cli",
                                  "govflow.search.cli", "govflow.accounts.seal_cli"),
                             "CLI_COMMANDS"):
        yield from commands


# ---------------------------------------------------------------- db


@click.group("db", help="Database schema (Alembic migrations in migrations/).")
def db_group():
    pass


def _url() -> str:
    return current_app.config["SQLALCHEMY_DATABASE_URI"]


# `govflow db upgrade|downgrade [REVISION]`: direction, default revision, help, what was done.
MOVES = (
    ("upgrade", "head", "Upgrade the database to REVISION (default: head).", "upgraded"),
    ("downgrade", "-1", "Downgrade the database to REVISION (default: one step; 'base' empties "
     "it).", "downgraded"),
)


def _move_command(direction: str, default: str, help_text: str, done: str) -> None:
    @db_group.command(direction, help=help_text)
    @click.argument("revision", default=default)
    @with_appcontext
    def move(revision):
        from govflow import migrate

        getattr(migrate, direction)(_url(), revision)
        click.echo(f"Database {done} to {revision}.")


for _move in MOVES:
    _move_command(*_move)


@db_group.command("current")
@click.option("--verbose", is_flag=True)
@with_appcontext
def db_current(verbose):
    """Show the revision the database is at."""
    from govflow import migrate

    migrate.current(_url(), verbose=verbose)


# ---------------------------------------------------------------- seed


@click.command("seed")
@click.option("--demo", is_flag=True, help="Also load the demo partnership (people, items, meetings).")
@click.option("--print-sign-ins", is_flag=True, help="Print the demo sign-ins after seeding.")
@with_appcontext
@autocommit
def seed(demo, print_sign_ins):
    """Load reference data (the framework's tags); with --demo, the demo partnership. Idempotent."""
    from govflow import seeding

    summary = seeding.load_reference()
    if demo:
        if current_app.config["PRODUCTION"]:
            raise click.ClickException("Refusing to load demo data with GOVFLOW_ENV=production.")
        summary.update(seeding.load_demo())
    click.echo("Seeded: " + ", ".join(f"{k} {v}" for k, v in summary.items()))
    if demo and print_sign_ins:
        click.echo("")
        click.echo("Demo sign-ins (password for all: {})".format(current_app.config["DEMO_PASSWORD"]))
        for role, email, name in seeding.demo_sign_ins():
            click.echo(f"  {role:<16} {email:<44} {name}")


# ---------------------------------------------------------------- user


@click.group("user", help="Manage people.")
def user_group():
    pass


def load_user(email):
    from govflow.accounts.services import find_user

    user = find_user(email)
    if user is None:
        raise click.ClickException(f"No one has the email address {email}")
    return user


@user_group.command("create")
@click.argument("email")
@click.option("--name", "display_name", required=True, help="Full name")
@click.option("--organisation", help="Organisation slug")
@click.option("--home-area", help="Home area slug")
@click.option("--role", "roles", multiple=True, help="Role, e.g. practitioner, sponsor:denaby, secretary:central-forum")
@click.option("--password", help="Initial password (12+ characters); prompted if omitted", default=None)
@with_appcontext
@autocommit
def user_create(email, display_name, organisation, home_area, roles, password):
    """Create a person."""
    from govflow.accounts import services
    from govflow.domain_errors import DomainError

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(email, display_name, password=password,
                                    organisation=organisation, home_area=home_area)
        services.set_roles(user, [services.parse_role(r) for r in roles])
    except DomainError as err:
        raise click.ClickException(err.message) from None
    click.echo(f"Created {user.email} ({', '.join(sorted(user.roles)) or 'no roles'}).")


@user_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON")
@with_appcontext
def user_list(as_json):
    """List people with their roles, tier, organisation and areas."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from govflow.accounts.models import RoleAssignment, User
    from govflow.accounts.services import user_summary
    from govflow.extensions import db

    users = db.session.scalars(
        select(User)
        .options(
            selectinload(User.role_assignments).selectinload(RoleAssignment.area),
            selectinload(User.role_assignments).selectinload(RoleAssignment.forum),
            selectinload(User.organisation),
            selectinload(User.home_area),
        )
        .order_by(User.email)
    ).all()
    rows = [user_summary(u) for u in users]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        status = "" if r["active"] else " (deactivated)"
        click.echo(f"{r['email']:<44} {r['tier']:<7} {','.join(r['roles'])}{status}")


@user_group.command("deactivate")
@click.argument("email")
@with_appcontext
@autocommit
def user_deactivate(email):
    """Deactivate a person and end all their sessions."""
    from govflow.accounts import services

    user = load_user(email)
    services.deactivate(user)
    click.echo(f"Deactivated {user.email}; their sessions have ended.")


@user_group.command("reset-two-step")
@click.argument("email")
@with_appcontext
@autocommit
def user_reset_two_step(email):
    """Turn off a person's two-step sign-in (a lost phone and lost recovery codes)."""
    from govflow.accounts import second_factor, services

    user = load_user(email)
    second_factor.turn_off(user)
    services.end_all_sessions(user)
    then = (" They must set it up again when they next sign in."
            if second_factor.must_have(user) else "")
    click.echo(f"Two-step sign-in is off for {user.email}; their sessions have ended.{then}")


@user_group.command("reactivate")
@click.argument("email")
@with_appcontext
@autocommit
def user_reactivate(email):
    """Let a deactivated person sign in again (their old sessions stay ended)."""
    from govflow.accounts import services

    user = load_user(email)
    services.reactivate(user)
    click.echo(f"Reactivated {user.email}; they can sign in again.")


@user_group.command("set-roles")
@click.argument("email")
@click.argument("roles", nargs=-1)
@with_appcontext
@autocommit
def user_set_roles(email, roles):
    """Replace a person's roles, e.g. `set-roles a@b.org head_of_service sponsor:denaby`."""
    from govflow.accounts import services
    from govflow.domain_errors import DomainError

    user = load_user(email)
    try:
        services.set_roles(user, [services.parse_role(r) for r in roles])
    except DomainError as err:
        raise click.ClickException(err.message) from None
    click.echo(f"{user.email}: {', '.join(sorted(user.roles)) or 'no roles'} (tier {user.tier}).")


@user_group.command("token")
@click.argument("email")
@click.option("--name", default="automation", help="What the token is for")
@with_appcontext
@autocommit
def user_token(email, name):
    """Create an API token for a person and print it (shown once)."""
    from govflow.accounts.views import issue_token

    user = load_user(email)
    click.echo(issue_token(user, name))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
