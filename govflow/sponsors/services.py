"""Sponsor action use-cases: record, complete, drop; and area sponsor/facilitator assignment."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from govflow import workdays
from govflow.accounts.models import AREA_ROLES, LocalArea, RoleAssignment, User
from govflow.clock import utcnow
from govflow.deputy_acts import action_deputy_for
from govflow.domain_errors import Forbidden, Invalid, NotFound, Refused, StaleVersion
from govflow.extensions import db
from govflow.model_parts import sent_version
from govflow.permissions import (
    can_view_item,
    item_area_ids,
    may_close_action,
    may_record_action_in,
    secretary_covers_area,
)
from govflow.sponsors.models import SponsorAction, SponsorActionEvent, recorded
from govflow.text import check_texts

TEXT_LIMITS = {"what": 1000, "outcome": 5000, "reason": 5000}
TEXT_LABELS = {
    "what": "What the action is",
    "outcome": "What was done",
    "reason": "Why it is being dropped",
}
STATUS_LABELS = {"open": "Open", "done": "Done", "dropped": "Dropped"}


# --------------------------------------------------------------------------- look-ups


def get_action(action_id) -> SponsorAction:
    try:
        action_id = int(action_id)
    except (TypeError, ValueError):
        raise NotFound("There is no sponsor action with that number.") from None
    action = db.session.get(SponsorAction, action_id)
    if action is None:
        raise NotFound("There is no sponsor action with that number.")
    return action


def get_area(slug: str) -> LocalArea:
    area = db.session.scalar(select(LocalArea).where(LocalArea.slug == slug))
    if area is None:
        raise NotFound(f"There is no area called '{slug}'.")
    return area


def recordable_areas(user) -> list[LocalArea]:
    """The areas this person may record sponsor actions in, by name."""
    areas = db.session.scalars(
        select(LocalArea).where(LocalArea.active.is_(True)).order_by(LocalArea.name)
    ).all()
    return [a for a in areas if may_record_action_in(user, a)]


def area_sponsors(area_ids) -> dict[int, list[User]]:
    """area id → its active sponsors, by name, in one query."""
    return area_people("sponsor", area_ids, order_by=User.display_name)


def area_people(role: str, area_ids, *, order_by) -> dict[int, list[User]]:
    """area id → the active people holding `role` there, in one query."""
    rows = db.session.execute(
        select(RoleAssignment.area_id, User)
        .join(User, User.id == RoleAssignment.user_id)
        .where(
            RoleAssignment.role == role,
            RoleAssignment.area_id.in_(list(area_ids)),
            User.active.is_(True),
        )
        .order_by(order_by)
    ).all()
    out: dict[int, list[User]] = {}
    for area_id, user in rows:
        out.setdefault(area_id, []).append(user)
    return out


def possible_owners() -> list[User]:
    """Everyone active, with what the owner picker shows of them (roles, organisation)."""
    return list(
        db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.display_name)
                           .options(selectinload(User.role_assignments), selectinload(User.organisation)))
    )


def is_overdue(action: SponsorAction, today: date) -> bool:
    return action.status == "open" and action.due_on < today


def london_today(now: datetime | None = None) -> date:
    return workdays.london_date(now or utcnow())


# --------------------------------------------------------------------------- use-cases


def _text(name: str, value) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    return value


def record_action(
    actor,
    *,
    area_slug: str | None,
    what: str,
    due_on: date | None,
    sponsor_id: int | None = None,
    owner_id: int | None = None,
    item_id: int | None = None,
    meeting_id: int | None = None,
    now: datetime | None = None,
) -> SponsorAction:
    """A sponsor (or a forum secretary on their behalf) records an action in one of the areas."""
    now = now or utcnow()
    errors: dict[str, str] = {}
    what = _text("what", what)
    area = _area_to_act_in(actor, area_slug, errors)
    if not what:
        errors["what"] = "Enter what the action is"
    if due_on is None:
        errors.setdefault("due_on", "Enter the date the action is due")
    elif due_on < london_today(now):
        errors["due_on"] = "The due date must be today or in the future"
    sponsor = _sponsor_of(actor, area, sponsor_id, errors) if area is not None else None
    owner = _owner(owner_id, errors)
    item = _item_in(actor, area, item_id, errors)
    meeting = _meeting_about(area, meeting_id, errors)
    if errors:
        raise Invalid("Some information is missing or not right.", field_errors=errors)
    check_texts({"what": what}, TEXT_LIMITS, TEXT_LABELS)

    action = SponsorAction(
        area_id=area.id,
        sponsor_id=sponsor.id,
        owner_id=(owner or sponsor).id,
        created_by_id=actor.id,
        what=what,
        due_on=due_on,
        status="open",
        item_id=item.id if item is not None else None,
        meeting_id=meeting.id if meeting is not None else None,
        created_at=now,
        updated_at=now,
    )
    db.session.add(action)
    db.session.flush()
    _recorded(action, actor, area, sponsor, owner, meeting, now)
    db.session.flush()
    return action


def _area_to_act_in(actor, area_slug: str | None, errors: dict) -> LocalArea | None:
    """The active area named, which the person may record actions in (Forbidden if not)."""
    if not area_slug:
        errors["area"] = "Choose the area the action is for"
        return None
    area = db.session.scalar(select(LocalArea).where(LocalArea.slug == area_slug))
    if area is None or not area.active:
        errors["area"] = f"There is no area called '{area_slug}'"
        return None
    if not may_record_action_in(actor, area):
        raise Forbidden(
            f"You cannot record sponsor actions for {area.name}: you are not its sponsor "
            "or the secretary of a forum that covers it."
        )
    return area


def _sponsor_of(actor, area: LocalArea, sponsor_id: int | None, errors: dict) -> User | None:
    """The sponsor chosen, else the person if they sponsor the area, else its only sponsor."""
    sponsors = area_sponsors([area.id]).get(area.id, [])
    if sponsor_id is not None:
        sponsor = next((s for s in sponsors if s.id == sponsor_id), None)
        if sponsor is None:
            errors["sponsor"] = f"Choose one of {area.name}'s sponsors"
        return sponsor
    if area.id in actor.sponsored_area_ids:
        return actor
    if len(sponsors) == 1:
        return sponsors[0]
    if not sponsors:
        errors["sponsor"] = f"{area.name} has no sponsor yet: ask an administrator to assign one"
    else:
        errors["sponsor"] = "Choose the sponsor the action is for"
    return None


def _owner(owner_id: int | None, errors: dict) -> User | None:
    if owner_id is None:
        return None
    owner = db.session.get(User, owner_id)
    if owner is None or not owner.active:
        errors["owner"] = "Choose someone who can sign in to govflow"
        return None
    return owner


def _item_in(actor, area: LocalArea | None, item_id: int | None, errors: dict):
    """The item the action is about: one the person can see, in the action's area."""
    from govflow.items.models import Item

    if item_id is None:
        return None
    item = db.session.get(Item, item_id)
    if item is None or not can_view_item(actor, item):
        errors["item"] = "There is no item with that number that you can see"
        return None
    if area is not None and area.id not in item_area_ids(item):
        errors["item"] = f"That item is not in {area.name}"
    return item


