"""The access policy for items: the relations a person has to an item, who sees a restricted
one, and who may restrict, follow, join or read the contacts of one. Their SQL twin, for
lists, is govflow/permissions/visibility.py."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from govflow.extensions import db
from govflow.permissions.deputies import covered_people
from govflow.permissions.predicates import signed_in
from govflow.permissions.visibility import on_agenda_clause


def item_area_ids(item) -> set[int]:
    """The item's own area and every area added to it."""
    return {item.area_id} | {extra.area_id for extra in item.extra_areas}


def item_roles(user, item, *, as_deputy: bool = True) -> set[str]:
    """The workflow-file role names this person holds for this item ("system" for the sweep).

    Powers come from the item's *own* area, its organisation and the person's tier: an area
    added to it ("we have this too") gives none (item_relations: "affected"). A deputy holds
    the raiser's or owner's role while standing in (`as_deputy=False`: their own only)."""
    if user is None:
        return {"system"}
    if not signed_in(user):
        return set()
    roles: set[str] = set()
    held = user.roles
    covered = covered_people(user) if as_deputy else frozenset()
    if item.raised_by_id == user.id or item.raised_by_id in covered:
        roles.add("raiser")
    if item.owner_id is not None and (item.owner_id == user.id or item.owner_id in covered):
        roles.add("owner")
    if item.area_id in user.facilitated_area_ids:
        roles.add("facilitator")
    if item.area_id in user.sponsored_area_ids:
        roles.add("sponsor")
    if "head_of_service" in held and (
        (item.organisation_id is not None and item.organisation_id == user.organisation_id)
        or item.area_id in user.area_ids
    ):
        roles.add("head_of_service")
    if "executive" in held:
        roles.add("executive")
    if "admin" in held:
        roles.add("admin")
    return roles


def item_relations(user, item) -> set[str]:
    """item_roles plus "affected": the person works in an area added to the item."""
    relations = item_roles(user, item) - {"system"}
    if signed_in(user) and user.area_ids & {x.area_id for x in item.extra_areas}:
        relations.add("affected")
    return relations


def on_forum_agenda(user, item) -> bool:
    """The item is on the agenda of a meeting of a forum this person is secretary or member of."""
    if not signed_in(user) or item.id is None:
        return False
    return bool(db.session.scalar(select(on_agenda_clause(user, item.id))))


def sees_restricted(user, item) -> bool:
    """Restricted items: raiser, owner, facilitators and sponsors of its areas, the Silver of
    its organisation and areas, Gold, administrators, and the secretary and members of a
    forum whose agenda holds it."""
    if not signed_in(user):
        return False
    held = user.roles
    if held & {"admin", "executive"}:
        return True
    if {user.id, *covered_people(user)} & {item.raised_by_id, item.owner_id}:
        return True
    areas = item_area_ids(item)
    if (user.facilitated_area_ids | user.sponsored_area_ids) & areas:
        return True
    if "head_of_service" in held and (
        (item.organisation_id is not None and item.organisation_id == user.organisation_id)
        or user.area_ids & areas
    ):
        return True
    return on_forum_agenda(user, item)


def can_view_item(user, item) -> bool:
    """Anyone signed in, unless the item is restricted (then the people involved)."""
    if not signed_in(user) or item is None:
        return False
    if not getattr(item, "restricted", False):
        return True
    return sees_restricted(user, item)


def may_restrict(user, item) -> bool:
    """The raiser, a facilitator or sponsor of its area, Silver or Gold (who can see it)."""
    if not can_view_item(user, item):
        return False
    return bool(
        user.id == item.raised_by_id
        or item.area_id in user.facilitated_area_ids | user.sponsored_area_ids
        or user.tier in ("silver", "gold")
        or "admin" in user.roles
    )


def may_follow(user, item) -> bool:
    """Comment on and follow an item: anyone who can see it."""
    return can_view_item(user, item)


def may_add_area(user, item) -> bool:
    """Say "we have this too": anyone who can see the blocker (it makes their area affected)."""
    return can_view_item(user, item) and getattr(item, "kind", "blocker") == "blocker"


CONTACT_COLUMNS = ("raised_by_id", "owner_id", "sponsor_id", "created_by_id")


def may_see_email(viewer, person, thing=None) -> bool:
    """Email addresses only where needed: one's own, administrators, and the contacts of
    one's own items and actions (the people on an item or sponsor action one raised, owns,
    sponsors or recorded)."""
    return person is not None and emails_shown(viewer, thing)(person)


def emails_shown(viewer, thing=None) -> Callable[[object], bool]:
    """may_see_email for one viewer and thing, asked once: whose email (person -> bool) the
    viewer may see on it. A page or API answer listing many people (an item's history) asks
    this once rather than once a person."""
    if not signed_in(viewer):
        return lambda person: False
    if "admin" in viewer.roles or (thing is not None and viewer.id in {
            getattr(thing, column, None) for column in CONTACT_COLUMNS}):
        return lambda person: True
    viewer_id = viewer.id
    return lambda person: person.id == viewer_id
