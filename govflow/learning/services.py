"""Try this in my area: one step proposes, in the person's area, an idea adopted elsewhere."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from govflow.accounts.models import LocalArea
from govflow.domain_errors import Forbidden, Invalid, Refused
from govflow.extensions import db
from govflow.items import ideas
from govflow.items.models import Item
from govflow.learning import queries
from govflow.learning.models import IdeaCopy
from govflow.permissions import can_view_item


def areas_to_try_in(user, original: Item) -> list[LocalArea]:
    """The areas this person works in where the idea has not been adopted or tried yet."""
    ids = set(user.area_ids) - {original.area_id}
    if not ids:
        return []
    tried = set(db.session.scalars(select(IdeaCopy.area_id).where(
        IdeaCopy.original_id == original.id)))
    return list(db.session.scalars(
        select(LocalArea).where(LocalArea.id.in_(ids - tried), LocalArea.active)
        .order_by(LocalArea.name)))


def try_in_area(actor, original: Item, area_slug: str, *, now: datetime | None = None) -> Item:
    """Propose `original` again in one of the actor's areas, filled in from it and linked to
    it. It starts at the tier its funding ask needs, like any idea, and its deciders see the
    original's evaluation beside it (the item page and the decision form)."""
    if not can_view_item(actor, original) or original.kind != "idea":
        raise Forbidden("You cannot try this idea.")
    if original.state != queries.adopted_state():
        raise Refused("Only an idea adopted across the borough can be tried in another area.")
    area = db.session.scalar(select(LocalArea).where(LocalArea.slug == (area_slug or "").strip()))
    if area is None:
        raise Invalid("Choose the area", field_errors={"area": "Choose the area to try it in"})
    if area.id == original.area_id:
        raise Invalid("Already adopted there", field_errors={
            "area": f"This idea was adopted in {area.name}: choose another area"})
    if area.id not in actor.area_ids:
        raise Invalid("Not your area", field_errors={
            "area": f"You can try an idea only in an area you work in, not {area.name}"})
    existing = queries.copy_in_area(original.id, area.id)
    if existing is not None:
        raise Refused(f"{area.name} is already trying this idea: idea {existing.copy_id}.")
    funding = (None if original.funding_pence is None
               else Decimal(original.funding_pence) / 100)
    copy = ideas.propose_idea(
        actor,
        title=original.title,
        description=original.description,
        why=original.why,
        area=area.slug,
        outcomes=[t.slug for t in original.tags if t.kind == "outcome"],
        who_involved=original.who_involved,
        funding_asked=funding,
        support_needed=original.support_needed,
        now=now,
    )
    copy.tags = list(original.tags)
    db.session.add(IdeaCopy(original_id=original.id, copy_id=copy.id, area_id=area.id,
                            created_by_id=actor.id, created_at=copy.created_at))
    db.session.flush()
    return copy
