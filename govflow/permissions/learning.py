"""The access policy for the library and the agreements register: the library is read like
the items it holds (restricted ones only by those involved); any area may try an adopted
idea; agreements are read by everyone."""

from __future__ import annotations

from govflow.permissions.items import can_view_item


def may_try_idea(user, item) -> bool:
    """Anyone who can see the idea and works in an area other than its own."""
    return (can_view_item(user, item) and getattr(item, "kind", "") == "idea"
            and bool(user.area_ids - {item.area_id}))


def may_record_agreement(user, _obj=None) -> bool:
    """A facilitator, a local area sponsor, Silver, Gold, a forum secretary or an
    administrator."""
    return bool(user.roles & {"facilitator", "sponsor", "secretary", "admin"}
                or user.tier in ("silver", "gold"))


def may_review_agreement(user, agreement) -> bool:
    """Its owner, a facilitator or sponsor of one of its areas, or an administrator."""
    if agreement is None:
        return False
    areas = {a.id for a in agreement.areas}
    return bool(agreement.owner_id == user.id or "admin" in user.roles
                or (user.facilitated_area_ids | user.sponsored_area_ids) & areas)
