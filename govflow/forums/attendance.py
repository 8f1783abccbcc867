"""Who was at a meeting: members present or sending apologies, named guests, and the
declarations of interest recorded there."""

from __future__ import annotations

from sqlalchemy import func, select

from govflow.accounts.models import User
from govflow.domain_errors import Invalid, NotFound, Refused
from govflow.edge import id_or_none
from govflow.extensions import db
from govflow.forums import rules
from govflow.forums.models import ConflictDeclaration, Meeting, MeetingAttendance


def set_member_attendance(meeting: Meeting, actor, *, present_ids, apology_ids) -> None:
    """Record which members were present and which sent apologies (others are left off)."""
    rules.editable(meeting)
    rules.started(meeting)
    present_ids = {int(i) for i in present_ids}
    apology_ids = {int(i) for i in apology_ids}
    both = present_ids & apology_ids
    if both:
        raise Invalid("Someone is marked both present and as sending apologies.",
                      field_errors={"apologies": "A person cannot be both present and sending apologies"})
    member_ids = {m.id for m in meeting.forum.members}
    if not (present_ids | apology_ids) <= member_ids:
        raise Invalid("Choose members of the forum.", field_errors={"present": "Choose members from the list"})
    by_user = {a.user_id: a for a in meeting.attendance if a.user_id}
    for user_id in member_ids:
        wanted = "present" if user_id in present_ids else "apologies" if user_id in apology_ids else None
        row = by_user.get(user_id)
        if wanted is None and row is not None:
            if _decided_by_someone(meeting, user_id):
                raise Refused("A decision at this meeting names this person as the decider, so "
                              "they stay recorded as present.")
            meeting.attendance.remove(row)
        elif wanted is not None and row is None:
            meeting.attendance.append(MeetingAttendance(user_id=user_id, status=wanted))
        elif wanted is not None:
            row.status = wanted
    rules.save(meeting)


def _decided_by_someone(meeting: Meeting, user_id: int) -> bool:
    from govflow.decisions.models import Decision

    return bool(db.session.scalar(
        select(func.count(Decision.id)).where(Decision.meeting_id == meeting.id,
                                              Decision.decided_by_id == user_id)
    ))


def add_guest(meeting: Meeting, actor, *, name: str, role: str = "", status: str = "present") -> MeetingAttendance:
    """A named guest, such as a community member, present or sending apologies."""
    rules.editable(meeting)
    rules.started(meeting)
    name, role = (name or "").strip(), (role or "").strip()
    if not name:
        raise Invalid("Enter the guest's name.", field_errors={"guest_name": "Enter the guest's name"})
    if status not in ("present", "apologies"):
        raise Invalid("Choose present or apologies.", field_errors={"guest_status": "Choose present or apologies"})
    # Guests' names are meant to be recorded: the personal-data check is for families' details.
    rules.check({"guest_name": name, "guest_role": role}, personal_data=False)
    row = MeetingAttendance(guest_name=name, guest_role=role, status=status)
    meeting.attendance.append(row)
    rules.save(meeting)
    return row


def remove_attendance(meeting: Meeting, actor, attendance_id: int) -> None:
    rules.editable(meeting)
    row = _recorded(meeting.attendance, attendance_id, "That person is not recorded at this meeting.")
    if row.user_id and _decided_by_someone(meeting, row.user_id):
        raise Refused("A decision at this meeting names this person as the decider, so they stay "
                      "recorded as present.")
    meeting.attendance.remove(row)
    rules.save(meeting)


def declare_conflict(meeting: Meeting, actor, *, person: str, declaration: str,
                     agenda_item_id: int | None = None) -> ConflictDeclaration:
    """Record a declared conflict of interest. `person` is "user:<id>" or a guest's name."""
    rules.editable(meeting)
    rules.started(meeting)
    declaration = (declaration or "").strip()
    errors = {}
    user = None
    name = ""
    person = (person or "").strip()
    if person.startswith("user:") and person[5:].isdigit():
        user = db.session.get(User, id_or_none(person[5:]) or 0)
        if user is None:
            errors["person"] = "Choose who is declaring the interest"
    elif person.startswith("guest:"):
        name = person[6:].strip()
    else:
        errors["person"] = "Choose who is declaring the interest"
    if not declaration:
        errors["declaration"] = "Say what the interest is"
    if agenda_item_id and not any(a.id == agenda_item_id for a in meeting.agenda):
        errors["agenda_item"] = "Choose an item on this meeting's agenda"
    if errors:
        raise Invalid("Check the declaration.", field_errors=errors)
    rules.check({"declaration": declaration, "person_name": name})
    row = ConflictDeclaration(user_id=user.id if user else None, person_name=name,
                              declaration=declaration, agenda_item_id=agenda_item_id or None)
    meeting.conflicts.append(row)
    rules.save(meeting)
    return row


def remove_conflict(meeting: Meeting, actor, conflict_id: int) -> None:
    rules.editable(meeting)
    meeting.conflicts.remove(recorded_declaration(meeting, conflict_id))
    rules.save(meeting)


def recorded_declaration(meeting: Meeting, conflict_id: int) -> ConflictDeclaration:
    """The declaration of interest with this id recorded at the meeting; NotFound if none."""
    return _recorded(meeting.conflicts, conflict_id, "That declaration is not recorded at this meeting.")


def _recorded(rows, row_id: int, missing: str):
    """The meeting's row with this id; NotFound, saying `missing`, if it has none."""
    row = next((r for r in rows if r.id == row_id), None)
    if row is None:
        raise NotFound(missing)
    return row
