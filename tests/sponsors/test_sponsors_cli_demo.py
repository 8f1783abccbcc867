"""`govflow area list|assign|unassign`, and the demo sponsor actions."""

from __future__ import annotations

import json

from sqlalchemy import select

from govflow.extensions import db
from govflow.sponsors.models import SponsorAction


def test_area_list_shows_sponsors_and_facilitators(runner):
    result = runner.invoke(args=["area", "list"])
    assert result.exit_code == 0, result.output
    assert "denaby" in result.output and "gareth.holmes@syp.example" in result.output
    rows = json.loads(runner.invoke(args=["area", "list", "--json"]).output)
    denaby = next(r for r in rows if r["slug"] == "denaby")
    assert "rachel.dunn@dmbc.example" in denaby["facilitators"]


def test_assign_and_unassign_a_sponsor_and_a_facilitator(runner, people):
    email = "helen.ackroyd@dcst.example"
    result = runner.invoke(args=["area", "assign", email, "--sponsor", "balby"])
    assert result.exit_code == 0 and "now a sponsor of Balby" in result.output
    assert people[email].id and "sponsor" in people[email].roles
    again = runner.invoke(args=["area", "assign", email, "--sponsor", "balby"])
    assert again.exit_code == 0 and "already" in again.output

    result = runner.invoke(args=["area", "assign", email, "--facilitator", "hexthorpe"])
    assert result.exit_code == 0
    rows = json.loads(runner.invoke(args=["area", "list", "--json"]).output)
    by_slug = {r["slug"]: r for r in rows}
    assert email in by_slug["balby"]["sponsors"]
    assert email in by_slug["hexthorpe"]["facilitators"]

    result = runner.invoke(args=["area", "unassign", email, "--sponsor", "balby"])
    assert result.exit_code == 0 and "no longer a sponsor of Balby" in result.output
    rows = json.loads(runner.invoke(args=["area", "list", "--json"]).output)
    assert email not in {r["slug"]: r for r in rows}["balby"]["sponsors"]
    missing = runner.invoke(args=["area", "unassign", email, "--sponsor", "balby"])
    assert missing.exit_code != 0 and "is not a sponsor of Balby" in missing.output


def test_assign_needs_exactly_one_role_and_known_names(runner):
    both = runner.invoke(args=["area", "assign", "helen.ackroyd@dcst.example",
                               "--sponsor", "balby", "--facilitator", "balby"])
    assert both.exit_code != 0 and "exactly one" in both.output
    nobody = runner.invoke(args=["area", "assign", "nobody@x.example", "--sponsor", "balby"])
    assert nobody.exit_code != 0 and "No one has the email address" in nobody.output
    nowhere = runner.invoke(args=["area", "assign", "helen.ackroyd@dcst.example",
                                  "--sponsor", "atlantis"])
    assert nowhere.exit_code != 0 and "no area called 'atlantis'" in nowhere.output


def test_demo_actions_are_loaded_once_with_open_overdue_and_done(app):
    from govflow.sponsors import demo, services

    actions = db.session.scalars(select(SponsorAction)).all()
    today = services.london_today()
    statuses = [a.status for a in actions]
    assert "done" in statuses and "open" in statuses
    assert any(services.is_overdue(a, today) for a in actions)
    assert all(a.history and a.history[0].to_status == "open" for a in actions)
    assert all(a.status == "open" or len(a.history) == 2 for a in actions)
    assert demo.load_demo_extras() == {"sponsor actions": 0}
    assert len(db.session.scalars(select(SponsorAction)).all()) == len(actions)
