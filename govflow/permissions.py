"""The access policy: who may see and who may do what to every kind of thing, and the SQL
filter that keeps lists, counts, search and exports to what a person may see.

Seeing is open: everyone signed in reads every item, its history, every decision and every
approved minutes, except restricted items, which only the people involved see. Acting comes
from one's own place (the owning area, the organisation, the tier, as the workflow files
say); adding an area to a blocker ("we have this too") makes it *affected*, never gives
powers. This module imports models and the database session, never a domain service: the
services ask it, not the other way round.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, exists, false, or_, select, true

from govflow.extensions import db
from govflow.permissions_deputies import covered_people, may_deputise

# ---------------------------------------------------------------------------
# Composable predicates: IsAtLeastSilver = IsSilver | IsGold
# ---------------------------------------------------------------------------


class Predicate:
    def __init__(self, fn: Callable[[Any, Any], bool], name: str = "", doc: str = ""):
        self.fn = fn
        self.name = name or getattr(fn, "__name__", "predicate")
        # The docstring's first paragraph: the table of powers (docs/access-policy.md) reads it.
        self.doc = doc or " ".join((fn.__doc__ or "").strip().split("\n\n")[0].split())

    def __call__(self, user, obj=None) -> bool:
        if not signed_in(user):
            return False
        return bool(self.fn(user, obj))

    def __or__(self, other: Predicate) -> Predicate:
        return Predicate(lambda u, o: self(u, o) or other(u, o), f"({self.name} | {other.name})",
                         f"{self.doc}, or {other.doc}")

    def __and__(self, other: Predicate) -> Predicate:
        return Predicate(lambda u, o: self(u, o) and other(u, o), f"({self.name} & {other.name})",
                         f"{self.doc} and {other.doc}")

    def __invert__(self) -> Predicate:
        return Predicate(lambda u, o: not self(u, o), f"~{self.name}", f"not {self.doc}")

    def __repr__(self) -> str:
        return f"<Predicate {self.name}>"


def signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and getattr(user, "is_active", False))


ROLE_WORDS = {"admin": "an administrator", "practitioner": "a practitioner",
              "facilitator": "a facilitator", "sponsor": "a local area sponsor",
              "secretary": "a forum secretary"}


def has_role(role: str) -> Predicate:
    return Predicate(lambda u, _o: role in u.roles, f"has_role({role})",
                     ROLE_WORDS.get(role, role.replace("_", " ")))


SignedIn = Predicate(lambda u, _o: True, "signed_in", "anyone signed in")
IsAdmin = has_role("admin")
IsPractitioner = has_role("practitioner")
IsFacilitator = has_role("facilitator")
IsSponsor = has_role("sponsor")
IsSecretary = has_role("secretary")
IsSilver = Predicate(lambda u, _o: u.tier == "silver", "silver", "Silver")
IsGold = Predicate(lambda u, _o: u.tier == "gold", "gold", "Gold")
IsAtLeastSilver = IsSilver | IsGold


# ---------------------------------------------------------------------------
# Items: the relations a person has to an item
# ---------------------------------------------------------------------------


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
    return bool(db.session.scalar(select(_on_agenda_clause(user, item.id))))


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
    if not signed_in(viewer) or person is None:
        return False
    if viewer.id == person.id or "admin" in viewer.roles:
        return True
    return thing is not None and viewer.id in {
        getattr(thing, column, None) for column in CONTACT_COLUMNS} - {None}


# ---------------------------------------------------------------------------
# The SQL twin: which items a person may see, for every list, count, search and export
# ---------------------------------------------------------------------------


def sees_every_item(user) -> bool:
    """Administrators and Gold see every item, restricted or not."""
    return bool(signed_in(user) and user.roles & {"admin", "executive"})


def _forum_ids_subquery(user):
    from govflow.forums.models import forum_members

    ids = select(forum_members.c.forum_id).where(forum_members.c.user_id == user.id)
    secretary_of = list(user.secretary_forum_ids)
    if secretary_of:
        from govflow.accounts.models import RoleAssignment

        ids = ids.union(select(RoleAssignment.forum_id).where(
            RoleAssignment.user_id == user.id, RoleAssignment.role == "secretary",
            RoleAssignment.forum_id.is_not(None)))
    return ids


def _on_agenda_clause(user, item_id_column):
    from govflow.forums.models import AgendaItem, Meeting

    return exists().where(
        AgendaItem.item_id == item_id_column,
        AgendaItem.meeting_id == Meeting.id,
        Meeting.forum_id.in_(_forum_ids_subquery(user)),
    )


def restricted_visibility_clause(user):
    """SQL twin of sees_restricted (for rows with restricted = true)."""
    from govflow.items.models import Item, ItemArea

    if not signed_in(user):
        return false()
    if sees_every_item(user):
        return true()
    # Nullable columns are compared only where set: NOT (NULL OR ...) is NULL, not true, and
    # hidden_items negates this clause.
    people = [user.id, *covered_people(user)]
    clauses = [Item.raised_by_id.in_(people),
               and_(Item.owner_id.is_not(None), Item.owner_id.in_(people))]
    areas = list(user.facilitated_area_ids | user.sponsored_area_ids)
    if "head_of_service" in user.roles:
        areas = list(set(areas) | user.area_ids)
        if user.organisation_id is not None:
            clauses.append(and_(Item.organisation_id.is_not(None),
                                Item.organisation_id == user.organisation_id))
    if areas:
        clauses.append(Item.area_id.in_(areas))
        clauses.append(Item.id.in_(select(ItemArea.item_id).where(ItemArea.area_id.in_(areas))))
    clauses.append(_on_agenda_clause(user, Item.id))
    return or_(*clauses)


def visibility_clause(user):
    """SQL twin of can_view_item: keep them in step (a test compares them)."""
    from govflow.items.models import Item

    if not signed_in(user):
        return false()
    if sees_every_item(user):
        return true()
    return or_(Item.restricted.is_(False), restricted_visibility_clause(user))


def hidden_items(user):
    """SELECT of the ids of the restricted items this person may not see: few, read through
    the partial index of restricted items. For rows that point at items (decisions, sponsor
    actions, notifications, agenda entries): `~Row.item_id.in_(hidden_items(user))`."""
    from govflow.items.models import Item

    if not signed_in(user):
        return select(Item.id)
    if sees_every_item(user):
        return select(Item.id).where(false())
    # "= true", not "IS true": SQLite uses the partial index of restricted items
    # (WHERE restricted = 1) only for the first; the second read all 100,000 items.
    return select(Item.id).where(Item.restricted == true(), ~restricted_visibility_clause(user))


def hidden_restricted_ids(user) -> list[int]:
    """hidden_items as a list, for counts read from tallies that know nothing of restriction."""
    if sees_every_item(user):
        return []
    return list(db.session.scalars(hidden_items(user)))


def item_visible_clause(user, item_id_column):
    """For a row that points at an item (or at none): visible unless that item is hidden."""
    if sees_every_item(user):
        return true()
    return or_(item_id_column.is_(None), ~item_id_column.in_(hidden_items(user)))


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


# ---------------------------------------------------------------------------
# Decisions and comments: seen with their item; a correction is a new entry
# ---------------------------------------------------------------------------

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
    if not can_view_item(user, decision.item) or decision.superseded_by is not None:
        return False
    if "admin" in user.roles or decision.decided_by_id == user.id:
        return True
    if decision.meeting is not None and decision.meeting.forum_id in user.secretary_forum_ids:
        return True
    return bool(item_roles(user, decision.item) & TIER_DECIDER_ROLES.get(decision.tier, set()))


def can_view_notification(user, notification) -> bool:
    """Its recipient, and only while its item (if any) is one they may see."""
    if not signed_in(user) or notification.user_id != user.id:
        return False
    if notification.item_id is None:
        return True
    from govflow.items.models import Item

    return can_view_item(user, db.session.get(Item, notification.item_id))


# ---------------------------------------------------------------------------
# Forums and meetings: admins set forums up; the forum's secretary (and admins) schedule
# and run its meetings; the chair or a vice-chair named on the meeting approves the
# minutes, never the person who wrote them (the meeting's secretary who created it).
# ---------------------------------------------------------------------------


def _forum_of(obj):
    return getattr(obj, "forum", None) or obj


def is_forum_secretary(user, obj) -> bool:
    """The forum's secretary"""
    forum = _forum_of(obj)
    return forum is not None and forum.id in user.secretary_forum_ids


