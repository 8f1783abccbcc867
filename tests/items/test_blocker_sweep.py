"""The blocker sweep: overdue blockers escalate one tier (through the engine, as the system),
Gold is flagged for the central forum once, paused ones resume at the cap, quiet unblocked
ones close, warnings go a working day ahead; a second run changes nothing; --dry-run and
--as-of; the daily digest once per person per day; one notification per person per run."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from govflow.extensions import db
from govflow.items import blocker_sweep, services
from govflow.items.models import Event, Item
from govflow.notifications import digest
from govflow.notifications.models import Notification
from govflow.sweep import SweepContext
from govflow.workflow import engine

# London is on GMT in December, so these naive UTC times read as London times.
MON_21_DEC = datetime(2026, 12, 21, 10, 0)
BRONZE_DUE = datetime(2026, 12, 23, 17, 0)  # two working days after Monday 21 December


def _raise(person, now=MON_21_DEC, **kw):
    values = {"title": "The hub's meeting rooms cannot be booked after 4pm",
              "description": "There is no late caretaker, so family group conferences stop.",
              "area": "denaby", "organisation": "dcst"} | kw
    item = services.raise_blocker(person, now=now, **values)
    db.session.commit()  # as the request that raised it did
    return item


def sweep_blockers(now, dry_run=False):
    db.session.commit()  # what the test did before, as the requests that did it would have
    db.session.commit()  # the sweep is a command of its own
    ctx = SweepContext(now=now, dry_run=dry_run, batch_size=7)
    for step in blocker_sweep.sweep_steps():
        step(ctx)
    ctx.finish()
    return ctx


def received(person, at) -> list[Notification]:
    """The notifications the sweep run at `at` left in this person's inbox."""
    db.session.expire_all()
    return db.session.scalars(select(Notification).where(
        Notification.user_id == person.id, Notification.created_at == at)
        .order_by(Notification.id)).all()


def tells(note: Notification, item, subject: str) -> bool:
    """Does the notification tell of this item (`subject` being in what the item's own
    notification would say), with a way to it? Alone, it is the item's own notification;
    among others, it lists the item with its link."""
    if note.item_id == item.id:
        return subject in note.subject and note.link == f"/items/{item.id}"
    lines = note.body.splitlines()
    return note.kind == "sweep" and any(
        line.startswith("- ") and subject in line and following.endswith(f"/items/{item.id}")
        for line, following in zip(lines, lines[1:], strict=False))


def events(item):
    return db.session.scalars(select(Event).where(Event.item_id == item.id).order_by(Event.id)).all()


def notes(item, kind=None, user=None):
    q = select(Notification).where(Notification.item_id == item.id)
    if kind:
        q = q.where(Notification.kind == kind)
    if user:
        q = q.where(Notification.user_id == user.id)
    return db.session.scalars(q.order_by(Notification.id)).all()


def fresh(item) -> Item:
    db.session.expire_all()
    return db.session.get(Item, item.id)


def test_an_overdue_bronze_blocker_is_escalated_once_by_the_system(app, people):
    raiser = people["practitioner"]
    item = _raise(raiser)
    assert item.due_at == BRONZE_DUE

    at = BRONZE_DUE + timedelta(hours=1)
    ctx = sweep_blockers(at)
    item = fresh(item)
    assert (item.state, item.tier) == ("silver", "silver")
    last = events(item)[-1]
    assert (last.trigger, last.actor_id, last.from_tier, last.to_tier) == (
        "escalate", None, "bronze", "silver")
    assert last.reason == "Overdue: no action within 2 working days at Bronze"
    # Silver's three working days: Thu 24, then Christmas and Boxing Day, Tue 29, Wed 30.
    assert item.due_at == datetime(2026, 12, 30, 17, 0)
    assert any(f"blocker {item.id} " in line and "Bronze → Silver" in line for line in ctx.lines)
    # The raiser hears of it; the Head of Service for the trust hears it reached Silver: each
    # in the one notification the run leaves them.
    [note] = received(raiser, at)
    assert tells(note, item, f"Escalated: {item.title}")
    [note] = received(people["head_of_service"], at)
    assert tells(note, item, f"New at Silver: {item.title}")

    version, count = item.version, len(events(item))
    sweep_blockers(BRONZE_DUE + timedelta(hours=2))
    item = fresh(item)
    assert (item.state, item.version, len(events(item))) == ("silver", version, count)


