"""The SQL twin of the item rules (govflow/permissions/items.py): which items a person may
see, for every list, count, search and export. A test keeps the two in step."""

from __future__ import annotations

from sqlalchemy import and_, exists, false, or_, select, true

from govflow.extensions import db
from govflow.permissions.deputies import covered_people
from govflow.permissions.predicates import signed_in


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


def on_agenda_clause(user, item_id_column):
    """The item is on the agenda of a meeting of a forum this person is secretary or member of."""
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
    clauses.append(on_agenda_clause(user, Item.id))
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
