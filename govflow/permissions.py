"""The one place that answers "may this person do this?" — every view and template asks here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# ---------------------------------------------------------------------------
# Composable predicates: IsAtLeastSilver = IsSilver | IsGold
# ---------------------------------------------------------------------------


class Predicate:
    def __init__(self, fn: Callable[[Any, Any], bool], name: str = ""):
        self.fn = fn
        self.name = name or getattr(fn, "__name__", "predicate")

    def __call__(self, user, obj=None) -> bool:
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        return bool(self.fn(user, obj))

    def __or__(self, other: Predicate) -> Predicate:
        return Predicate(lambda u, o: self(u, o) or other(u, o), f"({self.name} | {other.name})")

    def __and__(self, other: Predicate) -> Predicate:
        return Predicate(lambda u, o: self(u, o) and other(u, o), f"({self.name} & {other.name})")

    def __invert__(self) -> Predicate:
        return Predicate(lambda u, o: not self(u, o), f"~{self.name}")

    def __repr__(self) -> str:
        return f"<Predicate {self.name}>"


def has_role(role: str) -> Predicate:
    return Predicate(lambda u, _o: role in u.roles, f"has_role({role})")


SignedIn = Predicate(lambda u, _o: True, "signed_in")
IsAdmin = has_role("admin")
IsPractitioner = has_role("practitioner")
IsFacilitator = has_role("facilitator")
IsSponsor = has_role("sponsor")
IsSecretary = has_role("secretary")
IsSilver = Predicate(lambda u, _o: u.tier == "silver", "silver")
IsGold = Predicate(lambda u, _o: u.tier == "gold", "gold")
IsAtLeastSilver = IsSilver | IsGold


# ---------------------------------------------------------------------------
# Items: roles relative to an item, and who may see it
# ---------------------------------------------------------------------------


def item_area_ids(item) -> set[int]:
    return {item.area_id} | {extra.area_id for extra in item.extra_areas}


def item_roles(user, item) -> set[str]:
    """The workflow-file role names this person holds for this item ("system" for the sweep)."""
    if user is None:
        return {"system"}
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    roles: set[str] = set()
    held = user.roles
    areas = item_area_ids(item)
    if item.raised_by_id == user.id:
        roles.add("raiser")
    if item.owner_id is not None and item.owner_id == user.id:
        roles.add("owner")
    if user.facilitated_area_ids & areas:
        roles.add("facilitator")
    if user.sponsored_area_ids & areas:
        roles.add("sponsor")
    if "head_of_service" in held and (
        (item.organisation_id is not None and item.organisation_id == user.organisation_id)
        or (user.area_ids & areas)
    ):
        roles.add("head_of_service")
    if "executive" in held:
        roles.add("executive")
    if "admin" in held:
        roles.add("admin")
    return roles


def can_view_item(user, item) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if item_roles(user, item) - {"system"}:
        return True
    held = user.roles
    if "secretary" in held:
        return True  # secretaries build agendas from items across their forums' areas
    if user.area_ids & item_area_ids(item):
        return True
    return "head_of_service" in held and item.organisation_id == user.organisation_id


# ---------------------------------------------------------------------------
# Local areas and sponsor actions
# ---------------------------------------------------------------------------


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
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if area is None:  # "may this person record actions anywhere?"
        return bool(user.sponsored_area_ids) or any(
            r.role == "secretary" and r.forum is not None and r.forum.active
            for r in user.role_assignments
        )
    return area.id in user.sponsored_area_ids or secretary_covers_area(user, area.id)


def may_close_action(user, action) -> bool:
    """Mark done or drop: the owner, the sponsor, another sponsor of the area, its secretary."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return (
        action.owner_id == user.id
        or action.sponsor_id == user.id
        or action.area_id in user.sponsored_area_ids
        or secretary_covers_area(user, action.area_id)
    )


def sees_stuck_list(user, area) -> bool:
    """The area page's "stuck" list is for the people who keep the area's items moving."""
    return area.id in user.facilitated_area_ids or area.id in user.sponsored_area_ids or (
        "admin" in user.roles
    )


# ---------------------------------------------------------------------------
# Decisions: who may correct one (a correction is a new entry; nothing is erased)
# ---------------------------------------------------------------------------

# The item roles that decide at each tier (for a decision nobody made: by default).
TIER_DECIDER_ROLES = {
    "bronze": {"facilitator", "sponsor"},
    "silver": {"head_of_service", "sponsor"},
    "gold": {"executive"},
}


def can_correct_decision(user, decision) -> bool:
    """The person who made it, a decider at its tier for that item, its forum's secretary, or
    an administrator — and only while it has not been corrected already."""
    if not can_view_item(user, decision.item) or decision.superseded_by is not None:
        return False
    if "admin" in user.roles or decision.decided_by_id == user.id:
        return True
    if decision.meeting is not None and decision.meeting.forum_id in user.secretary_forum_ids:
        return True
    return bool(item_roles(user, decision.item) & TIER_DECIDER_ROLES.get(decision.tier, set()))


# ---------------------------------------------------------------------------
# Named actions
# ---------------------------------------------------------------------------

RULES: dict[str, Predicate] = {
    "admin.manage": IsAdmin,
    "item.raise": SignedIn,
    "item.view": Predicate(can_view_item, "can_view_item"),
    "item.comment": Predicate(can_view_item, "can_view_item"),
    "decisions.view": SignedIn,
    "decision.correct": Predicate(can_correct_decision, "can_correct_decision"),
    "dashboard.view": SignedIn,
    "area.view": SignedIn,
    "area.stuck": Predicate(sees_stuck_list, "sees_stuck_list"),
    "sponsor.home": IsSponsor,
    "action.view": SignedIn,
    "action.record": Predicate(may_record_action_in, "may_record_action_in"),
    "action.close": Predicate(may_close_action, "may_close_action"),
}


def can(user, action: str, obj=None) -> bool:
    try:
        rule = RULES[action]
    except KeyError:
        raise KeyError(f"No permission rule named {action!r}") from None
    return rule(user, obj)


def register(action: str, predicate: Predicate) -> None:
    """Domains add their rules here at import time, so there is still one table to read."""
    RULES[action] = predicate


# ---------------------------------------------------------------------------
# Forums and meetings: admins set forums up; the forum's secretary (and admins) schedule
# and run its meetings; the chair approves the minutes (or, once the next meeting of the
# forum has begun, that meeting's chair or the forum's secretary, on the forum's behalf).
# ---------------------------------------------------------------------------


def _forum_of(obj):
    return getattr(obj, "forum", None) or obj


def is_forum_secretary(user, obj) -> bool:
    forum = _forum_of(obj)
    return forum is not None and forum.id in user.secretary_forum_ids


def can_run_meeting(user, obj) -> bool:
    return "admin" in user.roles or is_forum_secretary(user, obj)


def can_approve_minutes(user, meeting) -> bool:
    if meeting is None:
        return False
    if meeting.chair_id is not None and meeting.chair_id == user.id:
        return True
    from govflow.forums.services import next_meeting_begun

    later = next_meeting_begun(meeting)
    if later is None:
        return False
    return later.chair_id == user.id or is_forum_secretary(user, meeting)


register("forums.manage", IsAdmin)
register("forums.view", SignedIn)
register("meeting.run", Predicate(can_run_meeting, "can_run_meeting"))
register("meeting.approve", Predicate(can_approve_minutes, "can_approve_minutes"))