def test_not_before_the_deadline(app, people):
    item = _raise(people["practitioner"])
    sweep_blockers(BRONZE_DUE - timedelta(minutes=1))
    assert fresh(item).state == "bronze"


def test_one_tier_per_run_then_gold_is_flagged_for_the_central_forum_once(app, people):
    raiser = people["practitioner"]
    item = _raise(raiser)
    sweep_blockers(BRONZE_DUE + timedelta(hours=1))
    silver_due = fresh(item).due_at
    sweep_blockers(silver_due + timedelta(hours=1))
    item = fresh(item)
    assert (item.state, item.flagged_for_forum_at) == ("gold", None)
    assert events(item)[-1].reason == "Overdue: no action within 3 working days at Silver"

    gold_due = item.due_at
    at = gold_due + timedelta(hours=1)
    version, count = item.version, len(events(item))
    ctx = sweep_blockers(at)
    item = fresh(item)
    assert item.state == "gold" and item.flagged_for_forum_at == at
    # The flag is bookkeeping: no state change, no event, and open pages are not made stale.
    assert (item.version, len(events(item))) == (version, count)
    assert ctx.counts["blockers flagged for the central forum"] >= 1
    subject = f"Overdue at Gold, so on the next central forum's agenda: {item.title}"
    for person in (people["executive"], raiser):
        [note] = received(person, at)
        assert tells(note, item, subject)

    later = at + timedelta(days=1)
    sweep_blockers(later)
    assert fresh(item).flagged_for_forum_at == at
    assert not any(tells(n, item, subject) for n in received(people["executive"], later))


def _left_until_its_time_is_up(people, trigger: str, fields: dict, *, waiting: str,
                               deadline: str, then: str):
    """A blocker the facilitator puts into `waiting` (by `trigger`, with `fields`), swept a
    minute before the time in its `deadline` column, when it must still be waiting, and a
    minute after, when the sweep must have fired `then` itself (no one's action). The item
    as the second sweep left it, that deadline, and the sweep's event."""
    item = _raise(people["practitioner"])
    engine.fire(item, trigger, people["facilitator"], now=datetime(2026, 12, 22, 10, 0),
                fields=fields)
    ends = getattr(fresh(item), deadline)
    sweep_blockers(ends - timedelta(minutes=1))
    assert fresh(item).state == waiting
    sweep_blockers(ends + timedelta(minutes=1))
    item = fresh(item)
    last = events(item)[-1]
    assert (last.trigger, last.actor_id) == (then, None)
    return item, ends, last


def test_a_pause_resumes_itself_at_the_cap(app, people):
    item, ends, resumed = _left_until_its_time_is_up(
        people, "pause", {"reason": "Waiting on the trust's legal team."},
        waiting="paused", deadline="pause_ends_at", then="resume")
    assert item.state == "bronze"
    assert "Paused for 10 working days, the most allowed" in resumed.reason
    assert item.due_at > ends  # the clock runs again from where it stopped


def test_an_unblocked_blocker_closes_itself_after_the_quiet_period(app, people):
    item, quiet_ends, closed = _left_until_its_time_is_up(
        people, "unblock", {"resolution": "The caretaker now stays until 7pm on Tuesdays."},
        waiting="unblocked", deadline="due_at", then="close")
    assert item.state == "closed" and item.closed_at == quiet_ends + timedelta(minutes=1)
    assert closed.reason.startswith("Closed automatically")


