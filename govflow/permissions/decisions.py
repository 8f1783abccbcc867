"""The access policy for what hangs off an item: decisions (seen with their item; a
correction is a new entry) and notifications."""

from __future__ import annotations

from govflow.extensions import db
from govflow.permissions.items import can_view_item, item_roles
from govflow.permissions.predicates import signed_in

# The item roles that decide at each tier (for a decision nobody made: by default).
TIER_DECIDER_ROLES = {
    "bronze": {"facilitator", "sponsor"},
    "silver": {"head_of_service", "sponsor"},
    "gold": {"executive"},
}


def can_view_decision(user, decision) -> bool:
    """Whoever may see its item."""
    return can_view_item(user, decision.item)


def can_correct_decision(user, decision) -> bool:
    """The person who made it, a decider at its tier for that item, its forum's secretary, or
    an administrator, while it has not been corrected already."""
    if decision.superseded_by is not None or not can_view_item(user, decision.item):
        return False
    meeting = decision.meeting
    return _may_correct(user, decision.item, decision.tier, decision.decided_by_id,
                        meeting.forum_id if meeting is not None else None)


def correctable_entries(user, entries) -> frozenset[int]:
    """Which of these decision log entries (decisions.queries.DecisionEntry) the person may
    correct, by can_correct_decision's rule. Only for entries on items the person is known
    to see: the log lists no others (item_visible_clause), and a decision's own page and an
    item's page have checked already. Each entry carries its item's area, organisation,
    raiser and owner, the facts item_roles reads."""
    if not signed_in(user):
        return frozenset()
    return frozenset(
        e.id for e in entries
        if e.superseded_by_id is None
        and _may_correct(user, e, e.tier, e.decided_by_id, e.forum_id)
    )


def _may_correct(user, item, tier, decided_by_id, forum_id) -> bool:
    held = user.roles
    if "admin" in held or decided_by_id == user.id:
        return True
    if forum_id is not None and forum_id in user.secretary_forum_ids:
        return True
    deciders = TIER_DECIDER_ROLES.get(tier, set())
    if not held & deciders:
        return False  # item_roles gives these roles only to those who hold them somewhere
    # Standing in as deputy gives the raiser's or owner's role, never a decider's, so the
    # person's own roles answer (without working out whom they cover, for every entry).
    return bool(item_roles(user, item, as_deputy=False) & deciders)


def can_view_notification(user, notification) -> bool:
    """Its recipient, and only while its item (if any) is one they may see."""
    if not signed_in(user) or notification.user_id != user.id:
        return False
    if notification.item_id is None:
        return True
    from govflow.items.models import Item

    return can_view_item(user, db.session.get(Item, notification.item_id))