def _meeting_about(area: LocalArea | None, meeting_id: int | None, errors: dict):
    """The meeting the action was agreed in: not yet approved, and about the area if local."""
    from govflow.forums.models import Meeting

    if meeting_id is None:
        return None
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        errors["meeting"] = "There is no meeting with that number"
    elif meeting.status == "approved":
        errors["meeting"] = "That meeting's minutes are approved and locked"
        return None
    elif area is not None and meeting.forum.kind == "local" and meeting.forum.area_id != area.id:
        errors["meeting"] = f"That meeting is not a meeting about {area.name}"
        return None
    return meeting


def _recorded(action: SponsorAction, actor, area: LocalArea, sponsor, owner, meeting,
              now: datetime) -> None:
    """The action's first history line, and word to its sponsor and owner (not the recorder)."""
    from govflow.notifications.outbox import notify

    note = "Recorded" + (f" in the meeting on {workdays.format_date(meeting.starts_at)}"
                         if meeting is not None else "")
    if sponsor.id != actor.id:
        note += f" on behalf of {sponsor.display_name}"
    db.session.add(SponsorActionEvent(
        action_id=action.id, actor_id=actor.id, from_status=None, to_status="open",
        note=note, fields=recorded(action), at=now,
    ))
    due = workdays.format_date(action.due_on)
    for person in {sponsor, owner or sponsor}:
        if person.id != actor.id:
            notify(person, "sponsor_action",
                   f"Sponsor action for you, due {due}: {action.what[:120]}",
                   f"{actor.display_name} recorded a sponsor action in {area.name}."
                   f"\n\n{action.what}",
                   link=f"/actions/{action.id}", now=now)


def _stale(action: SponsorAction) -> StaleVersion:
    changed = [
        {
            "from_status": e.from_status,
            "to_status": e.to_status,
            "actor": e.actor.display_name if e.actor else "govflow (automatic)",
            "at": e.at.isoformat(timespec="seconds"),
            "note": e.note,
        }
        for e in action.history
        if e.from_status is not None
    ]
    return StaleVersion(
        "This action changed since you opened it. Nothing you sent has been applied: "
        "check what changed, then try again.",
        changes=changed,
        current_version=action.version,
    )