def test_a_warning_goes_one_working_day_before_the_deadline_once(app, people):
    item = _raise(people["practitioner"])  # due Wednesday 23 December at 5pm
    sweep_blockers(datetime(2026, 12, 21, 16, 0))  # Monday: two working days away
    assert notes(item, "deadline_warning") == []

    tuesday = datetime(2026, 12, 22, 9, 0)
    version = fresh(item).version
    sweep_blockers(tuesday)
    subject = f"Due in 1 working day: {item.title}"
    [warned] = received(people["facilitator"], tuesday)
    assert tells(warned, item, subject)
    if warned.item_id == item.id:  # alone, the warning says what happens next
        assert "escalated to Silver automatically" in warned.body
    else:
        assert "each moves on automatically" in warned.body
    item = fresh(item)
    assert item.warning_sent_for == BRONZE_DUE
    assert item.version == version  # bookkeeping does not make open pages stale

    for later in (tuesday + timedelta(hours=3), datetime(2026, 12, 23, 9, 0)):
        sweep_blockers(later)
        assert not any(tells(n, item, subject) for n in received(people["facilitator"], later))


def test_an_owner_is_warned_instead_of_the_whole_tier(app, people):
    item = _raise(people["practitioner"])
    engine.fire(item, "take", people["facilitator"], now=datetime(2026, 12, 21, 11, 0))
    due = fresh(item).due_at
    at = due - timedelta(hours=8)
    sweep_blockers(at)
    subject = f": {item.title}"
    assert tells(received(people["facilitator"], at)[0], item, subject)
    # Denaby's other facilitator is not: the owner is the one who must act.
    assert not any(tells(n, item, subject)
                   for n in received(people["lorraine.hebden@denaby-cafe.example"], at))


def test_dry_run_lists_what_it_would_do_and_changes_nothing(app, people):
    item = _raise(people["practitioner"])
    before = (fresh(item).version, len(events(item)))
    count = db.session.scalar(select(func.count(Notification.id)))
    ctx = sweep_blockers(BRONZE_DUE + timedelta(hours=1), dry_run=True)
    assert any(line.startswith(f"Would escalate blocker {item.id} ") for line in ctx.lines)
    assert ctx.counts["blockers escalated"] >= 1
    item = fresh(item)
    assert (item.state, item.version, len(events(item))) == ("bronze", *before)
    assert db.session.scalar(select(func.count(Notification.id))) == count


