#!/usr/bin/env python3
"""Fill a database with a partnership at scale, for the benchmarks (and the query-count test).

    python benchmarks/generate.py                                  # instance/bench.sqlite
    python benchmarks/generate.py --database postgresql://postgres@127.0.0.1/govflow_bench
    python benchmarks/generate.py --items 10000 --events 100000    # smaller

The schema comes from the Alembic migrations and the demo partnership is loaded first (so
its sign-ins work against the big database); then areas, people, blockers and ideas with
their whole history, decisions, sponsor actions and meetings are bulk-inserted (executemany
on SQLite, COPY on PostgreSQL). Every item's state and tier are its last event's, events
follow on from each other, each decision belongs to one transition, and every history row is
sealed into its hash chain (govflow/records/build.py), so `govflow check` passes on the result. `--overdue` open items are past their deadline, for the sweep.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULTS = {"areas": 20, "users": 2000, "items": 100_000, "events": 1_000_000,
            "decisions": 30_000, "actions": 5_000, "meetings": 500, "overdue": 10_000}
EVERY_NTH_HAS_50_EVENTS = 1000  # item pages with a long history, for the item-page benchmark
CHUNK = 5000

PLACES = ["Mexborough", "Conisbrough", "Thorne", "Moorends", "Stainforth", "Hatfield",
          "Armthorpe", "Bentley", "Adwick", "Askern", "Edlington", "Rossington", "Tickhill",
          "Bawtry", "Sprotbrough", "Intake", "Wheatley", "Hexthorpe Park", "Cantley",
          "Bessacarr", "Kirk Sandall", "Barnby Dun", "Finningley", "Auckley"]
BLOCKER_TITLES = [
    "Cannot book the {place} library room for family sessions without a corporate account",
    "Health visitors and early help cannot share a contact sheet for the same family",
    "School nurse referrals to {place} early help bounce back for a missing form field",
    "Police vulnerability notes reach the {place} team a week after the incident",
    "The {place} food bank cannot take referrals from voluntary groups",
    "Room hire at {place} community centre needs insurance small groups cannot get",
    "Practitioners in {place} spend a day a week re-keying the same assessment",
    "Interpreters for {place} family meetings must be booked ten days ahead",
    "Youth workers cannot see whether a family already has a lead practitioner",
    "The {place} surgery will not accept consent forms signed by another service",
]
IDEA_TITLES = [
    "A weekly conversation club at the {place} café for parents new to the area",
    "A small seed fund for a {place} street party run by residents",
    "Drop-in advice at the {place} school gate on Friday afternoons",
    "A shared calendar of what is on for families in {place}",
    "Peer mentors for young carers in {place}",
]
REASONS = {
    "escalate": "Needs the next tier: it crosses services we cannot agree locally.",
    "pause": "Waiting on the information governance team's written view.",
    "resume": "The view came back; picking this up again.",
    "take": "",
    "unblock": "Agreed a way through with the service concerned; practitioners told.",
    "close": "Confirmed fixed by the practitioner who raised it.",
    "withdraw": "Resolved another way before it needed escalating.",
    "approve": "Good fit with the outcomes; go ahead.",
    "decline": "Duplicates an existing offer in the area this term.",
    "challenge": "The existing offer does not reach the families this is for.",
    "start": "",
    "evaluate": "Twelve families came regularly; two volunteers now run it.",
    "adopt": "Adopted as part of the area's regular offer.",
}
TIER_OF = {"bronze": "bronze", "silver": "silver", "gold": "gold"}
NEXT_TIER = {"bronze": "silver", "silver": "gold", "gold": "gold"}


@dataclass
class People:
    by_area: dict = field(default_factory=dict)        # area id -> practitioner ids
    facilitators: dict = field(default_factory=dict)   # area id -> ids
    sponsors: dict = field(default_factory=dict)       # area id -> ids
    heads: list = field(default_factory=list)
    executives: list = field(default_factory=list)
    org_of: dict = field(default_factory=dict)
    everyone: list = field(default_factory=list)


def fmt(value, sqlite: bool):
    if not sqlite:
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


class Loader:
    """Bulk inserts: COPY on PostgreSQL, executemany in one transaction on SQLite."""

    def __init__(self, engine):
        self.sqlite = engine.dialect.name == "sqlite"
        self.raw = engine.raw_connection()
        self.cur = self.raw.cursor()
        if self.sqlite:
            self.cur.execute("PRAGMA synchronous=OFF")
            self.cur.execute("PRAGMA foreign_keys=ON")
            # The app's connections run in autocommit (isolation_level None) and emit their
            # own BEGIN; without one here every row would be its own transaction.
            self.cur.execute("BEGIN")

    def max_id(self, table: str) -> int:
        self.cur.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608 - our table names
        return int(self.cur.fetchone()[0])

    def count(self, sql: str, params=()) -> int:
        """count(*) with ? placeholders on either database."""
        if not self.sqlite:
            sql = sql.replace("?", "%s")
        self.cur.execute(sql, tuple(fmt(p, self.sqlite) for p in params))
        return int(self.cur.fetchone()[0])

    def scalar_list(self, sql: str, params=()) -> list:
        self.cur.execute(sql, params)
        return [r[0] for r in self.cur.fetchall()]

    def insert(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        cols = ", ".join(f'"{c}"' for c in columns)
        if self.sqlite:
            marks = ", ".join("?" for _ in columns)
            self.cur.executemany(
                f"INSERT INTO {table} ({cols}) VALUES ({marks})",  # noqa: S608 - our names
                [tuple(fmt(v, True) for v in r) for r in rows],
            )
        else:
            with self.cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(r)

    def commit(self) -> None:
        if self.sqlite:
            self.cur.execute("COMMIT")
            self.cur.execute("BEGIN")
        else:
            self.raw.commit()

    def fold_tallies(self) -> None:
        """The items' triggers appended a tally row for each item: fold them into one row
        per combination, as the sweep does (govflow/items/tallies.py)."""
        from govflow.items.tallies import FOLD_POSTGRESQL, FOLD_SQLITE

        if self.sqlite:
            last = self.cur.execute("SELECT coalesce(max(id), 0) FROM item_tallies").fetchone()[0]
            self.cur.execute(FOLD_SQLITE.text, {"last": last})
            self.cur.execute("DELETE FROM item_tallies WHERE id <= ?", (last,))
        else:
            self.cur.execute(FOLD_POSTGRESQL.text)

    def finish(self, tables: list[str]) -> None:
        self.fold_tallies()
        if not self.sqlite:
            self.commit()
            # Ids were given explicitly: move each sequence past them, or the app's next
            # insert collides.
            for table in tables:
                self.cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"  # noqa: S608 - our names
                )
            self.commit()
            # On the driver's connection: set on SQLAlchemy's pool proxy, autocommit was only
            # an attribute of the proxy, ANALYZE ran in a transaction that close() rolled
            # back, and PostgreSQL planned every query with no statistics at all. VACUUM too,
            # as autovacuum would soon after a bulk load, so index-only scans are possible.
            self.raw.driver_connection.autocommit = True
            self.cur = self.raw.driver_connection.cursor()
            self.cur.execute("VACUUM ANALYZE")
        else:
            self.cur.execute("COMMIT")
            self.cur.execute("ANALYZE")
        self.raw.close()


def prepare(url: str, fresh: bool) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from govflow import migrate

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
    else:
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            exists = conn.exec_driver_sql(
                "SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).scalar()
            if exists and fresh:
                conn.exec_driver_sql(f'DROP DATABASE "{parsed.database}" WITH (FORCE)')
                exists = False
            if not exists:
                conn.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
        admin.dispose()
    migrate.upgrade(url)


def app_for(url: str):
    from govflow import create_app

    # No statement timeout: a bulk COPY of events (checking each one's item) or a whole
    # `govflow check` is one long statement by design, as for the command line.
    return create_app({"GOVFLOW_ENV": "development", "SQLALCHEMY_DATABASE_URI": url,
                       "SECRET_KEY": "bench-" + "x" * 40, "MAIL_SERVER": "", "REDIS_URL": "",
                       "DB_STATEMENT_TIMEOUT_MS": 0,
                       # The benchmarks sign demo people in with a password alone, as the
                       # suite's served apps do (tests/support/served.py).
                       "MFA_REQUIRED_ROLES": ()})


def minutes_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<h1>Minutes</h1><p>Generated for the benchmarks.</p>").write_pdf()


def generate(url: str, *, fresh: bool = True, seed: int = 1, quiet: bool = False,
             now: datetime | None = None, **sizes) -> dict:
    """Build the database; returns counts and seconds taken. Sizes default to DEFAULTS."""
    from govflow import seeding
    from govflow.accounts.passwords import hash_password
    from govflow.clock import utcnow
    from govflow.extensions import db

    sizes = {**DEFAULTS, **{k: v for k, v in sizes.items() if v is not None}}
    started = time.perf_counter()
    rng = random.Random(seed)
    now = now or utcnow().replace(microsecond=0)
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))

    prepare(url, fresh)
    app = app_for(url)
    with app.app_context():
        seeding.load_reference()
        if fresh:
            seeding.load_demo()
        db.session.commit()  # the seeding use-cases flush; this script is their boundary
        password_hash = hash_password(app.config["DEMO_PASSWORD"])
        engine = db.engine
        loader = Loader(engine)
        say(f"schema and demo partnership ready ({time.perf_counter() - started:.1f}s)")

        areas = _areas(loader, sizes["areas"], rng)
        forums = _forums(loader, areas)
        people = _people(loader, sizes["users"], areas, forums, password_hash, rng, now)
        loader.commit()
        say(f"{len(areas)} areas, {len(people.everyone)} people "
            f"({time.perf_counter() - started:.1f}s)")

        pdf = minutes_pdf()
        counts = _items(loader, sizes, areas, people, rng, now, say)
        counts["sponsor_actions"] = _actions(loader, sizes["actions"], areas, people, rng, now)
        counts["meetings"] = _meetings(loader, sizes["meetings"], forums, people, rng, now, pdf)
        loader.commit()
        counts["sealed"] = _seal(engine, now)
        counts["searchable"] = _search_index(engine)
        say(f"record chains built: {counts['sealed']:,} rows sealed "
            f"({time.perf_counter() - started:.1f}s)")
        loader.finish(["local_areas", "forums", "users", "role_assignments", "items",
                       "item_areas", "events", "decisions", "sponsor_actions",
                       "sponsor_action_events", "meetings", "meeting_attendance"])
        db.session.remove()
        engine.dispose()

    totals = table_counts(url)
    totals["seconds"] = round(time.perf_counter() - started, 1)
    return totals


def _seal(engine, now: datetime) -> int:
    """Put what was bulk-inserted into the record's hash chains, as migration 0013 does for
    history already there (the same builder), so `govflow check` passes on the result."""
    from govflow.records.build import build_chains, without_triggers
    from govflow.records.chain import CHAINED

    with engine.begin() as connection, without_triggers(connection, CHAINED):
        return build_chains(connection, now)


def _search_index(engine) -> int:
    """Build the search index for what was bulk-inserted (no flush saw those rows), with the
    statements migration 0019 and every write use."""
    from govflow.search.index import rebuild

    with engine.begin() as connection:
        return rebuild(connection)


def table_counts(url: str) -> dict:
    from sqlalchemy import create_engine, text

    from govflow.clock import utcnow

    engine = create_engine(url)
    out = {}
    with engine.connect() as conn:
        for table in ("local_areas", "users", "items", "events", "decisions", "sponsor_actions",
                      "meetings"):
            out[table] = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()  # noqa: S608
        out["overdue"] = conn.execute(text(
            "SELECT count(*) FROM items WHERE due_at < :now AND state IN "
            "('bronze','silver','gold','proposed','challenged')"), {"now": utcnow()}).scalar()
    engine.dispose()
    return out


# ---------------------------------------------------------------- reference rows


def _areas(loader: Loader, wanted: int, rng) -> list[int]:
    existing = loader.scalar_list("SELECT id FROM local_areas ORDER BY id")
    next_id = loader.max_id("local_areas") + 1
    rows = []
    slugs = set(loader.scalar_list("SELECT slug FROM local_areas"))
    names = [p for p in PLACES if p.lower().replace(" ", "-") not in slugs]
    for i in range(max(0, wanted - len(existing))):
        name = names[i] if i < len(names) else f"Area {i + 1}"
        rows.append((next_id + i, name.lower().replace(" ", "-"), name,
                     f"The {name} community footprint.", True))
    loader.insert("local_areas", ["id", "slug", "name", "description", "active"], rows)
    return existing + [r[0] for r in rows]


def _forums(loader: Loader, areas: list[int]) -> list[int]:
    have = set(loader.scalar_list("SELECT area_id FROM forums WHERE area_id IS NOT NULL"))
    next_id = loader.max_id("forums") + 1
    rows = []
    for area_id in areas:
        if area_id in have:
            continue
        rows.append((next_id, f"local-group-{area_id}", f"Local governance group {area_id}",
                     "local", area_id, "Community centre", True))
        next_id += 1
    loader.insert("forums", ["id", "slug", "name", "kind", "area_id", "place", "active"], rows)
    return loader.scalar_list("SELECT id FROM forums ORDER BY id")


def _people(loader, wanted, areas, forums, password_hash, rng, now) -> People:
    people = People()
    orgs = loader.scalar_list("SELECT id FROM organisations ORDER BY id")
    next_user = loader.max_id("users") + 1
    next_role = loader.max_id("role_assignments") + 1
    existing = loader.max_id("users")
    users, roles = [], []

    def add_user(kind: str, area_id: int) -> int:
        nonlocal next_user
        uid = next_user
        next_user += 1
        org = rng.choice(orgs)
        users.append((uid, f"{kind}{uid}@bench.example", f"Person {uid}", kind.replace("_", " "),
                      password_hash, org, area_id, True, 0, now - timedelta(days=900)))
        people.org_of[uid] = org
        people.everyone.append(uid)
        return uid

    def add_role(uid, role, area_id=None, forum_id=None):
        nonlocal next_role
        roles.append((next_role, uid, role, area_id, forum_id))
        next_role += 1

    count = max(0, wanted - existing)
    n_heads, n_execs = max(2, count // 20), max(2, count // 100)
    for area_id in areas:
        for _ in range(2):
            uid = add_user("facilitator", area_id)
            add_role(uid, "practitioner")
            add_role(uid, "facilitator", area_id)
            people.facilitators.setdefault(area_id, []).append(uid)
        uid = add_user("sponsor", area_id)
        add_role(uid, "head_of_service")
        add_role(uid, "sponsor", area_id)
        people.sponsors.setdefault(area_id, []).append(uid)
        people.heads.append(uid)
    for forum_id in forums:
        uid = add_user("secretary", rng.choice(areas))
        add_role(uid, "secretary", forum_id=forum_id)
    for _ in range(n_heads):
        uid = add_user("head_of_service", rng.choice(areas))
        add_role(uid, "head_of_service")
        people.heads.append(uid)
    for _ in range(n_execs):
        uid = add_user("executive", rng.choice(areas))
        add_role(uid, "executive")
        people.executives.append(uid)
    while len(users) < count:
        area_id = rng.choice(areas)
        uid = add_user("practitioner", area_id)
        add_role(uid, "practitioner")
        people.by_area.setdefault(area_id, []).append(uid)
    if count == 0:  # adding to a database that already has its people
        users, roles = [], []
    loader.insert("users", ["id", "email", "display_name", "job_title", "password_hash",
                            "organisation_id", "home_area_id", "active", "session_epoch",
                            "created_at"], users)
    loader.insert("role_assignments", ["id", "user_id", "role", "area_id", "forum_id"], roles)
    return _read_people(loader, areas)


def _read_people(loader, areas) -> People:
    """Everyone in the database by what they do (the demo's people and the generated)."""
    people = People()
    loader.cur.execute("SELECT id, organisation_id, home_area_id FROM users WHERE active")
    home = {}
    for uid, org, area_id in loader.cur.fetchall():
        people.everyone.append(uid)
        people.org_of[uid] = org
        home[uid] = area_id
    loader.cur.execute("SELECT user_id, role, area_id FROM role_assignments ORDER BY id")
    for uid, role, area_id in loader.cur.fetchall():
        if uid not in home:
            continue
        if role == "practitioner" and home[uid] is not None:
            people.by_area.setdefault(home[uid], []).append(uid)
        elif role == "facilitator":
            people.facilitators.setdefault(area_id, []).append(uid)
        elif role == "sponsor":
            people.sponsors.setdefault(area_id, []).append(uid)
        elif role == "head_of_service":
            people.heads.append(uid)
        elif role == "executive":
            people.executives.append(uid)
    for area_id in areas:  # every area has someone to raise, triage and sponsor
        people.facilitators.setdefault(area_id, people.heads[:1])
        people.sponsors.setdefault(area_id, people.heads[:1])
        if not people.by_area.get(area_id):
            people.by_area[area_id] = list(people.facilitators[area_id])
    return people


# ---------------------------------------------------------------- items and their history


ITEM_COLS = ["id", "kind", "title", "description", "effect", "why", "funding_pence", "area_id",
             "organisation_id", "raised_by_id", "owner_id", "state", "tier", "due_at",
             "paused_at", "pause_ends_at", "systemic", "areas_added", "created_at", "updated_at",
             "last_event_at", "unblocked_at", "closed_at", "version"]
ITEM_AREA_COLS = ["id", "item_id", "area_id", "added_by_id", "effect", "created_at"]
SHARED_SHARE = 0.04  # blockers that other areas say they have too
EVENT_COLS = ["id", "item_id", "trigger", "from_state", "to_state", "from_tier", "to_tier",
              "actor_id", "reason", "details", "at"]
DECISION_COLS = ["id", "item_id", "event_id", "tier", "outcome", "summary", "rationale",
                 "reason_category", "why_not", "what_would_make_yes", "decided_by_id",
                 "by_default", "decided_at", "recorded_at"]


def _plan(sizes: dict, existing: dict, rng) -> tuple[list[str], list[int], set[int], dict]:
    """Per new item: its kind, its number of events, and which ones end with a decision."""
    n = max(0, sizes["items"] - existing["items"])
    budget = max(n, sizes["events"] - existing["events"])
    kinds = ["idea" if rng.random() < 0.2 else "blocker" for _ in range(n)]
    # Ideas follow fixed paths (1-5 events, see _idea_path); blockers take the rest.
    idea_paths = {i: rng.choice(IDEA_PATHS) for i, k in enumerate(kinds) if k == "idea"}
    lengths = [len(idea_paths[i]) + 1 if k == "idea" else 0 for i, k in enumerate(kinds)]
    blockers = [i for i, k in enumerate(kinds) if k == "blocker"]
    left = budget - sum(lengths)
    long_ones = {i for i in blockers if i % EVERY_NTH_HAS_50_EVENTS == 0}
    for i in long_ones:
        lengths[i] = 50
    left -= 50 * len(long_ones)
    rest = [i for i in blockers if i not in long_ones]
    mean = max(1.0, left / max(1, len(rest)))
    for i in rest:
        lengths[i] = max(1, min(40, int(rng.expovariate(1 / mean)) + 1))
    # Nudge lengths so the total is exactly the budget.
    diff = budget - sum(lengths)
    while diff != 0 and rest:
        i = rng.choice(rest)
        if diff > 0 and lengths[i] < 48:
            lengths[i] += 1
            diff -= 1
        elif diff < 0 and lengths[i] > 1:
            lengths[i] -= 1
            diff += 1
    idea_decisions = sum(sum(1 for t in idea_paths[i] if t in DECIDING) for i in idea_paths)
    want = max(0, sizes["decisions"] - existing["decisions"] - idea_decisions)
    # Blockers long enough to end "unblock" (or "unblock, close") end with a decision.
    candidates = [i for i in rest if lengths[i] >= 3]
    rng.shuffle(candidates)
    unblocking = set(candidates[:want])
    return kinds, lengths, unblocking, idea_paths


IDEA_PATHS = [
    (), ("approve",), ("decline",), ("decline", "challenge"),
    ("decline", "challenge", "approve"), ("approve", "start"), ("approve", "start", "evaluate"),
    ("approve", "start", "evaluate", "adopt"),
]
DECIDING = {"approve": "approved", "decline": "declined", "adopt": "adopted",
            "unblock": "unblocked"}
IDEA_STATE = {"approve": "approved", "decline": "declined", "challenge": "challenged",
              "start": "trialling", "evaluate": "evaluated", "adopt": "adopted"}


def _blocker_steps(length: int, ending: str, rng) -> list[tuple[str, str, str]]:
    """(trigger, to_state, to_tier) for each event after the raise, following the workflow."""
    steps = []
    state, tier = "bronze", "bronze"
    terminal = {"open": [], "unblock": ["unblock"], "close": ["unblock", "close"],
                "withdraw": ["withdraw"]}[ending]
    middle = length - 1 - len(terminal)
    for k in range(middle):
        last = k == middle - 1
        if state == "paused":
            state = tier
            steps.append(("resume", state, tier))
            continue
        options = ["take", "take"]
        if tier != "gold":
            options += ["escalate"]
        if not (last and terminal):
            options += ["pause"]
        trigger = rng.choice(options)
        if trigger == "escalate":
            tier = NEXT_TIER[tier]
            state = tier
        elif trigger == "pause":
            state = "paused"
        steps.append((trigger, state, tier))
    for trigger in terminal:
        state = {"unblock": "unblocked", "close": "closed", "withdraw": "withdrawn"}[trigger]
        steps.append((trigger, state, tier))
    return steps


def _idea_steps(path, start_tier) -> list[tuple[str, str, str]]:
    steps, tier = [], start_tier
    for trigger in path:
        if trigger == "challenge":
            tier = NEXT_TIER[tier]
        steps.append((trigger, IDEA_STATE[trigger], tier))
    return steps


def _actor(trigger, tier, area_id, raiser, people, rng):
    if trigger in ("raise", "close", "withdraw", "challenge", "start", "evaluate"):
        return raiser
    if tier == "bronze":
        return rng.choice(people.facilitators[area_id])
    if tier == "silver":
        return rng.choice(people.heads)
    return rng.choice(people.executives)


def _items(loader, sizes, areas, people, rng, now, say) -> dict:
    existing = {table: loader.count(f"SELECT count(*) FROM {table}")  # noqa: S608
                for table in ("items", "events", "decisions")}
    kinds, lengths, unblocking, idea_paths = _plan(sizes, existing, rng)
    tags = loader.scalar_list("SELECT id FROM tags ORDER BY id")
    item_id = loader.max_id("items") + 1
    event_id = loader.max_id("events") + 1
    decision_id = loader.max_id("decisions") + 1
    item_area_id = loader.max_id("item_areas") + 1
    overdue_left = max(0, sizes["overdue"] - loader.count(
        "SELECT count(*) FROM items WHERE due_at < ? AND state IN "
        "('bronze','silver','gold','proposed','challenged')", (now,)))
    n = len(kinds)
    # Which open items are overdue is decided as we go: spread evenly over the items.
    overdue_every = max(1.0, (n * 0.55) / max(1, overdue_left)) if overdue_left else None
    open_seen = 0
    items, events, decisions, item_tags, item_areas = [], [], [], [], []
    t0 = time.perf_counter()

    def flush():
        loader.insert("items", ITEM_COLS, items)
        loader.insert("events", EVENT_COLS, events)
        loader.insert("decisions", DECISION_COLS, decisions)
        loader.insert("item_tags", ["item_id", "tag_id"], item_tags)
        loader.insert("item_areas", ITEM_AREA_COLS, item_areas)
        loader.commit()
        items.clear()
        events.clear()
        decisions.clear()
        item_tags.clear()
        item_areas.clear()

    for i, kind in enumerate(kinds):
        area_id = rng.choice(areas)
        raiser = rng.choice(people.by_area[area_id])
        place = PLACES[area_id % len(PLACES)]
        if kind == "blocker":
            if i in unblocking:
                ending = "close" if lengths[i] >= 4 and rng.random() < 0.6 else "unblock"
            else:
                ending = "withdraw" if lengths[i] >= 2 and rng.random() < 0.05 else "open"
            start_tier = "bronze"
            steps = _blocker_steps(lengths[i], ending, rng)
            title = rng.choice(BLOCKER_TITLES).format(place=place)
            funding = None
            initial = "bronze"
        else:
            funding = rng.choice([0, 5000, 25000, 150000, 600000])
            start_tier = "bronze" if funding <= 25000 else ("silver" if funding <= 150000 else "gold")
            steps = _idea_steps(idea_paths[i], start_tier)
            title = rng.choice(IDEA_TITLES).format(place=place)
            initial = "proposed"
        span_days = rng.uniform(5, 1000)
        created = now - timedelta(days=span_days, minutes=rng.randint(0, 600))
        gap = timedelta(days=span_days) / (len(steps) + 2)
        at = created
        events.append((event_id, item_id, "raise", None, initial, None, start_tier, raiser, "",
                       json.dumps({"version_before": 0}), at))
        event_id += 1
        state, tier, owner = initial, start_tier, None
        paused_at = unblocked_at = closed_at = None
        for version_before, (trigger, to_state, to_tier) in enumerate(steps, start=1):
            at = at + gap
            actor = _actor(trigger, tier, area_id, raiser, people, rng)
            events.append((event_id, item_id, trigger, state, to_state, tier, to_tier, actor,
                           REASONS.get(trigger, ""),
                           json.dumps({"version_before": version_before}), at))
            if trigger in DECIDING:
                outcome = DECIDING[trigger]
                declined = outcome == "declined"
                decisions.append((
                    decision_id, item_id, event_id, tier, outcome, f"{outcome.capitalize()}: {title}",
                    REASONS[trigger], "duplicates_existing_offer" if declined else None,
                    "It duplicates the family hub's offer." if declined else "",
                    "Show it reaches families the hub does not." if declined else "",
                    actor, False, at, at,
                ))
                decision_id += 1
            if trigger == "take":
                owner = actor
            elif trigger == "escalate":
                owner = None
            if to_state == "paused":
                paused_at = at
            elif state == "paused":
                paused_at = None
            if to_state == "unblocked":
                unblocked_at = at
            if to_state in ("closed", "withdrawn", "adopted", "stopped"):
                closed_at = at
            state, tier = to_state, to_tier
            event_id += 1

        due_at = None
        pause_ends = None
        if state in ("bronze", "silver", "gold", "proposed", "challenged"):
            open_seen += 1
            if overdue_every and overdue_left and open_seen % max(1, round(overdue_every)) == 0:
                due_at = now - timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 8))
                overdue_left -= 1
            else:
                due_at = now + timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 8))
        elif state == "paused":
            pause_ends = now + timedelta(days=rng.randint(1, 14))
        elif state == "unblocked":
            due_at = now + timedelta(days=rng.randint(1, 7))
        # Some blockers affect other areas too ("we have this too"); with three areas in all
        # a blocker is systemic, which the engine moves past Bronze, so only those above it.
        extra_areas = []
        if kind == "blocker" and rng.random() < SHARED_SHARE:
            wanted = 2 if tier in ("silver", "gold") and rng.random() < 0.5 else 1
            extra_areas = rng.sample([a for a in areas if a != area_id], k=wanted)
        for other in extra_areas:
            item_areas.append((item_area_id, item_id, other, rng.choice(people.by_area[other]),
                               "Families here wait for the same thing.", created + gap))
            item_area_id += 1
        items.append((
            item_id, kind, title, f"{title}. It affects families across {place}.",
            "Families wait longer for help." if kind == "blocker" else "",
            "More families supported early." if kind == "idea" else "",
            funding, area_id, people.org_of.get(raiser), raiser, owner, state, tier, due_at,
            paused_at, pause_ends, len(extra_areas) >= 2, len(extra_areas), created, at, at,
            unblocked_at, closed_at,
            len(steps) + 1,
        ))
        for tag in rng.sample(tags, k=min(len(tags), rng.choice([1, 1, 2]))) if tags else []:
            item_tags.append((item_id, tag))
        item_id += 1
        if len(items) >= CHUNK:
            flush()
            done = i + 1
            rate = done / (time.perf_counter() - t0)
            say(f"  items {done:,}/{n:,}  events {event_id - 1:,}  ({rate:,.0f} items/s)")
    flush()
    return {"new_items": n}


