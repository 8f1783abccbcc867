"""Every (state × trigger × role) for blockers, read from workflows/blocker.yaml itself.

What is allowed moves the item and writes exactly one event; everything else is refused and
leaves the item, its version, its events, decisions and notifications exactly as they were.
The expectations are worked out here from the raw YAML (not from the engine's own reading of
it), so a change to the file changes the table and the engine must keep up.
"""

from __future__ import annotations

from collections import deque

import pytest
import yaml
from sqlalchemy import func, select

from govflow.accounts.models import LocalArea, Organisation, User
from govflow.accounts.services import set_roles
from govflow.decisions.models import Decision
from govflow.domain_errors import Forbidden, Refused
from govflow.extensions import db
from govflow.items import services
from govflow.items.models import Event, Item
from govflow.notifications.models import Notification
from govflow.permissions import item_roles
from govflow.workflow import engine
from govflow.workflow.definition import WORKFLOW_DIR

RAW = yaml.safe_load((WORKFLOW_DIR / "blocker.yaml").read_text(encoding="utf-8"))
TIERS = ("bronze", "silver", "gold")
# The named conditions blocker.yaml uses, judged from the tier alone. A new name in the file
# fails the test until it is taught here.
WHEN = {
    "tier_is_bronze": lambda tier: tier == "bronze",
    "tier_is_silver": lambda tier: tier == "silver",
    "tier_is_gold": lambda tier: tier == "gold",
    "tier_below_gold": lambda tier: tier != "gold",
}
ROLES = ("raiser", "owner", "facilitator", "sponsor", "head_of_service", "executive", "admin",
         "system")
TEXT = "Table test: written to satisfy the form."


def _sources(t) -> list[str]:
    return t["source"] if isinstance(t["source"], list) else [t["source"]]


def _matching(state: str, tier: str, trigger: str):
    """The transition the file says applies from here (the first that matches), or None."""
    for t in RAW["triggers"][trigger]["transitions"]:
        if state not in _sources(t):
            continue
        when = t.get("when")
        if when is not None:
            if when not in WHEN:
                pytest.fail(f"blocker.yaml uses condition {when!r}; teach this test about it")
            if not WHEN[when](tier):
                continue
        return t
    return None


def _after(state: str, tier: str, t) -> tuple[str, str]:
    dest = state if t["dest"] == "same" else t["dest"]
    return dest, RAW["states"][dest].get("tier") or tier


def _fields(trigger: str) -> dict:
    spec = RAW["triggers"][trigger]
    return {name: TEXT for name in list(spec.get("required", [])) + list(spec.get("optional", []))}


