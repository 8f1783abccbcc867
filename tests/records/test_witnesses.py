"""Witnesses outside the database: the sweep takes each day's record root once and sends it to
the central forum's secretaries; exports print it; `govflow verify-export` checks an export
against the database, and catches even a rewrite that leaves the database agreeing with
itself. The daily check tells every admin of a break and the admin page shows it."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select, text

from govflow import sweep, workdays
from govflow.extensions import db
from govflow.items.models import Event
from govflow.notifications.models import Notification
from govflow.records.models import RecordRoot, RecordVerification
from govflow.records.roots import compute_root
from tests.support.tamper import bypass_protections, rewrite_chain


@pytest.fixture
def later(app):
    """Two days after the last entry of the demo record (taken from the data, not the clock),
    in the morning, London time."""
    last = db.session.scalar(select(func.max(Event.chained_at)))
    day = workdays.london_date(last) + timedelta(days=2)
    return workdays._london_to_naive_utc(day, time(7, 0))


def _kinds(kind: str) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.kind == kind)
                                   .order_by(Notification.id)))


def test_the_sweep_takes_yesterdays_root_once_and_sends_it_to_the_central_secretaries(later):
    from govflow.forums.models import Forum
    from govflow.forums.services import forum_secretaries

    sweep.run(now=later)
    yesterday = workdays.london_date(later) - timedelta(days=1)
    root = db.session.scalar(select(RecordRoot).where(RecordRoot.day == yesterday))
    assert root is not None
    assert root.root_hash == compute_root(yesterday).root_hash
    assert root.entries > 100
    central = db.session.scalar(select(Forum).where(Forum.kind == "central"))
    secretaries = {p.id for p in forum_secretaries(central)}
    told = _kinds("record_root")
    assert secretaries and {n.user_id for n in told} == secretaries
    expected = (f"Record root on {workdays.format_date(yesterday)}: {root.root_hash}, "
                f"{root.entries:,} entries")
    assert all(n.subject == expected for n in told)

    sweep.run(now=later + timedelta(hours=3))  # the same day again: nothing new
    assert db.session.scalar(select(func.count(RecordRoot.id))) == 1
    assert len(_kinds("record_root")) == len(told)


def test_a_root_covers_only_what_was_chained_by_the_end_of_its_day(later, people):
    from govflow.clock import fixed_at
    from govflow.items.models import Item
    from govflow.items.services import add_comment

    yesterday = workdays.london_date(later) - timedelta(days=1)
    before = compute_root(yesterday)
    with fixed_at(later):
        add_comment(db.session.scalar(select(Item).order_by(Item.id)), people["practitioner"],
                    "A comment made today.")
    assert compute_root(yesterday) == before  # today's entry is not in yesterday's root
    today = compute_root(workdays.london_date(later))
    assert today.entries == before.entries + 1


def test_an_intact_record_is_shown_as_verified_on_the_admin_page(later, auth, client):
    sweep.run(now=later)
    run = db.session.scalar(select(RecordVerification))
    assert run.intact is True and run.breaks == 0 and run.entries > 100
    _login_admin(auth)
    page = client.get("/admin/record").get_data(as_text=True)
    assert "The record is intact" in page
    assert "Last verified" in page
    assert _kinds("record_broken") == []


def _login_admin(auth):
    from tests.conftest import demo_people

    auth.login(demo_people()["admin"])


def test_a_break_found_by_the_daily_check_tells_every_admin_and_shows_on_the_admin_page(
        later, auth, client):
    from govflow.records.sweep import _admins
    from govflow.sweep import run as run_sweep

    event = db.session.scalar(select(Event).order_by(Event.id).offset(5).limit(1))
    bypass_protections()
    db.session.execute(text("UPDATE events SET reason = 'Quietly rewritten' WHERE id = :id"),
                       {"id": event.id})
    db.session.commit()
    run_sweep(now=later)
    run = db.session.scalar(select(RecordVerification))
    assert run.intact is False and run.breaks == 1
    assert run.first_break.startswith(f"events row {event.id} (entry ")
    assert "reason no longer matches" in run.first_break
    admins = {a.id for a in _admins()}
    told = _kinds("record_broken")
    assert admins and {n.user_id for n in told} == admins
    assert all(f"events row {event.id}" in n.body for n in told)
    _login_admin(auth)
    page = client.get("/admin/record").get_data(as_text=True)
    assert "The record has been changed outside govflow" in page
    assert f"events row {event.id} (entry " in page


def _download(client, path, query, tmp_path, name):
    response = client.get(path, query_string=query)
    assert response.status_code == 200
    target = tmp_path / name
    target.write_bytes(response.get_data())
    return target


@pytest.mark.parametrize("path, query, name", [
    ("/decisions/export.csv", {}, "decision-log.csv"),
    ("/forums/decision-log.pdf", {}, "decision-log.pdf"),
])
def test_exports_print_the_root_and_verify_export_catches_a_consistent_rewrite(
        later, auth, client, runner, tmp_path, path, query, name):
    from govflow.clock import fixed_at
    from govflow.decisions.models import Decision

    sweep.run(now=later)
    yesterday = workdays.london_date(later) - timedelta(days=1)
    root = db.session.scalar(select(RecordRoot).where(RecordRoot.day == yesterday))
    _login_admin(auth)
    with fixed_at(later + timedelta(hours=2)):
        export = _download(client, path, query, tmp_path, name)
    if name.endswith(".csv"):
        assert export.read_text(encoding="utf-8-sig").rstrip().endswith(
            f'"Record root on {workdays.format_date(yesterday)}: {root.root_hash}, '
            f'{root.entries:,} entries"')
    result = runner.invoke(args=["verify-export", str(export)])
    assert result.exit_code == 0, result.output
    assert "The export matches the record." in result.output

    # Someone with the database rewrites a decision and re-seals its item's whole chain:
    # the database now agrees with itself, and govflow check finds no break...
    decision = db.session.scalar(select(Decision).order_by(Decision.id))
    bypass_protections()
    db.session.execute(text("UPDATE decisions SET rationale = 'We never agreed to this' "
                            "WHERE id = :id"), {"id": decision.id})
    rewrite_chain("item", decision.item_id)
    db.session.commit()  # (the check's own rollback would otherwise undo the rewrite)
    check = runner.invoke(args=["check"])
    assert "record_chains" in check.output
    assert "item " + str(decision.item_id) not in check.output
    # ...but the root printed on the export no longer matches.
    result = runner.invoke(args=["verify-export", str(export)])
    assert result.exit_code == 1
    assert f"The record root printed for {yesterday.day} " in result.output
    assert "has been changed since this file was made" in result.output
