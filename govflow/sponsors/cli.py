"""`govflow area …`: list local areas with their sponsors and facilitators, and assign them."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from govflow.cli import load_user
from govflow.transaction import autocommit

area_group = click.Group("area", help="Local areas: their sponsors and facilitators.")
CLI_COMMANDS = (area_group,)


@area_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON")
@with_appcontext
def area_list(as_json):
    """List areas with their sponsors, facilitators and what is open."""
    from govflow.sponsors.queries import area_summaries

    rows = [
        {
            "slug": s.area.slug,
            "name": s.area.name,
            "sponsors": [u.email for u in s.sponsors],
            "facilitators": [u.email for u in s.facilitators],
            "open_blockers": s.open_blockers,
            "open_ideas": s.open_ideas,
            "open_actions": s.open_actions,
            "overdue_actions": s.overdue_actions,
        }
        for s in area_summaries()
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        click.echo(f"{r['slug']:<20} {r['name']}")
        click.echo(f"  sponsors:     {', '.join(r['sponsors']) or 'none'}")
        click.echo(f"  facilitators: {', '.join(r['facilitators']) or 'none'}")
        click.echo(f"  open: {r['open_blockers']} blockers, {r['open_ideas']} ideas, "
                   f"{r['open_actions']} sponsor actions ({r['overdue_actions']} overdue)")


def _role_and_area(sponsor, facilitator):
    from govflow.domain_errors import NotFound
    from govflow.sponsors.services import get_area

    if bool(sponsor) == bool(facilitator):
        raise click.UsageError("Give exactly one of --sponsor AREA or --facilitator AREA.")
    role, slug = ("sponsor", sponsor) if sponsor else ("facilitator", facilitator)
    try:
        return role, get_area(slug)
    except NotFound as err:
        raise click.ClickException(err.message) from None


def _area_role_command(name: str, *, sponsor_help: str, facilitator_help: str):
    """`govflow area NAME EMAIL (--sponsor AREA | --facilitator AREA)`, in one transaction:
    the decorated function is called with the person, the role and the area."""

    def command(change):
        @area_group.command(name, help=change.__doc__)
        @click.argument("email")
        @click.option("--sponsor", metavar="AREA", help=sponsor_help)
        @click.option("--facilitator", metavar="AREA", help=facilitator_help)
        @with_appcontext
        @autocommit
        def run(email, sponsor, facilitator):
            role, area = _role_and_area(sponsor, facilitator)
            change(load_user(email), role, area)

        return run

    return command


@_area_role_command("assign", sponsor_help="Make them a sponsor of this area (slug)",
                    facilitator_help="Make them a facilitator of this area (slug)")
def area_assign(user, role, area):
    """Make a person a sponsor or facilitator of an area."""
    from govflow.sponsors.services import assign_area_role

    if not user.active:
        raise click.ClickException(f"{user.email} is deactivated; reactivate them first.")
    if assign_area_role(user, role, area):
        click.echo(f"{user.display_name} ({user.email}) is now a {role} of {area.name}.")
    else:
        click.echo(f"{user.display_name} ({user.email}) was already a {role} of {area.name}.")


@_area_role_command("unassign", sponsor_help="Stop them being a sponsor of this area",
                    facilitator_help="Stop them being a facilitator of this area")
def area_unassign(user, role, area):
    """Stop a person being a sponsor or facilitator of an area."""
    from govflow.sponsors.services import unassign_area_role

    if unassign_area_role(user, role, area):
        click.echo(f"{user.display_name} ({user.email}) is no longer a {role} of {area.name}.")
    else:
        raise click.ClickException(f"{user.email} is not a {role} of {area.name}.")
