"""`govflow outcomes …`: set up the outcome indicators (baselines and targets per area) from
a YAML file, and import a quarter's figures from a CSV file as a facilitator would."""

from __future__ import annotations

from pathlib import Path

import click
import yaml
from flask.cli import with_appcontext

from govflow.transaction import autocommit

outcomes_group = click.Group("outcomes", help="Outcome indicators and their figures.")
CLI_COMMANDS = (outcomes_group,)


@outcomes_group.command("indicators")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
@autocommit
def set_up(path: Path):
    """Add or update indicators, baselines and targets from a YAML file (the shape of
    seeds/demo/outcomes.yaml's `indicators:`); nothing changes if any entry is wrong."""
    from govflow.domain_errors import DomainError
    from govflow.outcomes import services

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        raise click.ClickException(f"{path} is not YAML: {err}") from None
    entries = data.get("indicators") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise click.ClickException(f"{path} has no list of indicators under 'indicators:'")
    try:
        counts = services.set_up_indicators(entries)
    except DomainError as err:
        raise click.ClickException(err.message) from None
    click.echo(", ".join(f"{what} {n}" for what, n in counts.items()) + ".")


@outcomes_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "email", required=True, help="The facilitator (or administrator) entering them")
@with_appcontext
@autocommit
def import_figures(path: Path, email: str):
    """Import figures (indicator, area, quarter, value) from a CSV file: every row or none."""
    from govflow.accounts.services import find_user
    from govflow.domain_errors import DomainError
    from govflow.outcomes import services

    user = find_user(email)
    if user is None or not user.active:
        raise click.ClickException(f"No active person with the email {email}")
    try:
        count = services.import_figures(user, path.read_text(encoding="utf-8-sig"))
    except services.ImportRejected as err:
        lines = [f"  line {e.row}: {e.message}" for e in err.row_errors]
        raise click.ClickException("\n".join([err.message, *lines])) from None
    except DomainError as err:
        raise click.ClickException(err.message) from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{path} must be a CSV file saved as UTF-8") from None
    click.echo(f"{count} figure{'s' if count != 1 else ''} imported.")