def can_run_meeting(user, obj) -> bool:
    """The forum's secretary or an administrator."""
    return "admin" in user.roles or is_forum_secretary(user, obj)


def wrote_minutes(user, meeting) -> bool:
    return meeting is not None and meeting.created_by_id is not None and (
        meeting.created_by_id == user.id)


def chairs(user, meeting) -> bool:
    """The meeting's chair or a vice-chair named on it."""
    return meeting is not None and user.id in {
        meeting.chair_id, getattr(meeting, "vice_chair_id", None)} - {None}


def can_approve_minutes(user, meeting) -> bool:
    """The chair or a vice-chair named on the meeting, never the person who wrote them."""
    return chairs(user, meeting) and not wrote_minutes(user, meeting)


def can_view_agreement(user, meeting) -> bool:
    """Approved minutes (the forum's agreement): anyone signed in; drafts: the forum's
    secretary, members, chair and administrators."""
    if meeting.status == "approved":
        return True
    return bool("admin" in user.roles or is_forum_secretary(user, meeting)
                or chairs(user, meeting) or user in meeting.forum.members)


def may_refer_to_central(user, obj) -> bool:
    """A local group's facilitator (of its area), its secretary, the meeting's chair, or an
    administrator"""
    forum = _forum_of(obj)
    if forum is None or forum.kind != "local":
        return False
    return bool("admin" in user.roles or is_forum_secretary(user, forum)
                or forum.area_id in user.area_ids_for("facilitator")
                or (obj is not forum and chairs(user, obj)))


