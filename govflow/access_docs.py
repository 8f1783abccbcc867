"""Writes docs/access-policy.md: the table of powers, generated from the access policy
(govflow/permissions/) and the workflow files, never written by hand."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from govflow import permissions
from govflow.workflow.definition import WORKFLOW_DIR, load

DOC = Path(__file__).resolve().parent.parent / "docs" / "access-policy.md"

# What each workflow-file role means for an item (permissions.item_roles).
RELATIONS = {
    "raiser": "the person who raised the item",
    "owner": "the person who has taken ownership of it",
    "facilitator": "a facilitator of the item's own area (not of an area added to it)",
    "sponsor": "a local area sponsor of the item's own area (not of an area added to it)",
    "head_of_service": "a Head of Service (Silver) in the item's organisation or own area",
    "executive": "any executive (Gold)",
    "admin": "an administrator",
    "system": "govflow itself (the sweep), no person",
    "affected": "someone working in an area added to the item (\"we have this too\"): may "
                "follow and comment, and holds none of the powers above",
}
INTRO = """# Access policy: who sees what, who may do what

This page is generated from the access policy (`govflow/permissions/`) and the workflow
files (`workflows/*.yaml`) by `govflow access-table`; a test fails when it is out of date.
Do not edit it by hand.

## Seeing

- Everyone signed in reads every item, its history, every decision and approved minutes.
- A **restricted** item is seen only by: {restricted}
- Everyone else finds a restricted item absent from every list, count, search, suggestion,
  CSV, PDF, API answer, calendar file, dashboard figure, area page and notification; its link
  shows a page saying it is restricted and whom to ask. The partnership's dashboard figures
  leave restricted items out for everyone (they are the same for every reader).
- Email addresses are shown only where needed: one's own, the raiser and owner of one's own
  items, and to administrators.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render() -> str:
    lines = [INTRO.format(restricted=_cell(permissions.sees_restricted.__doc__.split(
        "Restricted items: ", 1)[-1].strip().replace("\n   ", "").replace("    ", " ")))]
    lines += ["## Powers over things", "",
              "| Thing | Action | Who (the policy's rule) |", "|---|---|---|"]
    for thing in sorted(permissions.THINGS):
        for action, name in sorted(permissions.THINGS[thing].items()):
            rule = permissions.RULES[name]
            lines.append(f"| {thing} | {action} (`{name}`) | {_cell(rule.doc or rule.name)} |")
    lines += ["", "## Relations to an item", "", "| Relation | Who |", "|---|---|"]
    lines += [f"| {role} | {who} |" for role, who in RELATIONS.items()]
    for path in sorted(WORKFLOW_DIR.glob("*.yaml")):
        spec = load(path.stem)
        lines += ["", f"## {spec.label}: who may fire each trigger (workflows/{path.name})", "",
                  "| Trigger | From | To | When | Who |", "|---|---|---|---|---|"]
        for trigger in spec.triggers.values():
            for t in trigger.transitions:
                dest = spec.state_label(t.dest) if t.dest else "(same state)"
                sources = ", ".join(spec.state_label(s) for s in t.sources)
                who = ", ".join(sorted(t.roles))
                lines.append(f"| {_cell(trigger.label)} | {sources} | {dest} | "
                             f"{_cell(t.when or '')} | {who} |")
    return "\n".join(lines) + "\n"


@click.command("access-table")
@click.option("--check", is_flag=True, help="Fail if docs/access-policy.md is out of date.")
@with_appcontext
def access_table(check: bool):
    """Write docs/access-policy.md from the access policy and the workflow files."""
    text = render()
    if check:
        if not DOC.exists() or DOC.read_text() != text:
            raise click.ClickException("docs/access-policy.md is out of date: run "
                                       "`govflow access-table`")
        click.echo("docs/access-policy.md is up to date")
        return
    DOC.write_text(text)
    click.echo(f"wrote {DOC}")


CLI_COMMANDS = (access_table,)