def _flushed(action: SponsorAction) -> SponsorAction:
    """Write the change, unless someone else changed or closed the action between our read
    and our write: then their change stands and the person is told what it is."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        db.session.refresh(action)
        raise _stale(action) from None
    return action


def _check_may_change(action, actor, version) -> None:
    """Closing or amending an action: the person may change it, and it is as they saw it."""
    if not may_close_action(actor, action):
        raise Forbidden("You cannot change this action: only its owner, its area's sponsors "
                        "and the forum secretary can.")
    if version is not None and sent_version(version) != action.version:
        raise _stale(action)


def _close(action, actor, to_status: str, note_field: str, note, version, now):
    from govflow.notifications.outbox import notify

    now = now or utcnow()
    _check_may_change(action, actor, version)
    if action.status != "open":
        raise Refused(f"This action is already {action.status}, so it cannot be "
                      f"{'marked as done' if to_status == 'done' else 'dropped'}.")
    note = _text(note_field, note)
    if not note:
        message = ("Enter what was done" if to_status == "done"
                   else "Enter why the action is being dropped")
        raise Invalid(message, field_errors={note_field: message})
    check_texts({note_field: note}, TEXT_LIMITS, TEXT_LABELS)

    from_status = action.status
    action.status = to_status
    action.outcome_note = note
    action.completed_at = now
    action.updated_at = now
    fields = {"outcome_note": note}
    deputy_for = action_deputy_for(actor, action)
    if deputy_for is not None:
        fields["as_deputy_for"] = {"id": deputy_for.id, "name": deputy_for.display_name}
    db.session.add(SponsorActionEvent(
        action_id=action.id, actor_id=actor.id, from_status=from_status, to_status=to_status,
        note=note, fields=fields, at=now,
    ))
    word = "done" if to_status == "done" else "dropped"
    for person in {action.sponsor, action.owner}:
        if person.id != actor.id:
            notify(person, "sponsor_action", f"Sponsor action {word}: {action.what[:120]}",
                   f"{actor.display_name} marked it as {word}.\n\n{note}",
                   link=f"/actions/{action.id}", now=now)
    return _flushed(action)


def amend_action(action, actor, *, what: str | None = None, due_on: date | None = None,
                 version=None, now=None) -> SponsorAction:
    """Change what an open action is or when it is due. The change is an entry in the
    action's history (what it was, what it is now), never a silent edit."""
    now = now or utcnow()
    _check_may_change(action, actor, version)
    if action.status != "open":
        raise Refused(f"This action is already {action.status}, so it cannot be changed.")
    what = action.what if what is None else _text("what", what)
    if not what:
        raise Invalid("Enter what the action is", field_errors={"what": "Enter what the action is"})
    check_texts({"what": what}, TEXT_LIMITS, TEXT_LABELS)
    due_on = due_on or action.due_on
    said = []
    if what != action.what:
        said.append(f"What changed from: {action.what}")
    if due_on != action.due_on:
        said.append(f"Due date changed from {workdays.format_date(action.due_on)} "
                    f"to {workdays.format_date(due_on)}")
    if not said:
        raise Invalid("Nothing was changed.")
    action.what, action.due_on, action.updated_at = what, due_on, now
    db.session.add(SponsorActionEvent(
        action_id=action.id, actor_id=actor.id, from_status=action.status,
        to_status=action.status, note=". ".join(said),
        fields=recorded(action, ("what", "due_on")), at=now,
    ))
    return _flushed(action)


def complete_action(action, actor, *, outcome, version=None, now=None) -> SponsorAction:
    """Mark an open action as done; saying what was done is required."""
    return _close(action, actor, "done", "outcome", outcome, version, now)


def drop_action(action, actor, *, reason, version=None, now=None) -> SponsorAction:
    """Drop an open action; saying why is required. Nothing is ever deleted."""
    return _close(action, actor, "dropped", "reason", reason, version, now)


# --------------------------------------------------------------------------- assignment


def assign_area_role(user: User, role: str, area: LocalArea) -> bool:
    """Make the person a sponsor or facilitator of the area. False if they already were."""
    if role not in AREA_ROLES:
        raise Invalid(f"'{role}' is not an area role: use sponsor or facilitator")
    if any(r.role == role and r.area_id == area.id for r in user.role_assignments):
        return False
    user.role_assignments.append(RoleAssignment(role=role, area_id=area.id))
    db.session.flush()
    return True


def unassign_area_role(user: User, role: str, area: LocalArea) -> bool:
    """Stop the person being a sponsor or facilitator of the area. False if they were not."""
    if role not in AREA_ROLES:
        raise Invalid(f"'{role}' is not an area role: use sponsor or facilitator")
    rows = [r for r in user.role_assignments if r.role == role and r.area_id == area.id]
    for row in rows:
        user.role_assignments.remove(row)
    db.session.flush()
    return bool(rows)


__all__ = [
    "STATUS_LABELS",
    "area_people",
    "area_sponsors",
    "assign_area_role",
    "complete_action",
    "drop_action",
    "get_action",
    "get_area",
    "is_overdue",
    "possible_owners",
    "record_action",
    "recordable_areas",
    "secretary_covers_area",
    "unassign_area_role",
]