def owns_feed(user, feed) -> bool:
    """The person the calendar address was issued to"""
    return feed is not None and feed.user_id == user.id


# ---------------------------------------------------------------------------
# Learning and agreements: the library is read like the items it holds (restricted ones
# only by those involved); any area may try an adopted idea; agreements are read by everyone
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Attachments: seen by whoever may see the thing they belong to, added by whoever may work
# on it. Each kind of thing that can have attachments names its two rules here (its loading
# and its page are in govflow/attachments/owners.py).
# ---------------------------------------------------------------------------


def may_attach_to_decision(user, decision) -> bool:
    """Anyone who may comment on the decision's item."""
    return may_follow(user, decision.item)


# kind of thing -> (rule to see its attachments, rule to add and supersede them)
ATTACHMENT_RULES: dict[str, tuple[str, str]] = {
    "item": ("item.view", "item.comment"),
    "decision": ("decision.view", "decision.attach"),
    "meeting": ("meeting.view", "meeting.run"),
    # The signed copy of an agreement: read by everyone, added by whoever records its review.
    "agreement": ("agreement.view", "agreement.review"),
}


def can_view_attachment(user, attachment) -> bool:
    """Whoever may see the thing it belongs to."""
    owner = attachment.owner
    rules = ATTACHMENT_RULES.get(attachment.owner_kind)
    return owner is not None and rules is not None and can(user, rules[0], owner)


def may_attach(user, kind: str, owner) -> bool:
    rules = ATTACHMENT_RULES.get(kind)
    return owner is not None and rules is not None and can(user, rules[1], owner)


# ---------------------------------------------------------------------------
# The named powers: one table every view, template, export and the docs read
# ---------------------------------------------------------------------------

RULES: dict[str, Predicate] = {}
# thing -> action -> rule name, for the generated table of powers (docs/access-policy.md)
THINGS: dict[str, dict[str, str]] = {}


