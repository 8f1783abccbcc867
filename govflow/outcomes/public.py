"""The public page's figures: counts only, adopted ideas' titles (unrestricted ones), and
the outcome indicators. Nothing here names a person or quotes a restricted item."""

from __future__ import annotations

from sqlalchemy import func, select

from govflow.extensions import db
from govflow.items.models import Item
from govflow.outcomes import queries


def context() -> dict:
    counts = dict(db.session.execute(
        select(Item.kind, func.count(Item.id)).group_by(Item.kind)).all())
    return {
        "blockers_raised": counts.get("blocker", 0),
        "ideas_proposed": counts.get("idea", 0),
        "families_heard": queries.families_heard_total(),
        "adopted_ideas": queries.adopted_ideas_public(),
    }
