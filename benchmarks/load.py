#!/usr/bin/env python3
"""Throughput and latency of govflow's busiest pages under gunicorn on 127.0.0.1, with wrk,
as a share of a bare Flask app that shares nothing with govflow.

    python benchmarks/generate.py                 # once: the 100,000-item partnership
    python benchmarks/load.py                     # instance/bench.sqlite
    python benchmarks/load.py --database postgresql://postgres@127.0.0.1/govflow_bench

The reference is benchmarks/bare_app.py: a plain Flask app (it imports nothing of govflow)
rendering a 50-row Jinja table from the same database, served by its own gunicorn with the
same settings. Before each govflow scenario the reference is measured again, so the two
alternate and each ratio compares runs made seconds apart. Targets: lists, item page and the
decision log >= 50% of the reference, API reads >= 75%, the dashboard >= 25%, p99 under 100 ms
at 8 connections, no errors. Only 127.0.0.1 is loaded, for a bounded time.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.http import Client  # noqa: E402
from tests.support.served import ExistingDatabase, ServedGovflow  # noqa: E402

USER_AGENT = "govflow-load-benchmark"
STATUS_LUA = """
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads - 1)  -- which share of a scenario's list this thread takes
end
function init(args) unexpected = 0 end
function response(status, headers, body)
  if status ~= EXPECTED then unexpected = unexpected + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("unexpected") end
  io.write("Unexpected status: " .. total .. "\\n")
end
"""


SEARCHES = ("q=family", "q=room+booking", "q=youth+workers", "q=interpreters+booked",
            "q=referrals+Thorne", "q=calendar&kind=blocker", "q=library&area=conisbrough",
            "q=insurance+community+centre", "q=peer+mentors&kind=idea", "q=minutes",
            "q=data+sharing&kind=decision", "q=school+nurse")


@dataclass
class Scenario:
    name: str
    path: str
    target: float | None  # minimum ratio of the reference's requests per second
    method: str = "GET"
    lua: str = ""  # a request() function when each request differs
    headers: dict | None = None
    # Every path the lua function asks for: each worker gets them all before the measuring
    # (a worker's first request of a kind of page builds its SQL; that is start-up, not load).
    mix: tuple[str, ...] = ()


@dataclass
class Result:
    scenario: Scenario
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    note: str = ""
    note_single: float = float("nan")  # one request alone, before the load
    reference: Result | None = None  # the bare app's run just before this one


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        ram = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, AttributeError):
        ram = "?"
    return f"{os.cpu_count()} CPUs ({cpu}), {ram} RAM, Python {platform.python_version()}"


def _ms(value: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s)", value)
    if not m:
        return float("nan")
    number, unit = float(m.group(1)), m.group(2)
    return number / 1000 if unit == "us" else number * 1000 if unit == "s" else number


def run_wrk(base_url: str, scenario: Scenario, cookie: str, args, tmp: Path) -> Result:
    # The same User-Agent as the client that signed in: Flask-Login's strong session
    # protection drops a session that changes browser, and every page would be a redirect.
    headers = {"Cookie": cookie, "User-Agent": USER_AGENT, **(scenario.headers or {})}
    lines = [f'wrk.method = "{scenario.method}"']
    for key, value in headers.items():
        lines.append(f'wrk.headers["{key}"] = "{value}"')
    if scenario.lua:
        lines.append(scenario.lua)
    # Count answers other than the one expected (200 for pages, 302 after a transition):
    # wrk itself counts a redirect to the sign-in page as a success.
    expected = 302 if scenario.method == "POST" else 200
    lines.append(STATUS_LUA.replace("EXPECTED", str(expected)))
    script = tmp / f"{re.sub(r'[^a-z0-9]+', '_', scenario.name.lower())}.lua"
    script.write_text("\n".join(lines) + "\n")
    cmd = ["wrk", "--latency", "-t", str(args.threads), "-c", str(args.connections),
           "-d", f"{args.duration}s", "--timeout", "5s", "-s", str(script),
           base_url + scenario.path]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=args.duration + 60,
                         check=False).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    # Anchored: a stdev share such as "87.50%" must not be read as the 50th percentile.
    p50 = _ms(re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1))
    errors = int(re.search(r"Unexpected status: (\d+)", out).group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(g) for g in m.groups())
    return Result(scenario, rps, p50, p99, requests, errors)


def _ids(database_url: str, sql: str) -> list[int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as conn:
        ids = conn.execute(text(sql)).scalars().all()
    engine.dispose()
    return list(ids)


def _rows(database_url: str, sql: str, **params) -> list[tuple]:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql), params)]
    engine.dispose()
    return rows


def scenarios(database_url: str, client: Client, token: str, email: str,
              threads: int) -> list[Scenario]:
    long_item = _ids(database_url, "SELECT item_id FROM events GROUP BY item_id "
                                   "HAVING count(*) >= 50 ORDER BY item_id LIMIT 1")
    # Each transition is one a real executive would make: take ownership of a Gold blocker
    # they do not own yet, sending the version the item page showed them (as its form
    # does). Every request takes a different item, so none is refused as already changed;
    # a run uses up the items it took, and the next run takes others.
    gold = _rows(database_url, "SELECT items.id, items.version FROM items "
                               "WHERE items.state = 'gold' AND (items.owner_id IS NULL OR "
                               "items.owner_id <> (SELECT id FROM users WHERE email = :email)) "
                               "ORDER BY items.id LIMIT 20000", email=email)
    item_id = long_item[0] if long_item else gold[0][0]
    _, hidden = client.form(f"/items/{gold[0][0]}")
    csrf = hidden.get("csrf_token", "")
    pairs = ",".join(f"{{{i},{v}}}" for i, v in gold)
    take = f"""