def register(action: str, predicate: Predicate, thing: str | None = None) -> None:
    RULES[action] = predicate
    thing = thing or action.split(".")[0]
    THINGS.setdefault(thing, {})[action.split(".", 1)[-1]] = action


def can(user, action: str, obj=None) -> bool:
    try:
        rule = RULES[action]
    except KeyError:
        raise KeyError(f"No permission rule named {action!r}") from None
    return rule(user, obj)


def _p(fn) -> Predicate:
    return Predicate(fn, fn.__name__)


register("admin.manage", IsAdmin, "administration")
register("sign_in_provider.manage", IsAdmin, "sign-in provider")
register("item.raise", SignedIn)
register("item.view", _p(can_view_item))
register("item.comment", _p(may_follow))
register("item.follow", _p(may_follow))
# Forums and areas are open to everyone signed in, so anyone may follow them.
register("forum.follow", SignedIn, "forum")
register("area.follow", SignedIn, "area")
register("item.find_similar", SignedIn)
register("search.use", SignedIn, "search")
register("api.reference", SignedIn, "API reference")
register("item.add_area", _p(may_add_area))
register("item.restrict", _p(may_restrict))
register("item.unrestrict", _p(may_restrict))
register("decision.view", _p(can_view_decision))
register("decisions.view", SignedIn, "decision log")
register("decision.correct", _p(can_correct_decision))
register("decision.attach", _p(may_attach_to_decision))
register("attachment.view", _p(can_view_attachment))
register("dashboard.view", SignedIn)
register("area.view", SignedIn)
register("area.stuck", _p(sees_stuck_list))
register("sponsor.home", IsSponsor)
register("action.view", _p(can_view_action))
register("action.record", _p(may_record_action_in))
register("action.close", _p(may_close_action))
register("notification.view", _p(can_view_notification))
# Email settings: one's own, signed in; the unsubscribe link in an email is its own
# authority (signed for one person and one kind, expiring: notifications/preferences.py).
register("notification.preferences", SignedIn)
register("forums.manage", IsAdmin, "forum")
register("forums.view", SignedIn, "forum")
register("meeting.view", SignedIn)
register("meeting.run", _p(can_run_meeting))
register("meeting.record_past", _p(can_run_meeting))
register("minutes.view", _p(can_view_agreement))
register("meeting.approve", _p(can_approve_minutes), "minutes")
register("meeting.dispense", _p(chairs))
register("forum.set_quorum", _p(can_run_meeting), "forum")
# can(deputy, "absence.stand_in", person_away): who may be named as someone's deputy.
register("absence.stand_in", _p(may_deputise), "absence")
# A calendar feed shows its owner's view (restricted items they may not see left out).
register("forum.refer", _p(may_refer_to_central), "forum")
register("calendar.subscribe", SignedIn, "calendar feed")
register("calendar.revoke", _p(owns_feed), "calendar feed")


# ---------------------------------------------------------------------------
# Outcome indicators, what families told us, publishing
# ---------------------------------------------------------------------------


def may_record_for_area(user, area) -> bool:
    """A facilitator of the area (or of any area, asked without one), or an administrator."""
    if not signed_in(user):
        return False
    if "admin" in user.roles:
        return True
    if area is None:
        return bool(user.facilitated_area_ids)
    return area.id in user.facilitated_area_ids


register("outcomes.view", SignedIn, "outcome indicators")
register("outcomes.enter_figures", _p(may_record_for_area), "outcome indicators")
register("families.view", SignedIn, "what families told us")
register("families.record", _p(may_record_for_area), "what families told us")
register("report.subscribe", SignedIn, "weekly progress report")
register("publication.manage", IsAdmin, "public page")
register("library.view", SignedIn, "library")
register("idea.try_here", _p(may_try_idea), "item")
register("agreements.view", SignedIn, "agreement")
register("agreement.view", SignedIn)
register("agreement.record", _p(may_record_agreement))
register("agreement.review", _p(may_review_agreement))