# ---------------------------------------------------------------- sponsor actions, meetings


def _actions(loader, wanted, areas, people, rng, now) -> int:
    have = loader.count("SELECT count(*) FROM sponsor_actions")
    action_id = loader.max_id("sponsor_actions") + 1
    event_id = loader.max_id("sponsor_action_events") + 1
    item_ids = loader.scalar_list("SELECT id FROM items ORDER BY id")
    actions, history = [], []
    for _ in range(max(0, wanted - have)):
        area_id = rng.choice(areas)
        sponsor = rng.choice(people.sponsors[area_id])
        owner = rng.choice(people.by_area[area_id] + [sponsor])
        created = now - timedelta(days=rng.randint(1, 700))
        due = (created + timedelta(days=rng.randint(3, 40))).date()
        status = rng.choices(["open", "done", "dropped"], weights=[6, 3, 1])[0]
        note = {"open": "", "done": "Done: the room is booked every Tuesday.",
                "dropped": "Dropped: overtaken by the new family hub."}[status]
        completed = created + timedelta(days=rng.randint(1, 30)) if status != "open" else None
        item = rng.choice(item_ids) if item_ids and rng.random() < 0.4 else None
        actions.append((action_id, area_id, sponsor, owner, sponsor,
                        "Ask the estates team to open the community room on Tuesday mornings.",
                        due, status, note, item, None, created, completed or created, completed,
                        1 if status == "open" else 2))
        history.append((event_id, action_id, sponsor, None, "open", "Recorded", created))
        event_id += 1
        if status != "open":
            history.append((event_id, action_id, owner, "open", status, note, completed))
            event_id += 1
        action_id += 1
    loader.insert("sponsor_actions", ["id", "area_id", "sponsor_id", "owner_id", "created_by_id",
                                      "what", "due_on", "status", "outcome_note", "item_id",
                                      "meeting_id", "created_at", "updated_at", "completed_at",
                                      "version"], actions)
    loader.insert("sponsor_action_events", ["id", "action_id", "actor_id", "from_status",
                                            "to_status", "note", "at"], history)
    loader.commit()
    return len(actions)


