"""Who a deputy acted for: when someone does something with the powers of a person who is
away (govflow/permissions/deputies.py says who may stand in), the person they stood in for,
so the history, the decision log and the minutes can say "as deputy for …". Kept apart from
the policy package because it asks the policy (item_roles, secretary_covers_area), which must not
import anything that imports it back."""

from __future__ import annotations

from govflow.extensions import db
from govflow.permissions import covered_people, item_roles, secretary_covers_area, signed_in


def deputising_for(user, item, allowed: set[str]):
    """The person `user` stands in for in doing this to the item: the item's owner (or else
    its raiser) when `user` is their deputy today and the power used is one that person
    holds. None when `user` acts only as themself."""
    if user is None:
        return None
    covered = covered_people(user)
    if not covered:
        return None
    from govflow.accounts.models import User

    for person_id in (item.owner_id, item.raised_by_id):
        if person_id in covered:
            person = db.session.get(User, person_id)
            if person is not None and item_roles(person, item, as_deputy=False) & allowed:
                return person
    return None


def action_deputy_for(user, action):
    """The person `user` stands in for in closing this action (its owner, or else its
    sponsor, away with `user` as deputy) when their own place does not give them the power."""
    if not signed_in(user) or (
            user.id in (action.owner_id, action.sponsor_id)
            or action.area_id in user.sponsored_area_ids
            or secretary_covers_area(user, action.area_id)):
        return None
    covered = covered_people(user)
    for person_id in (action.owner_id, action.sponsor_id):
        if person_id in covered:
            from govflow.accounts.models import User

            return db.session.get(User, person_id)
    return None
