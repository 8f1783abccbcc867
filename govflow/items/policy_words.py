"""The item page's "who can see it" and "who acts next", in words, from the access policy
and the workflow files (names where there are few people, roles where there are many)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select

from govflow import permissions
from govflow.accounts.models import RoleAssignment, User
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.workflow import engine

FEW = 4  # up to this many people are named; more are described by their role


@dataclass(frozen=True)
class NextStep:
    action: str  # the trigger's label, "Escalate to the next tier"
    who: str  # "Rachel Dunn or Lorraine Hebden (Denaby's facilitators)"


def _names(people) -> str:
    names = [p.display_name for p in people]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def _area_people(area_id: int, role: str) -> list:
    """The active people with the role in the area, by name (rows with .id and
    .display_name: only their names are said)."""
    return db.session.execute(
        select(User.id, User.display_name).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == role, RoleAssignment.area_id == area_id, User.active)
        .order_by(User.display_name).distinct()).all()


AREA_ROLES = ("facilitator", "sponsor")  # named among the item's area's people


def _named_people(item, roles: set[str]) -> dict[str, list]:
    """For each of these roles that "who acts next" names people of: the active people with
    it, by name (rows with .id and .display_name) — the item's area's facilitators and
    sponsors, and every Gold executive — in one statement (one per role cost the item page
    a round trip each)."""
    wanted = []
    area_roles = [role for role in AREA_ROLES if role in roles]
    if area_roles:
        wanted.append(and_(RoleAssignment.role.in_(area_roles),
                           RoleAssignment.area_id == item.area_id))
    if "executive" in roles:
        wanted.append(RoleAssignment.role == "executive")
    if not wanted:
        return {}
    rows = db.session.execute(
        select(RoleAssignment.role, User.id, User.display_name)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(User.active, or_(*wanted))
        .order_by(User.display_name).distinct()).all()
    people: dict[str, list] = {role: [] for role in (*area_roles, "executive")}
    for row in rows:
        people[row.role].append(row)
    return people


def _heads_of_service(item) -> list[User]:
    """Heads of Service whose powers reach the item (the policy decides, person by person)."""
    in_area = select(RoleAssignment.user_id).where(RoleAssignment.area_id == item.area_id)
    people = db.session.scalars(
        select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == "head_of_service", User.active,
               or_(User.organisation_id == item.organisation_id,
                   User.home_area_id == item.area_id, User.id.in_(in_area)))
        .order_by(User.display_name).distinct())
    return [p for p in people if "head_of_service" in permissions.item_roles(p, item)]


def _describe(role: str, item, named: dict[str, list]) -> str | None:
    """`named`: _named_people for the roles asked about."""
    area = item.area.name if item.area is not None else "its area"
    if role == "raiser":
        return f"{item.raised_by.display_name} (who raised it)"
    if role == "owner":
        return f"{item.owner.display_name} (its owner)" if item.owner is not None else None
    if role in AREA_ROLES:
        people = named[role]
        if not people:
            return None
        plural = f"{area}'s {role}s"
        return f"{_names(people)} ({plural})" if len(people) <= FEW else plural
    if role == "head_of_service":
        people = _heads_of_service(item)
        if not people:
            return None
        org = item.organisation.name if item.organisation is not None else area
        described = f"Heads of Service for {org} or {area}"
        return f"{_names(people)} (Silver)" if len(people) <= FEW else described
    if role == "executive":
        people = named["executive"]
        return f"{_names(people)} (Gold)" if len(people) <= FEW else "any Gold executive"
    return None  # admins can step in anywhere; the sweep is not a person


def next_steps(item, now: datetime | None = None) -> list[NextStep]:
    """Each thing that can be done to the item now, and who may do it (from the workflow file:
    its roles, as the policy grants them)."""
    now = now or utcnow()
    spec = engine.definition(item.kind)
    steps = []
    described: dict[str, str | None] = {}
    matching = [(trigger, transition) for trigger in spec.triggers.values()
                if (transition := engine._matching_transition(item, trigger, now)) is not None]
    named = _named_people(item, {role for _, transition in matching for role in transition.roles})
    for trigger, transition in matching:
        who = []
        for role in sorted(transition.roles - {"admin", "system"}, key=ROLE_ORDER.index):
            if role not in described:
                described[role] = _describe(role, item, named)
            if described[role]:
                who.append(described[role])
        if who:
            steps.append(NextStep(trigger.label, "; ".join(who)))
    return steps


ROLE_ORDER = ["raiser", "owner", "facilitator", "sponsor", "head_of_service", "executive",
              "admin", "system"]


def restricted_viewers(item) -> list[str]:
    """Who sees a restricted item (permissions.sees_restricted), as the page lists them."""
    area_ids = permissions.item_area_ids(item)
    people = []
    for area_id in sorted(area_ids):
        for role in ("facilitator", "sponsor"):
            people.extend(_area_people(area_id, role))
    seen: set[int] = set()
    named = [p.display_name for p in people if not (p.id in seen or seen.add(p.id))]
    out = [f"{item.raised_by.display_name}, who raised it"]
    if item.owner is not None and item.owner_id != item.raised_by_id:
        out.append(f"{item.owner.display_name}, its owner")
    if named:
        out.append("the facilitators and sponsors of its areas: " + ", ".join(named))
    org = item.organisation.name if item.organisation is not None else None
    out.append("Heads of Service (Silver) " + (f"in {org} or " if org else "in ")
               + "its areas")
    out.append("Gold executives and govflow admins")
    out.append("the secretary and members of a forum that has it on a meeting's agenda")
    return out


def who_can_see(item) -> str | list[str]:
    if not item.restricted:
        return "Everyone in the partnership"
    return restricted_viewers(item)