local items = {{{pairs}}}
local n = 0
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
request = function()
  -- thread t of {threads} takes items t+1, t+1+{threads}, ...: no item is taken twice
  local k = (n * {threads} + tid) % #items + 1
  n = n + 1
  local item = items[k]
  return wrk.format("POST", "/items/" .. item[1] .. "/actions/take", nil,
                    "csrf_token={csrf}&version=" .. item[2])
end
"""
    api = {"Authorization": f"Bearer {token}"}
    # Searches as people type them: common words found in most of the 100,000 items, rarer
    # pairs, a place, one kind, one area; each thread goes round the list from its own start.
    searches = ",".join(f'"{q}"' for q in SEARCHES)
    search = f"""
local searches = {{{searches}}}
local n = 0
request = function()
  local k = (n * {threads} + tid) % #searches + 1
  n = n + 1
  return wrk.format("GET", "/search?" .. searches[k])
end
"""
    return [
        Scenario("item list, filtered, page 1", "/queue?show=gold&kind=blocker&page=1", 0.5),
        Scenario("item list, filtered, page 50", "/queue?show=gold&kind=blocker&page=50", 0.5),
        Scenario("item page, 50 events", f"/items/{item_id}", 0.5),
        Scenario("decision log page", "/decisions", 0.5),
        Scenario("dashboard", "/dashboard", 0.25),
        Scenario("API item", f"/api/v1/items/{item_id}", 0.75, headers=api),
        Scenario("API decisions list", "/api/v1/decisions?per_page=25", 0.75, headers=api),
        Scenario("search, every kind and one", "/search?q=room+booking", None, lua=search,
                 mix=tuple(f"/search?{q}" for q in SEARCHES)),
        Scenario("transition (take, POST)", "/items/1/actions/take", None, method="POST",
                 lua=take),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'instance' / 'bench.sqlite'}")
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--only", help="comma-separated words matching scenario names")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        print("benchmarks/load.py needs wrk (Debian: apt-get install wrk)", file=sys.stderr)
        return 2

    from govflow.seeding import demo_sign_ins

    database = ExistingDatabase(args.database)
    # Both served the same way: gunicorn, the same workers, sync, no access log.
    server = ServedGovflow(database, workers=args.workers, threads=1, app="wsgi:app",
                           access_log=False)
    bare = ServedGovflow(database, workers=args.workers, threads=1,
                         app="benchmarks.bare_app:create_app()", access_log=False)
    reference = Scenario("bare Flask app (50-row table)", "/reference", None)
    server.start(timeout=300)  # five workers each building the app, on a busy machine
    bare.start(timeout=300)
    tmp = Path(tempfile.mkdtemp(prefix="govflow-load-"))
    results: list[Result] = []
    try:
        executive = next(e for r, e, _ in demo_sign_ins() if r == "executive")
        client = Client(server.base_url, timeout=120, user_agent=USER_AGENT).sign_in(executive)
        cookie = "; ".join(f"{c.name}={c.value}" for c in client.jar)
        token = _token(database.url, executive)
        chosen = scenarios(database.url, client, token, executive, args.threads)
        if args.only:
            words = [w.strip().lower() for w in args.only.split(",")]
            chosen = [s for s in chosen if any(w in s.name.lower() for w in words)]
        for _ in range(2 * args.workers):
            Client(bare.base_url, timeout=60).get(reference.path)
        for scenario in chosen:
            # The reference again, just before: the two alternate all through the run.
            _settle(bare.base_url, args.workers)
            print(f"... {reference.name}", file=sys.stderr, flush=True)
            ref_result = run_wrk(bare.base_url, reference, "", args, tmp)
            _settle(server.base_url, args.workers)
            if scenario.method == "GET":
                started = time.perf_counter()
                probe = client.request("GET", scenario.path, headers=scenario.headers)
                single_ms = (time.perf_counter() - started) * 1000
                if probe.status == 404:
                    results.append(Result(scenario, 0, 0, 0, 0, 0, "not built yet (404)"))
                    continue
                _warm(server.base_url, cookie, scenario, args.workers)
            print(f"... {scenario.name}", file=sys.stderr, flush=True)
            result = run_wrk(server.base_url, scenario, cookie, args, tmp)
            if scenario.method == "GET":
                result.note_single = single_ms
            result.reference = ref_result
            results.append(result)
    finally:
        server.stop()
        bare.stop()
    report(results, args, database.url)
    failed = [r for r in results if _verdict(r, results) == "MISS"]
    return 1 if failed else 0


def _warm(base_url: str, cookie: str, scenario: Scenario, workers: int) -> None:
    """Each path of the scenario asked for 2 x workers times, `workers` at once, so that
    every worker has served each before the measuring starts."""
    from concurrent.futures import ThreadPoolExecutor

    headers = {**(scenario.headers or {}), "Cookie": cookie}

    def ask(path):
        return Client(base_url, timeout=300, user_agent=USER_AGENT).request(
            "GET", path, headers=headers).status

    paths = [p for p in (scenario.mix or (scenario.path,)) for _ in range(2 * workers)]
    with ThreadPoolExecutor(workers) as pool:
        statuses = set(pool.map(ask, paths))
    if statuses != {200}:
        raise SystemExit(f"warming {scenario.name}: answered {sorted(statuses)}")


def _settle(base_url: str, workers: int) -> None:
    """Wait until every worker is free. wrk stops at its deadline, but requests it already
    sent (a slow page's backlog) go on being served; without this the next scenario's
    "alone" request would wait behind them and be charged for their time."""
    from concurrent.futures import ThreadPoolExecutor

    def ask(_):
        return Client(base_url, timeout=300, user_agent=USER_AGENT).get("/healthz").status

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(ask, range(workers)))


def _token(database_url: str, email: str) -> str:
    from sqlalchemy import select

    from benchmarks.generate import app_for
    from govflow import transaction
    from govflow.accounts.models import User
    from govflow.accounts.views import issue_token
    from govflow.extensions import db

    app = app_for(database_url)
    with app.app_context():
        with transaction.unit_of_work():  # issue_token only flushes
            user = db.session.scalar(select(User).where(User.email == email))
            token = issue_token(user, "load benchmark")
        db.session.remove()
        db.engine.dispose()
    return token


def _ratio(r: Result) -> float | None:
    ref = r.reference
    return r.rps / ref.rps if ref and ref.rps else None


def _verdict(r: Result, results: list[Result]) -> str:
    if r.note:
        return "-"
    ok = r.errors == 0 and r.p99_ms < 100
    if r.scenario.target is not None:
        ratio = _ratio(r)
        ok = ok and ratio is not None and ratio >= r.scenario.target
    return "ok" if ok else "MISS"


def report(results: list[Result], args, url: str) -> None:
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    refs = [r.reference.rps for r in results if r.reference]
    print()
    print(f"govflow and a bare Flask app, each under gunicorn ({args.workers} sync workers) on "
          f"127.0.0.1, {backend}; wrk {args.connections} connections, {args.duration}s each, "
          "alternating")
    print(f"machine: {machine()}")
    if refs:
        print(f"bare Flask app (50-row Jinja table): {min(refs):.1f} to {max(refs):.1f} req/s "
              f"over {len(refs)} runs; each ratio is to the run just before the scenario")
    print()
    head = (f"{'scenario':<32} {'alone ms':>8} {'req/s':>8} {'bare':>8} {'ratio':>6} "
            f"{'target':>6} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6}  verdict")
    print(head)
    print("-" * len(head))
    for r in results:
        if r.note:
            print(f"{r.scenario.name:<32} {r.note}")
            continue
        ratio = f"{_ratio(r):.0%}" if _ratio(r) is not None else "-"
        bare_rps = f"{r.reference.rps:.1f}" if r.reference else "-"
        target = f"{r.scenario.target:.0%}" if r.scenario.target else "-"
        print(f"{r.scenario.name:<32} {r.note_single:>8.0f} {r.rps:>8.1f} {bare_rps:>8} {ratio:>6} "
              f"{target:>6} {r.p50_ms:>7.1f} {r.p99_ms:>7.1f} {r.errors:>6}  "
              f"{_verdict(r, results)}")


if __name__ == "__main__":
    sys.exit(main())
