"""The access policy's rules for deputies (re-exported by govflow.permissions): while someone
is away, the deputy they named acts with their powers. Like the rest of the policy it imports
models and the database session, no domain service."""

from __future__ import annotations

from govflow.permissions.predicates import signed_in

# Roles a deputy must share with the person they stand in for, in the same scope (the same
# area or forum; a Head of Service in the same organisation). A practitioner's own items are
# theirs alone.
DEPUTY_ROLES = ("facilitator", "sponsor", "head_of_service", "executive", "secretary", "admin")


def may_deputise(deputy, person) -> bool:
    """Someone else, active, who holds one of the person's roles in the same scope."""
    if not signed_in(person) or deputy is None or not deputy.active or deputy.id == person.id:
        return False
    theirs = {(r.role, r.area_id, r.forum_id) for r in person.role_assignments
              if r.role in DEPUTY_ROLES}
    for r in deputy.role_assignments:
        if (r.role, r.area_id, r.forum_id) in theirs and (
                r.role != "head_of_service" or deputy.organisation_id == person.organisation_id):
            return True
    return False


def covered_people(user) -> frozenset[int]:
    """The people this person is deputy for today (each away, with them named as deputy)."""
    from govflow.accounts.deputy_models import people_covered_by

    if not signed_in(user):
        return frozenset()
    return people_covered_by(user.id)