def _paths() -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Shortest way to reach every (state, tier) from a newly raised blocker:
    a list of (trigger, role) steps, using whoever the file allows."""
    start = (RAW["initial"], "bronze")
    paths = {start: []}
    queue = deque([start])
    while queue:
        state, tier = queue.popleft()
        for trigger in RAW["triggers"]:
            t = _matching(state, tier, trigger)
            if t is None:
                continue
            role = next((r for r in ("admin", "raiser", "system") if r in t["roles"]), None)
            if role is None:
                continue
            node = _after(state, tier, t)
            if node not in paths:
                paths[node] = paths[(state, tier)] + [(trigger, role)]
                queue.append(node)
    return paths


PATHS = _paths()


def test_every_state_of_the_file_is_reached_at_every_tier_it_can_be_at():
    reached = {state for state, _ in PATHS}
    assert reached == set(RAW["states"])
    assert {tier for state, tier in PATHS if state == "paused"} == set(TIERS)
    assert {tier for state, tier in PATHS if state == "unblocked"} == set(TIERS)


@pytest.fixture
def cast(app):
    """One person per workflow role, holding that role (and no other) for Hexthorpe items
    that sit with the schools partnership."""
    orgs = {o.slug: o for o in db.session.scalars(select(Organisation))}
    balby = db.session.scalar(select(LocalArea).where(LocalArea.slug == "balby"))
    hexthorpe = db.session.scalar(select(LocalArea).where(LocalArea.slug == "hexthorpe"))
    specs = {
        "raiser": ([("practitioner", None)], "doncaster-schools-partnership", hexthorpe),
        "owner": ([("practitioner", None)], "syp", balby),
        "facilitator": ([("facilitator", "hexthorpe")], "syp", None),
        "sponsor": ([("sponsor", "hexthorpe")], "syp", None),
        "head_of_service": ([("head_of_service", None)], "doncaster-schools-partnership",
                            balby),
        "executive": ([("executive", None)], "syp", balby),
        "admin": ([("admin", None)], "dmbc", balby),
    }
    people = {}
    for role, (roles, org, home) in specs.items():
        user = User(email=f"table-{role}@test.example", display_name=f"Table {role}",
                    organisation_id=orgs[org].id, home_area_id=home.id if home else None)
        db.session.add(user)
        db.session.flush()
        set_roles(user, roles)
        people[role] = user
    people["system"] = None
    return people


def _reach(cast, state, tier) -> Item:
    item = services.raise_blocker(
        cast["raiser"], title=f"Table test at {state} ({tier})",
        description="A blocker for the transition table.", area="hexthorpe",
        organisation="doncaster-schools-partnership",
    )
    for trigger, role in PATHS[(state, tier)]:
        engine.fire(item, trigger, cast[role], fields=_fields(trigger), version=item.version)
    # The owner role belongs to whoever holds the item; hand it to the owner-only person
    # (set here rather than by `take`, which only a tier's people may fire).
    item.owner_id = cast["owner"].id
    db.session.commit()
    assert (item.state, item.tier) == (state, tier)
    return item


def _counts(item) -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(select(func.count(model.id)).where(model.item_id == item.id))
        for model in (Event, Decision, Notification)
    )


def _snapshot(item):
    return (item.state, item.tier, item.version, item.owner_id, item.due_at, item.paused_at,
            item.closed_at, _counts(item))


@pytest.mark.parametrize(("state", "tier"), sorted(PATHS), ids=lambda v: v)
def test_each_trigger_for_each_role_from(cast, state, tier):
    item = _reach(cast, state, tier)
    for role, person in cast.items():
        if person is not None:
            assert item_roles(person, item) == {role}, f"{role} should hold only that role"
    problems = []
    for trigger in RAW["triggers"]:
        t = _matching(state, tier, trigger)
        for role in ROLES:
            actor = cast[role]
            allowed = t is not None and role in t["roles"]
            if actor is not None:
                offered = any(a.trigger.name == trigger for a in engine.available(item, actor))
                if offered != allowed:
                    problems.append(f"{trigger} as {role}: offered={offered}, file says "
                                    f"{allowed}")
            before = _snapshot(item)
            savepoint = db.session.begin_nested()
            try:
                try:
                    event = engine.fire(item, trigger, actor, fields=_fields(trigger),
                                        version=item.version)
                except (Refused, Forbidden) as err:
                    if allowed:
                        problems.append(f"{trigger} as {role}: refused ({err.message})")
                    elif _snapshot(item) != before:
                        problems.append(f"{trigger} as {role}: refused but the item changed")
                    continue
                if not allowed:
                    problems.append(f"{trigger} as {role}: allowed, but the file says no")
                    continue
                db.session.flush()
                want_state, want_tier = _after(state, tier, t)
                events = db.session.scalars(
                    select(Event).where(Event.item_id == item.id, Event.id > 0)
                    .order_by(Event.id)).all()
                new = events[before[-1][0]:]
                if (item.state, item.tier) != (want_state, want_tier):
                    problems.append(f"{trigger} as {role}: now {item.state}/{item.tier}, file "
                                    f"says {want_state}/{want_tier}")
                if [(e.trigger, e.from_state, e.to_state) for e in new] != [
                        (trigger, state, want_state)] or new[0].id != event.id:
                    problems.append(f"{trigger} as {role}: events written {new}")
                if item.version != before[2] + 1:
                    problems.append(f"{trigger} as {role}: version {before[2]} -> {item.version}")
            finally:
                savepoint.rollback()
                db.session.expire_all()
            assert _snapshot(item) == before, "rolling back the savepoint failed"
    assert not problems, "\n".join(problems)
