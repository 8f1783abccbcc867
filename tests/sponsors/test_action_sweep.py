"""The sweep reminds owners before an action is due and flags overdue ones to the area's
facilitators — each exactly once per due date, however often and however many sweeps run."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sponsor_support import FACILITATOR, SPONSOR
from sqlalchemy import select

from govflow.extensions import db
from govflow.notifications.models import Notification
from govflow.sweep import SweepContext
from tests.support.notices import listed, told_of
from tests.support.races import race, scratch_database

# November 2026 has no bank holidays; London is on GMT so 9am UTC is 9am London.
CREATED = datetime(2026, 11, 4, 9, 0)  # Wednesday
DUE = date(2026, 11, 13)  # Friday


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, 0)


def run_sponsor_steps(now, dry_run=False):
    from govflow.sponsors.sweep import sweep_steps

    ctx = SweepContext(now=now, dry_run=dry_run)
    for step in sweep_steps():
        step(ctx)
    return ctx


def _mine(action, kind):
    """The notifications that told someone of this action as `kind`: its own notification,
    or a line of a run's grouped one. A sweep sends each person one notification a run, so
    when other actions fall due in the same run (the demo partnership's, seeded at the
    suite's moment: in late October they are due in November too) this action is a line
    among theirs."""
    link = f"/actions/{action.id}"
    notes = db.session.scalars(
        select(Notification).where(Notification.kind.in_((kind, "sweep")))
        .order_by(Notification.id)
    ).all()
    return [n for n in notes if (n.kind == kind and n.link == link)
            or (n.kind == "sweep" and any(url.endswith(link) for url in listed(n.body, kind)))]


@pytest.fixture
def action(make_action, people):
    return make_action(what="Sweep: agree the room booking note", due_on=DUE, now=CREATED,
                       owner=people[SPONSOR])


def test_owner_is_reminded_once_in_the_window_before_the_due_date(action, people):
    run_sponsor_steps(at(9))  # Monday: due in 4 working days, outside the 2-day window
    assert _mine(action, "action_reminder") == []

    ctx = run_sponsor_steps(at(11))  # Wednesday: due in 2 working days
    [reminder] = _mine(action, "action_reminder")
    assert reminder.user_id == people[SPONSOR].id
    assert "13 November 2026" in reminder.subject
    assert ctx.counts["action reminders"] >= 1
    db.session.refresh(action)
    assert action.reminder_sent_for == DUE

    run_sponsor_steps(at(11, 15))  # again the same day
    run_sponsor_steps(at(12))  # and the next day
    run_sponsor_steps(at(13))  # and on the due day
    assert len(_mine(action, "action_reminder")) == 1
    assert _mine(action, "action_overdue") == []  # not overdue on the day it is due


def test_overdue_action_is_flagged_to_the_areas_facilitators_once(action, people):
    run_sponsor_steps(at(13, 18))  # Friday evening: due today, so not yet overdue
    assert _mine(action, "action_overdue") == []
    assert len(_mine(action, "action_reminder")) == 1  # but its owner hears it is due today

    run_sponsor_steps(at(16))  # Monday: overdue
    flags = _mine(action, "action_overdue")
    facilitators = {people[FACILITATOR].id, people["lorraine.hebden@denaby-cafe.example"].id}
    assert {n.user_id for n in flags} == facilitators and len(flags) == 2
    assert "Denaby" in flags[0].subject
    db.session.refresh(action)
    assert action.overdue_flagged_for == DUE

    run_sponsor_steps(at(16, 15))
    run_sponsor_steps(at(17))
    run_sponsor_steps(at(30))
    assert len(_mine(action, "action_overdue")) == 2
    assert len(_mine(action, "action_reminder")) == 1


def test_an_action_first_seen_after_its_due_date_is_flagged_not_reminded(action):
    run_sponsor_steps(at(18))
    assert _mine(action, "action_reminder") == []  # too late to remind: the flag covers it
    assert len(_mine(action, "action_overdue")) == 2


def test_closed_actions_get_neither(action, people):
    from govflow.sponsors import services

    services.complete_action(action, people[SPONSOR], outcome="Done early",
                             version=action.version, now=at(5))
    run_sponsor_steps(at(12))
    run_sponsor_steps(at(20))
    assert _mine(action, "action_reminder") == [] and _mine(action, "action_overdue") == []


def test_the_sweeps_bookkeeping_does_not_make_an_open_form_stale(action, people):
    from govflow.sponsors import services

    seen = action.version
    run_sponsor_steps(at(11))
    run_sponsor_steps(at(16))
    db.session.refresh(action)
    assert action.version == seen
    services.complete_action(action, people[SPONSOR], outcome="Booked", version=seen, now=at(16))
    assert action.status == "done"


def test_dry_run_lists_but_changes_nothing(action):
    ctx = run_sponsor_steps(at(11), dry_run=True)
    assert any(f"sponsor action {action.id} " in line for line in ctx.lines)
    assert _mine(action, "action_reminder") == []
    db.session.refresh(action)
    assert action.reminder_sent_for is None


def test_the_govflow_sweep_command_runs_the_sponsor_steps(action, runner):
    result = runner.invoke(args=["sweep", "--as-of", "2026-11-11T09:00", "--no-send", "-v"])
    assert result.exit_code == 0, result.output
    assert f"sponsor action {action.id} due 13 November 2026" in result.output
    assert len(_mine(action, "action_reminder")) == 1
    runner.invoke(args=["sweep", "--as-of", "2026-11-11T10:00", "--no-send"])
    assert len(_mine(action, "action_reminder")) == 1


# --------------------------------------------------------------------------- races (PostgreSQL)


def _racing_area(config, n_actions, due):
    """An area with a sponsor, two facilitators and n open actions; returns action ids."""
    from govflow import create_app
    from govflow.accounts.models import LocalArea, RoleAssignment, User
    from govflow.sponsors.models import SponsorAction, SponsorActionEvent

    app = create_app(config)
    with app.app_context():
        area = LocalArea(slug="racing", name="Racing")
        owner = User(email="owner@race.example", display_name="Owner")
        helpers = [User(email=f"f{i}@race.example", display_name=f"Facilitator {i}")
                   for i in range(2)]
        db.session.add_all([area, owner, *helpers])
        db.session.flush()
        db.session.add(RoleAssignment(user_id=owner.id, role="sponsor", area_id=area.id))
        for h in helpers:
            db.session.add(RoleAssignment(user_id=h.id, role="facilitator", area_id=area.id))
        actions = [SponsorAction(area_id=area.id, sponsor_id=owner.id, owner_id=owner.id,
                                 created_by_id=owner.id, what=f"Race {i}", due_on=due(i))
                   for i in range(n_actions)]
        db.session.add_all(actions)
        db.session.flush()
        for a in actions:
            db.session.add(SponsorActionEvent(action_id=a.id, actor_id=owner.id,
                                              to_status="open", note="Recorded"))
        db.session.commit()
        ids = [a.id for a in actions]
        db.session.remove()
        db.engine.dispose()
    return ids


@pytest.mark.postgres_only
def test_two_sweeps_at_once_send_each_reminder_and_flag_exactly_once():
    """Two processes' worth of sweeps (threads, each with its own app and connections) race
    over the same actions; every action is reminded or flagged exactly once."""
    from sqlalchemy import create_engine

    from govflow.accounts.models import User

    with scratch_database() as (config, url):
        # Half due on the Friday (remind), half due the Tuesday before (overdue: flag).
        _racing_area(config, 60, lambda i: DUE if i % 2 else date(2026, 11, 10))

        def sweep(_sync):
            from govflow.sponsors.sweep import sweep_steps

            ctx = SweepContext(now=at(11), batch_size=7)
            for step in sweep_steps():
                step(ctx)
            return ctx

        contexts, errors = race(config, sweep)
        assert not errors, errors
        engine = create_engine(url)
        with engine.connect() as conn:
            received = conn.execute(
                select(User.email, Notification.kind, Notification.body)
                .join(User, User.id == Notification.user_id)
                .where(User.email.like("%@race.example"))).all()
        engine.dispose()
        # Each person gets at most one notification from each of the two runs; between them
        # they tell the owner of each of the 30 reminders, and each facilitator of each of
        # the 30 overdue actions, once.
        for email, kind, count in (("owner@race.example", "action_reminder", 30),
                                   ("f0@race.example", "action_overdue", 30),
                                   ("f1@race.example", "action_overdue", 30)):
            mine = [(k, body) for who, k, body in received if who == email]
            assert 1 <= len(mine) <= 2, (email, len(mine))
            assert sum(told_of(k, body, kind) for k, body in mine) == count, email
        assert sum(c.counts["action reminders"] for c in contexts) == 30
        assert sum(c.counts["overdue actions flagged"] for c in contexts) == 30


@pytest.mark.postgres_only
def test_two_people_closing_the_same_action_at_once_exactly_one_wins():
    from sqlalchemy import create_engine

    from govflow.domain_errors import StaleVersion
    from govflow.sponsors.models import SponsorAction, SponsorActionEvent

    with scratch_database() as (config, url):
        [action_id] = _racing_area(config, 1, lambda i: DUE)

        def close(sync):
            from govflow.accounts.models import User
            from govflow.sponsors import services
            from govflow.transaction import unit_of_work

            me = db.session.scalar(select(User).where(User.email == "owner@race.example"))
            action = services.get_action(action_id)
            seen = action.version
            sync()  # both have read the action at the same version; now both write
            try:
                # One request's worth: the use-case, then the commit at its boundary.
                with unit_of_work():
                    services.complete_action(action, me, outcome="Done it", version=seen)
            except StaleVersion:
                return "stale"
            return "won"

        outcomes = []
        for _ in range(5):  # a few rounds: each must have exactly one winner
            engine = create_engine(url)
            with engine.begin() as conn:
                conn.execute(SponsorAction.__table__.update()
                             .where(SponsorAction.id == action_id)
                             .values(status="open", outcome_note="", completed_at=None))
            engine.dispose()
            results, errors = race(config, close)
            assert not errors, errors
            outcomes.append(sorted(results))
        assert all(r == ["stale", "won"] for r in outcomes), outcomes
        engine = create_engine(url)
        with engine.connect() as conn:
            closes = conn.execute(select(SponsorActionEvent.to_status).where(
                SponsorActionEvent.action_id == action_id,
                SponsorActionEvent.from_status.is_not(None))).all()
        engine.dispose()
        assert len(closes) == 5  # one status-change event per round, never two


def test_the_sweep_looks_up_the_people_and_areas_of_a_batch_together(make_action, people):
    """Flagging eight overdue actions asks for their owners, sponsors and areas no more
    often than flagging two: each batch loads them together, not one action at a time."""
    from sqlalchemy import event

    from govflow.accounts.models import User

    owner_ids = [p.id for key, p in people.items() if "@" in key][:8]
    sponsor_id = people[SPONSOR].id

    def lookups(n: int, day: int) -> int:
        for k in range(n):
            make_action(db.session.get(User, sponsor_id), what=f"Batch lookups {day}.{k}",
                        due_on=DUE, now=CREATED,
                        owner=db.session.get(User, owner_ids[k % len(owner_ids)]))
        db.session.commit()
        db.session.expunge_all()  # nothing already loaded: what the sweep itself asks for
        seen = []

        def record(conn, cursor, statement, *args):
            if statement.lstrip().upper().startswith("SELECT") and (
                    "FROM users" in statement or "FROM local_areas" in statement):
                seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            run_sponsor_steps(at(day))
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return len(seen)

    assert lookups(8, 18) <= lookups(2, 17)
