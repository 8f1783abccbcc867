""""We have this too": add an area to an open blocker; at N areas it is systemic, at Silver."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from govflow.accounts.models import LocalArea
from govflow.clock import utcnow
from govflow.db import is_postgres
from govflow.domain_errors import Forbidden, Invalid, Refused
from govflow.extensions import db
from govflow.items.models import Item, ItemArea
from govflow.text import check_texts
from govflow.workflow import engine, vocabulary

OPEN_BLOCKER_STATES = vocabulary.waiting_states("blocker")
EFFECT_LIMIT = 2000
DEFAULT_THRESHOLD = 3


def threshold() -> int:
    """How many areas make a blocker systemic (workflows/blocker.yaml settings)."""
    value = engine.definition("blocker").settings.get("systemic_area_threshold", DEFAULT_THRESHOLD)
    return max(2, int(value))


def affected_areas(item: Item) -> list[LocalArea]:
    """The blocker's own area first, then the areas added to it, in the order added."""
    rows = db.session.scalars(
        select(LocalArea)
        .join(ItemArea, ItemArea.area_id == LocalArea.id)
        .where(ItemArea.item_id == item.id)
        .order_by(ItemArea.id)
    ).all()
    own = db.session.get(LocalArea, item.area_id)
    return [own, *[a for a in rows if a.id != item.area_id]]


def areas_person_may_add(user, item: Item) -> list[LocalArea]:
    """Areas this person works in that the blocker does not already affect (admins: any)."""
    taken = {a.id for a in affected_areas(item)}
    query = select(LocalArea).where(LocalArea.active).order_by(LocalArea.name)
    if "admin" not in user.roles:
        query = query.where(LocalArea.id.in_(user.area_ids or {-1}))
    return [a for a in db.session.scalars(query) if a.id not in taken]


def systemic_reason(areas: list[LocalArea], moved: bool) -> str:
    names = ", ".join(a.name for a in areas)
    if moved:
        return f"Affects {len(areas)} areas: {names} — moved to Silver as a systemic blocker"
    return f"Affects {len(areas)} areas: {names} — marked as a systemic blocker"


def add_area(item: Item, actor, *, area: str, effect: str,
             now: datetime | None = None) -> ItemArea:
    """Record that another area has this blocker too, with a line on its effect there.

    When that brings the blocker to the systemic threshold it is marked systemic and, if it
    is still at Bronze, the workflow engine moves it to Silver (trigger `systemic`, fired by
    govflow itself) with an event saying why. Commits once.
    """
    now = now or utcnow()
    if is_postgres(db.session):
        # Two people adding areas at once must not both count 2 and miss the threshold.
        db.session.refresh(item, with_for_update=True)
    if item.kind != "blocker" or item.state not in OPEN_BLOCKER_STATES:
        raise Refused("This blocker is no longer open, so areas cannot be added to it. "
                      "Raise a new blocker instead.")
    effect = (effect or "").strip()
    errors = {}
    chosen = db.session.scalar(
        select(LocalArea).where(LocalArea.slug == (area or ""), LocalArea.active)
    )
    if chosen is None:
        errors["area"] = "Choose your area"
    if not effect:
        errors["effect"] = "Say what effect this blocker has in your area"
    if errors:
        raise Invalid("Some required information is missing.", field_errors=errors)
    if "admin" not in actor.roles and chosen.id not in actor.area_ids:
        raise Forbidden("You can add only an area you work in.")
    if chosen.id in {a.id for a in affected_areas(item)}:
        raise Invalid("That area is already affected.",
                      field_errors={"area": f"{chosen.name} is already affected by this blocker"})
    check_texts({"effect": effect}, {"effect": EFFECT_LIMIT},
                {"effect": "The effect in your area"})

    link = ItemArea(item_id=item.id, area_id=chosen.id, added_by_id=actor.id, effect=effect,
                    created_at=now)
    db.session.add(link)
    db.session.flush()
    db.session.expire(item, ["extra_areas"])
    _notify_raiser(item, actor, chosen)

    areas = affected_areas(item)
    if len(areas) >= threshold() and not item.systemic:
        item.systemic = True
        if item.tier == "bronze" and item.state == "paused":
            # Resumed first so it reaches Silver with a fresh Silver deadline, not the
            # paused Bronze one moved on.
            engine.fire(item, "resume", None, now=now,
                        fields={"reason": "Resumed to move it to Silver as a systemic blocker"})
        moved = item.state == "bronze"
        reason = systemic_reason(areas, moved)
        if moved:
            engine.fire(item, "systemic", None, fields={"reason": reason}, now=now)
    db.session.flush()
    return link


def _notify_raiser(item: Item, actor, area: LocalArea) -> None:
    from govflow.notifications import outbox

    if item.raised_by_id == actor.id:
        return
    outbox.notify(
        item.raised_by, "area_added",
        f"{area.name} has this blocker too: {item.title}",
        f"{actor.display_name} added {area.name} to your blocker.",
        item=item,
    )
