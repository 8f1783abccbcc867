#!/usr/bin/env python3
"""The record's cost: `govflow check` over the whole record, and transitions with and without
the hash chain, side by side in one run.

    python benchmarks/generate.py                      # once: 100,000 items, 1,000,000 events
    python benchmarks/bench_records.py                 # instance/bench.sqlite
    python benchmarks/bench_records.py --database postgresql://postgres@127.0.0.1/govflow_bench

Transitions are the load benchmark's: an executive takes ownership of a Gold blocker they do
not own, sending the version they saw, one transaction each — measured two ways in this
process: `web`, the item page's form posted through the whole app (what a person's click
costs), and `engine`, the workflow engine alone (no HTTP, so the chain's share of the cost is
as large as it can look). Rounds
alternate between the chain on and off (the ORM's sealing hook removed); the rows written
without it are sealed afterwards with the same builder the migration uses, and the record
is checked again, so the database is left intact. Targets: check under 60 s; the rate with
the chain within 10% of the rate without.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _sealing(on: bool) -> None:
    from sqlalchemy import event

    from govflow.decisions.models import Decision
    from govflow.forums.models import MinutesAddendum
    from govflow.items.models import Comment, Event
    from govflow.records import chain
    from govflow.sponsors.models import SponsorActionEvent

    for model in (Event, Comment, Decision, SponsorActionEvent, MinutesAddendum):
        listening = event.contains(model, "before_insert", chain._seal_on_insert)
        if on and not listening:
            event.listen(model, "before_insert", chain._seal_on_insert)
        elif not on and listening:
            event.remove(model, "before_insert", chain._seal_on_insert)


def check(app) -> dict:
    from govflow.checks import run_checks
    from govflow.extensions import db
    from govflow.records.verify import verify_chains

    with app.app_context():
        started, cpu = time.perf_counter(), time.process_time()
        report = verify_chains(examples=5)
        chains_s = time.perf_counter() - started
        chains_cpu = time.process_time() - cpu
        db.session.rollback()
        started = time.perf_counter()
        results = run_checks()
        total_s = time.perf_counter() - started
        db.session.remove()
    record = next(r for r in results if r.name == "record_chains")
    return {"chains_s": chains_s, "chains_cpu": chains_cpu, "check_s": total_s, "entries": report.entries,
            "chains": report.chains, "breaks": report.break_count,
            "failed": [r.name for r in results if not r.ok], "record_ok": record.ok}


def _web_taker(app, email: str, password: str):
    """Take items as the executive would: the item page's form, posted through the whole
    app (routing, session, CSRF, the one transaction, the redirect), in this process."""
    import re

    client = app.test_client()
    token = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
    page = client.get("/sign-in").get_data(as_text=True)
    answer = client.post("/sign-in", data={"csrf_token": token.search(page).group(1),
                                          "email": email, "password": password})
    if answer.status_code != 302:
        raise SystemExit(f"could not sign in as {email} ({answer.status_code})")
    csrf = token.search(client.get("/account").get_data(as_text=True)).group(1)

    def take(item_id: int, version: int) -> None:
        answer = client.post(f"/items/{item_id}/actions/take",
                             data={"csrf_token": csrf, "version": str(version)})
        if answer.status_code != 302:
            raise SystemExit(f"taking item {item_id} answered {answer.status_code}")

    return take


def _engine_taker(actor_id: int):
    """Take items through the workflow engine alone: no HTTP, so the chain's share of the
    cost is as large as it can look."""
    from govflow.accounts.models import User
    from govflow.db import writing
    from govflow.extensions import db
    from govflow.items.models import Item
    from govflow.workflow import engine

    def take(item_id: int, _version: int) -> None:
        with writing():
            actor = db.session.get(User, actor_id)
            item = db.session.get(Item, item_id)
            engine.fire(item, "take", actor, version=item.version)
            db.session.commit()  # the request's boundary: the engine only flushes
        db.session.remove()

    return take


def transitions(app, rounds: int, per_round: int, through: str = "engine") -> dict:
    from sqlalchemy import select

    from govflow.accounts.models import User
    from govflow.extensions import db
    from govflow.items.models import Item
    from govflow.seeding import demo_sign_ins

    email = dict((role, mail) for role, mail, _ in demo_sign_ins())["executive"]
    password = app.config["DEMO_PASSWORD"]
    rates = {True: [], False: []}
    cpu_ms = {True: [], False: []}  # this process's CPU a transition: steadier on a busy machine
    with app.app_context():
        actor_id = db.session.scalar(select(User.id).where(User.email == email))
        # One uncounted round each way first: the first transitions of a process pay for
        # compiling statements and reading pages, and would fall on whichever side ran first.
        wanted = (rounds + 1) * 2 * per_round
        rows = db.session.execute(
            select(Item.id, Item.version).where(
                Item.state == "gold", Item.kind == "blocker",
                (Item.owner_id.is_(None)) | (Item.owner_id != actor_id))
            .order_by(Item.id).limit(wanted)).all()
        db.session.remove()
    if len(rows) < wanted:
        raise SystemExit(f"only {len(rows)} Gold blockers to take; need {wanted}")
    take = (_web_taker(app, email, password) if through == "web"
            else _engine_taker(actor_id))
    batches = [rows[i:i + per_round] for i in range(0, wanted, per_round)]
    with app.app_context():
        for n, batch in enumerate(batches):
            warming = n < 2
            on = n % 4 in (0, 3)  # with, without, without, with, …: neither goes first
            _sealing(on)
            started, cpu = time.perf_counter(), time.process_time()
            for item_id, version in batch:
                take(item_id, version)
            if not warming:
                rates[on].append(len(batch) / (time.perf_counter() - started))
                cpu_ms[on].append((time.process_time() - cpu) * 1000 / len(batch))
        _sealing(True)
    return {"with": statistics.median(rates[True]), "without": statistics.median(rates[False]),
            "rounds": rates, "cpu_with": statistics.median(cpu_ms[True]),
            "cpu_without": statistics.median(cpu_ms[False])}


def seal_leftovers(app) -> int:
    from govflow.clock import utcnow
    from govflow.extensions import db
    from govflow.records.build import build_chains, without_triggers
    from govflow.records.chain import CHAINED

    with app.app_context():
        with db.engine.begin() as connection, without_triggers(connection, CHAINED):
            sealed = build_chains(connection, utcnow())
        db.session.remove()
    return sealed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'instance' / 'bench.sqlite'}")
    parser.add_argument("--rounds", type=int, default=4, help="rounds each way")
    parser.add_argument("--per-round", type=int, default=250)
    parser.add_argument("--skip-check", action="store_true")
    parser.add_argument("--through", default="web,engine",
                        help="web (the item page's form, through the whole app), engine "
                             "(the workflow engine alone), or both, comma-separated")
    args = parser.parse_args(argv)

    from benchmarks.generate import app_for

    url = args.database
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    app = app_for(url)
    print(f"database: {url.split('@')[-1]}")
    if not args.skip_check:
        c = check(app)
        print(f"govflow check: {c['check_s']:.1f} s in all (record chains {c['chains_s']:.1f} s, "
              f"{c['chains_cpu']:.1f} s of this process's CPU: "
              f"{c['entries']:,} entries in {c['chains']:,} chains, {c['breaks']} breaks); "
              f"checks with problems: {c['failed'] or 'none'}  "
              f"[{'OK' if c['check_s'] < 60 else 'OVER'} target 60 s]")
    for through in args.through.split(","):
        t = transitions(app, args.rounds, args.per_round, through)
        ratio = t["with"] / t["without"]
        how = "web requests, in-process" if through == "web" else "workflow engine, no HTTP"
        print(f"transitions (take; {how}; {args.rounds} x {args.per_round} each way, ABBA): "
              f"with the chain {t['with']:.0f}/s, without {t['without']:.0f}/s, "
              f"ratio {ratio:.2f}  [{'OK' if ratio >= 0.9 else 'OVER'} target >= 0.90]")
        print("  rounds with:    " + ", ".join(f"{r:.0f}" for r in t["rounds"][True]))
        print("  rounds without: " + ", ".join(f"{r:.0f}" for r in t["rounds"][False]))
        print(f"  CPU a transition (median of rounds): with {t['cpu_with']:.2f} ms, without "
              f"{t['cpu_without']:.2f} ms, ratio {t['cpu_without'] / t['cpu_with']:.2f}")
    sealed = seal_leftovers(app)
    print(f"sealed the {sealed:,} rows written without the chain")
    if not args.skip_check:
        c = check(app)
        print(f"govflow check again: record chains {'intact' if c['record_ok'] else 'BROKEN'} "
              f"({c['entries']:,} entries, {c['chains_s']:.1f} s, {c['chains_cpu']:.1f} s CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
