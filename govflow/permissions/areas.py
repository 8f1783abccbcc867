"""The access policy for local areas: sponsor actions, the stuck list and the figures and
family feedback recorded for an area."""

from __future__ import annotations

from govflow.permissions.deputies import covered_people
from govflow.permissions.items import can_view_item
from govflow.permissions.predicates import signed_in


def secretary_covers_area(user, area_id) -> bool:
    """A forum secretary acts for the central forum's every area, or a local group's own area."""
    for r in user.role_assignments:
        if r.role == "secretary" and r.forum is not None and r.forum.active and (
            r.forum.kind == "central" or r.forum.area_id == area_id
        ):
            return True
    return False


def may_record_action_in(user, area) -> bool:
    """A sponsor records actions in the areas they sponsor; a secretary on their behalf."""
    if not signed_in(user):
        return False
    if area is None:  # "may this person record actions anywhere?"
        return bool(user.sponsored_area_ids) or any(
            r.role == "secretary" and r.forum is not None and r.forum.active
            for r in user.role_assignments
        )
    return area.id in user.sponsored_area_ids or secretary_covers_area(user, area.id)


def may_close_action(user, action) -> bool:
    """Mark done or drop: the owner or sponsor (or their deputy), another sponsor, its secretary."""
    if not signed_in(user):
        return False
    people = {user.id, *covered_people(user)}
    return (
        action.owner_id in people
        or action.sponsor_id in people
        or action.area_id in user.sponsored_area_ids
        or secretary_covers_area(user, action.area_id)
    )


def can_view_action(user, action) -> bool:
    """Anyone signed in; an action about a restricted item only for those who see the item."""
    if not signed_in(user):
        return False
    item = getattr(action, "item", None)
    return item is None or can_view_item(user, item)


def sees_stuck_list(user, area) -> bool:
    """The facilitators and sponsors of the area, and administrators."""
    return area.id in user.facilitated_area_ids or area.id in user.sponsored_area_ids or (
        "admin" in user.roles
    )


def may_record_for_area(user, area) -> bool:
    """A facilitator of the area (or of any area, asked without one), or an administrator."""
    if not signed_in(user):
        return False
    if "admin" in user.roles:
        return True
    if area is None:
        return bool(user.facilitated_area_ids)
    return area.id in user.facilitated_area_ids
