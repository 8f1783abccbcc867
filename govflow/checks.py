"""`govflow check`: reconcile the records with their history after a crash, a restore or a bug.

Every item's state and tier must be where its last event left them, each event must start
where the one before it ended, every decision must belong to one transition, every sponsor
action must be where its history says, and approved minutes must still match their
SHA-256. The checks are plain SQL over the whole database (window functions, no rows
loaded into Python except the problems), so they run in seconds on a million events.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import click
from flask.cli import with_appcontext
from sqlalchemy import text

from govflow.extensions import db
from govflow.items.tallies import CHECK_SQL

EXAMPLES = 10


@dataclass
class CheckResult:
    name: str
    description: str
    checked: int
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0


# (name, what it means, SQL counting the rows checked, SQL listing the problems as text)
SQL_CHECKS = [
    (
        "items_have_history",
        "every item has at least one event",
        "SELECT count(*) FROM items",
        """SELECT 'item ' || i.id || ' has no events'
           FROM items i
           WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.item_id = i.id)
           ORDER BY i.id""",
    ),
    (
        "state_matches_last_event",
        "every item's state and tier are its last event's destination",
        "SELECT count(*) FROM items",
        """SELECT 'item ' || i.id || ' is ' || i.state || '/' || i.tier
                  || ' but its last event (' || e.id || ', ' || e.trigger || ') went to '
                  || e.to_state || '/' || e.to_tier
           FROM items i
           JOIN events e ON e.id = (SELECT max(e2.id) FROM events e2 WHERE e2.item_id = i.id)
           WHERE e.to_state <> i.state OR e.to_tier <> i.tier
           ORDER BY i.id""",
    ),
    (
        "events_follow_on",
        "each event starts where the item's previous event ended (the first is the raise)",
        "SELECT count(*) FROM events",
        """SELECT 'event ' || id || ' on item ' || item_id || ' (' || trigger || ') starts at '
                  || coalesce(from_state, 'nothing') || '/' || coalesce(from_tier, 'nothing')
                  || ' but the one before ended at '
                  || coalesce(prev_state, 'nothing') || '/' || coalesce(prev_tier, 'nothing')
           FROM (
             SELECT id, item_id, trigger, from_state, from_tier,
                    lag(to_state) OVER (PARTITION BY item_id ORDER BY id) AS prev_state,
                    lag(to_tier) OVER (PARTITION BY item_id ORDER BY id) AS prev_tier
             FROM events
           ) chain
           WHERE coalesce(from_state, '') <> coalesce(prev_state, '')
              OR coalesce(from_tier, '') <> coalesce(prev_tier, '')
           ORDER BY id""",
    ),
    (
        "one_decision_per_event",
        "no transition has more than one decision",
        "SELECT count(DISTINCT event_id) FROM decisions WHERE event_id IS NOT NULL",
        """SELECT 'event ' || event_id || ' has ' || count(*) || ' decisions'
           FROM decisions WHERE event_id IS NOT NULL
           GROUP BY event_id HAVING count(*) > 1
           ORDER BY event_id""",
    ),
    (
        "decision_matches_its_event",
        "each decision is about the same item as the event it was made in",
        "SELECT count(*) FROM decisions WHERE event_id IS NOT NULL",
        """SELECT 'decision ' || d.id || ' is about item ' || d.item_id
                  || ' but its event ' || e.id || ' is on item ' || e.item_id
           FROM decisions d JOIN events e ON e.id = d.event_id
           WHERE d.item_id <> e.item_id
           ORDER BY d.id""",
    ),
    (
        "sponsor_actions_match_history",
        "every sponsor action's status is its last history entry's",
        "SELECT count(*) FROM sponsor_actions",
        """SELECT 'sponsor action ' || a.id || ' is ' || a.status || ' but its history says '
                  || coalesce(h.to_status, 'nothing')
           FROM sponsor_actions a
           LEFT JOIN sponsor_action_events h ON h.id = (
             SELECT max(h2.id) FROM sponsor_action_events h2 WHERE h2.action_id = a.id)
           WHERE h.id IS NULL OR h.to_status <> a.status
           ORDER BY a.id""",
    ),
    CHECK_SQL,  # the queue counts' tallies (govflow/items/tallies.py)
]


def _count(sql: str) -> int:
    return int(db.session.execute(text(sql)).scalar() or 0)


def _sql_check(name, description, count_sql, problems_sql) -> CheckResult:
    rows = db.session.execute(text(problems_sql)).scalars()
    problems, total = [], 0
    for line in rows:
        total += 1
        if len(problems) < EXAMPLES:
            problems.append(line)
    return CheckResult(name, description, _count(count_sql), problems, total)


def _minutes_check() -> CheckResult:
    """Approved minutes are locked: their PDF must still hash to what was recorded."""
    result = CheckResult("approved_minutes_unchanged",
                         "approved minutes' PDFs match their recorded SHA-256", 0)
    ids = db.session.execute(
        text("SELECT id FROM meetings WHERE status = 'approved' ORDER BY id")
    ).scalars().all()
    for meeting_id in ids:  # one PDF in memory at a time
        pdf, recorded = db.session.execute(
            text("SELECT minutes_pdf, minutes_sha256 FROM meetings WHERE id = :id"),
            {"id": meeting_id},
        ).one()
        result.checked += 1
        if pdf is None or hashlib.sha256(bytes(pdf)).hexdigest() != recorded:
            result.problem_count += 1
            if len(result.problems) < EXAMPLES:
                result.problems.append(f"meeting {meeting_id}'s minutes PDF does not match "
                                       "its recorded SHA-256")
    return result


def _attachments_check() -> CheckResult:
    """Attachments' files, kept outside the database, must still be there and hash to the
    SHA-256 their (chained) row records: a swapped or edited file is found here."""
    from govflow.attachments import storage

    result = CheckResult("attachment_files_unchanged",
                         "every attachment's file is there and matches its recorded SHA-256", 0)
    rows = db.session.execute(
        text("SELECT id, sha256, size, filename FROM attachments ORDER BY id")).all()
    for row in rows:
        result.checked += 1
        problem = storage.problem(row.sha256, row.size)
        if problem is not None:
            result.problem_count += 1
            if len(result.problems) < EXAMPLES:
                result.problems.append(f"attachment {row.id} ({row.filename}): {problem}")
    return result


def _record_check() -> CheckResult:
    """Every hash chain recomputed (govflow/records): the first broken link of each chain."""
    from govflow.records.verify import verify_chains

    report = verify_chains(examples=EXAMPLES)
    return CheckResult("record_chains",
                       "every entry of the record matches its hash and its place in its chain",
                       report.entries, report.breaks, report.break_count)


def run_checks() -> list[CheckResult]:
    results = [_sql_check(*spec) for spec in SQL_CHECKS]
    results.append(_minutes_check())
    results.append(_attachments_check())
    results.append(_record_check())
    db.session.rollback()  # read-only: end the transaction, hold no locks
    return results


@click.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON")
@with_appcontext
def check_command(as_json: bool) -> None:
    """Reconcile items, events, decisions, sponsor actions and minutes; exit 1 on problems."""
    results = run_checks()
    failed = [r for r in results if not r.ok]
    if as_json:
        click.echo(json.dumps([
            {"check": r.name, "description": r.description, "checked": r.checked,
             "problems": r.problem_count, "examples": r.problems} for r in results
        ], indent=2))
    else:
        click.echo(f"{'check':<32} {'checked':>10} {'problems':>9}")
        for r in results:
            click.echo(f"{r.name:<32} {r.checked:>10,} {r.problem_count:>9,}")
        for r in failed:
            click.echo(f"\n{r.name}: {r.description} — {r.problem_count:,} problem(s):")
            for line in r.problems:
                click.echo(f"  {line}")
            if r.problem_count > len(r.problems):
                click.echo(f"  … and {r.problem_count - len(r.problems):,} more")
        click.echo("\n" + ("Everything reconciles." if not failed
                           else f"{len(failed)} check(s) found problems."))
    if failed:
        raise SystemExit(1)


CLI_COMMANDS = (check_command,)