def _meetings(loader, wanted, forums, people, rng, now, pdf: bytes) -> int:
    have = loader.count("SELECT count(*) FROM meetings")
    meeting_id = loader.max_id("meetings") + 1
    attendance_id = loader.max_id("meeting_attendance") + 1
    sha = hashlib.sha256(pdf).hexdigest()
    meetings, attendance = [], []
    chairs = people.executives + people.heads
    for k in range(max(0, wanted - have)):
        forum = forums[k % len(forums)]
        starts = now - timedelta(days=7 * (k // len(forums)) - 21, hours=-10)
        chair = rng.choice(chairs)
        if starts > now:
            status, closed, approved = "planned", None, None
        elif rng.random() < 0.7:
            status, closed, approved = "approved", starts + timedelta(hours=2), starts + timedelta(days=3)
        else:
            status, closed, approved = "held", starts + timedelta(hours=2), None
        meetings.append((meeting_id, forum, starts, starts + timedelta(hours=2), "Community centre",
                         chair, status, "", chair, starts - timedelta(days=14), closed, approved,
                         chair if approved else None, pdf if approved else None,
                         sha if approved else None, 1))
        if status != "approved":  # approved minutes are locked: nobody can be added later
            for uid in rng.sample(people.everyone, k=6):
                attendance.append((attendance_id, meeting_id, uid, "", "", "present"))
                attendance_id += 1
        meeting_id += 1
    loader.insert("meetings", ["id", "forum_id", "starts_at", "ends_at", "place", "chair_id",
                               "status", "summary", "created_by_id", "created_at", "closed_at",
                               "approved_at", "approved_by_id", "minutes_pdf", "minutes_sha256",
                               "version"], meetings)
    loader.insert("meeting_attendance", ["id", "meeting_id", "user_id", "guest_name", "guest_role",
                                         "status"], attendance)
    loader.commit()
    return len(meetings)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'instance' / 'bench.sqlite'}")
    for name, value in DEFAULTS.items():
        parser.add_argument(f"--{name}", type=int, default=value)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="add to an existing database")
    args = parser.parse_args(argv)
    from tests.support.served import normalise_url

    url = normalise_url(args.database)
    sizes = {k: getattr(args, k) for k in DEFAULTS}
    totals = generate(url, fresh=not args.keep, seed=args.seed, **sizes)
    print()
    print(f"{'table':<18} {'rows':>12}")
    for key, value in totals.items():
        if key != "seconds":
            print(f"{key:<18} {value:>12,}")
    print(f"{'seconds':<18} {totals['seconds']:>12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
