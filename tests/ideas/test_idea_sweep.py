"""The sweep's idea steps: silence is consent, once, at the right tier, and on the record."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from govflow import sweep
from govflow.decisions.models import Decision
from govflow.extensions import db
from govflow.items import ideas
from govflow.items.models import Item
from govflow.workflow import engine
from tests.support.races import race, scratch_database

MONDAY = datetime(2026, 11, 2, 9, 0)  # deadline for Bronze: Monday 9 November, 5pm


def _propose(person, funding="300", title="Sweep idea"):
    item = ideas.propose_idea(person, title=title, description="A trial.", why="It helps.",
                              outcomes=["reach-full-potential"], area="denaby",
                              funding_asked=funding, now=MONDAY)
    db.session.commit()  # as the request that proposed it did
    return item.id


def _decisions(item_id):
    return db.session.scalars(select(Decision).where(Decision.item_id == item_id)).all()


def test_a_dry_run_lists_what_it_would_approve_and_changes_nothing(app, people):
    item_id = _propose(people["practitioner"])
    db.session.commit()  # the sweep is a command of its own
    ctx = sweep.run(now=datetime(2026, 11, 10, 9, 0), dry_run=True)
    assert any(line.startswith(f"Idea {item_id} ") for line in ctx.lines)
    assert "ideas approved by default" in ctx.summary()
    assert db.session.get(Item, item_id).state == "proposed"
    assert _decisions(item_id) == []


def test_an_idea_decided_in_time_is_left_alone(app, people):
    item_id = _propose(people["practitioner"])
    engine.fire(db.session.get(Item, item_id), "decline", people["facilitator"], fields={
        "reason_category": "other", "why_not": "Not now.", "what_would_make_yes": "Next term."},
        now=datetime(2026, 11, 9, 12, 0))
    db.session.commit()  # the sweep is a command of its own
    sweep.run(now=datetime(2026, 11, 10, 9, 0))
    assert [d.outcome for d in _decisions(item_id)] == ["declined"]


def test_a_challenged_idea_nobody_answers_is_approved_by_default_at_the_next_tier(app, people):
    item_id = _propose(people["practitioner"])
    item = db.session.get(Item, item_id)
    engine.fire(item, "decline", people["facilitator"], fields={
        "reason_category": "cost", "why_not": "No budget.", "what_would_make_yes": "A partner."},
        now=datetime(2026, 11, 3, 12, 0))
    engine.fire(item, "challenge", people["practitioner"], fields={"reason": "Please look again."},
                now=datetime(2026, 11, 4, 9, 0))
    assert (item.tier, item.due_at) == ("silver", datetime(2026, 11, 11, 17, 0))
    db.session.commit()  # the sweep is a command of its own
    sweep.run(now=datetime(2026, 11, 11, 16, 0))
    assert db.session.get(Item, item_id).state == "challenged"
    db.session.commit()  # the sweep is a command of its own
    sweep.run(now=datetime(2026, 11, 11, 17, 5))
    item = db.session.get(Item, item_id)
    assert (item.state, item.tier) == ("approved", "silver")
    latest = max(_decisions(item_id), key=lambda d: d.id)
    assert latest.by_default and latest.tier == "silver"
    assert latest.summary.endswith("Silver (Heads of Service) did not answer")


def test_a_late_sweep_dates_the_approval_at_the_deadline_and_says_why_it_is_late(app, people):
    item_id = _propose(people["practitioner"])
    db.session.commit()  # the sweep is a command of its own
    sweep.run(now=datetime(2026, 11, 13, 9, 0))  # Friday: four days after the deadline
    [decision] = _decisions(item_id)
    assert decision.decided_at == datetime(2026, 11, 9, 17, 0)
    assert decision.recorded_at == datetime(2026, 11, 13, 9, 0)
    assert decision.delay_explanation.startswith("The sweep did not run between the deadline")


@pytest.mark.postgres_only
def test_two_sweeps_at_once_approve_each_idea_exactly_once():
    """Two sweeps (threads, each with its own app and connections) race over the same overdue
    ideas in their own database; every idea gets exactly one by-default decision."""
    from sqlalchemy import create_engine, func

    from govflow import create_app, seeding
    from govflow.accounts.models import LocalArea, User
    from govflow.sweep import SweepContext

    with scratch_database() as (config, url):
        setup = create_app(config)
        with setup.app_context():
            seeding.load_reference()
            db.session.add(LocalArea(slug="racing", name="Racing"))
            proposer = User(email="proposer@race.example", display_name="Proposer")
            db.session.add(proposer)
            db.session.commit()
            for i in range(60):
                ideas.propose_idea(proposer, title=f"Race idea {i}", description="A trial.",
                                   why="It helps.", outcomes=["reach-full-potential"],
                                   area="racing", funding_asked=str(100 * (i % 3) * 60),
                                   now=MONDAY)
            db.session.commit()  # the boundary a request or command would commit at
            db.session.remove()
            db.engine.dispose()

        def approve(_sync):
            from govflow.items.idea_sweep import approve_by_default

            ctx = SweepContext(now=datetime(2026, 11, 20, 9, 0), batch_size=7)
            approve_by_default(ctx)
            return ctx

        contexts, errors = race(config, approve, timeout=120)
        assert not errors, errors

        engine = create_engine(url)
        with engine.connect() as conn:
            per_item = conn.execute(
                select(Decision.item_id, func.count()).where(Decision.by_default)
                .group_by(Decision.item_id)).all()
            states = conn.execute(select(Item.state, func.count()).group_by(Item.state)).all()
        engine.dispose()
        assert len(per_item) == 60 and all(n == 1 for _, n in per_item)
        assert dict(states) == {"approved": 60}
        assert sum(c.counts["ideas approved by default"] for c in contexts) == 60