def test_the_sweep_command_with_as_of_dry_run_and_a_second_run(app, people, runner):
    item = _raise(people["practitioner"])
    at = "2026-12-23T18:00"
    db.session.commit()  # the sweep is a command of its own
    dry = runner.invoke(args=["sweep", "--as-of", at, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"Would escalate blocker {item.id} " in dry.output
    assert dry.output.strip().splitlines()[-1].startswith("Sweep (dry run, nothing changed):")
    assert fresh(item).state == "bronze"

    real = runner.invoke(args=["sweep", "--as-of", at, "--no-send"])
    assert real.exit_code == 0, real.output
    [summary] = real.output.strip().splitlines()  # one line
    assert summary.startswith("Sweep: ") and "blockers escalated" in summary
    assert fresh(item).state == "silver"

    again = runner.invoke(args=["sweep", "--as-of", at, "--no-send"])
    assert again.output.strip() == "Sweep: nothing to do."

    bad = runner.invoke(args=["sweep", "--as-of", "next tuesday"])
    assert bad.exit_code != 0 and "ISO date-time" in bad.output


def test_the_daily_digest_once_per_person_per_working_day(app, people):
    facilitator = people["facilitator"]
    item = _raise(people["practitioner"])
    tuesday = datetime(2026, 12, 22, 8, 0)

    def digests():
        return db.session.scalars(select(Notification).where(
            Notification.user_id == facilitator.id, Notification.kind == "digest")
            .order_by(Notification.id)).all()

    before = len(digests())
    db.session.commit()  # the sweep is a command of its own
    ctx = SweepContext(now=tuesday)
    for step in digest.sweep_steps():
        step(ctx)
    mine = digests()[before:]
    assert len(mine) == 1
    assert "due within a working day" in mine[0].subject
    assert item.title in mine[0].body and f"/items/{item.id}" in mine[0].body
    assert mine[0].dedupe_key == f"digest:{facilitator.id}:2026-12-22"

    for step in digest.sweep_steps():  # later the same London day: nothing new
        step(SweepContext(now=tuesday + timedelta(hours=9)))
    assert len(digests()) == before + 1

    db.session.commit()  # the sweep is a command of its own
    saturday = SweepContext(now=datetime(2026, 12, 26, 9, 0))
    for step in digest.sweep_steps():
        step(saturday)
    assert saturday.counts["daily digests"] == 0

    db.session.commit()  # the sweep is a command of its own
    wednesday = SweepContext(now=datetime(2026, 12, 23, 18, 0))  # now overdue
    for step in digest.sweep_steps():
        step(wednesday)
    latest = digests()[-1]
    assert latest.dedupe_key == f"digest:{facilitator.id}:2026-12-23"
    assert "overdue" in latest.subject and "Overdue since 5pm today" in latest.body


def test_people_with_nothing_due_get_no_digest(app, people):
    db.session.commit()  # the sweep is a command of its own
    ctx = SweepContext(now=datetime(2026, 12, 22, 8, 0), dry_run=True)
    for step in digest.sweep_steps():
        step(ctx)
    practitioner = people["practitioner"].email  # raises blockers; works no queue
    assert not any(practitioner in line for line in ctx.lines)


def test_one_notification_per_person_per_run_listing_each_item(app, people):
    """Three blockers escalate in one run: each has its own escalation in its history, but the
    Head of Service gets one notification listing all three (each with its link), and so does
    the raiser; it is not emailed until the run is over."""
    from govflow.notifications import sender

    raiser, helen = people["practitioner"], people["head_of_service"]
    items = [_raise(raiser, title=f"Room {n} at the hub cannot be booked after 4pm")
             for n in (1, 2, 3)]
    at = BRONZE_DUE + timedelta(hours=1)
    db.session.commit()  # the sweep is a command of its own
    ctx = SweepContext(now=at, batch_size=2)  # the three in different batches
    for step in blocker_sweep.sweep_steps():
        step(ctx)

    for item in items:
        assert [e.trigger for e in events(item)][-1] == "escalate"
        assert fresh(item).state == "silver"
    [to_helen] = received(helen, at)
    assert to_helen.kind == "sweep" and to_helen.item_id is None
    assert to_helen.subject.startswith("From govflow's sweep: ")
    assert "new at your tier" in to_helen.subject
    assert "Now at a tier you work (" in to_helen.body
    assert all(tells(to_helen, item, f"New at Silver: {item.title}") for item in items)
    assert to_helen.link == "/queue"
    [to_raiser] = received(raiser, at)
    assert all(tells(to_raiser, item, f"Escalated: {item.title}") for item in items)
    assert "Changes to items you raised (" in to_raiser.body
    assert to_raiser.link == "/items/mine"

    # Held back from email while the run is still going, so nobody gets half a list...
    sender.send_pending(now=at + timedelta(minutes=5))
    assert {n.email_status for n in received(helen, at) + received(raiser, at)} == {"pending"}
    # ...and sent once it is over.
    ctx.finish()
    assert ctx.counts["people notified"] >= 2
    sender.send_pending(now=at + timedelta(minutes=5))
    assert {n.email_status for n in received(helen, at) + received(raiser, at)} == {"not_sent"}

    # A second run has nothing more to tell them.
    again = at + timedelta(hours=1)
    sweep_blockers(again)
    assert not any(tells(n, item, item.title) for item in items for n in received(helen, again))
