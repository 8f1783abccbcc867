"""Forum and meeting use-cases: set up forums, schedule meetings, build and edit the agenda,
record attendance, conflicts, notes, decisions and actions, close, approve, correct.

Services take plain values, raise domain errors and flush (the request or command that
calls them commits); they never touch Flask's request. Decisions go through the workflow engine, tagged with the meeting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, exists, func, or_, select, true
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from govflow import workdays
from govflow.accounts.models import LocalArea, RoleAssignment, User
from govflow.clock import utcnow
from govflow.domain_errors import (
    Forbidden,
    Invalid,
    NotFound,
    Refused,
    StaleVersion,
    Unprocessable,
)
from govflow.edge import id_or_none
from govflow.extensions import db
from govflow.forums.models import (
    AgendaItem,
    ConflictDeclaration,
    Forum,
    Meeting,
    MeetingAttendance,
    MinutesAddendum,
)
from govflow.items.models import Event, Item, ItemArea
from govflow.items.queries import OPEN_STATES
from govflow.permissions import can_view_item
from govflow.records import chain
from govflow.sponsors.models import SponsorAction
from govflow.text import check_texts
from govflow.workflow import vocabulary

TEXT_LIMITS = {
    "name": 200,
    "place": 300,
    "title": 300,
    "notes": 10000,
    "summary": 2000,
    "guest_name": 200,
    "guest_role": 200,
    "person_name": 200,
    "declaration": 2000,
    "what": 2000,
    "outcome_note": 2000,
    "body": 5000,
}
LABELS = {
    "name": "Name",
    "place": "Place",
    "title": "Topic",
    "notes": "Notes",
    "summary": "Summary",
    "guest_name": "Guest's name",
    "guest_role": "Guest's role or organisation",
    "person_name": "Name",
    "declaration": "Declaration",
    "what": "What will be done",
    "outcome_note": "Outcome",
    "body": "Correction",
}
AGENDA_KIND_LABELS = {
    "item": "Escalated item",
    "sponsor_action": "Overdue sponsor action",
    "matter_arising": "Matter arising",
    "topic": "Topic",
}
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
DEFAULT_LENGTH = timedelta(hours=2)
IDEA_WAITING_STATES = vocabulary.waiting_states("idea")


def _check(values: dict, personal_data: bool = True) -> None:
    check_texts(values, TEXT_LIMITS, LABELS, check_personal_data=personal_data)


# ---------------------------------------------------------------- loading


def forum_secretaries(forum: Forum) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(RoleAssignment.role == "secretary", RoleAssignment.forum_id == forum.id)
            .order_by(User.display_name)
        )
    )


def meetings_of(forum: Forum) -> list[Meeting]:
    return list(
        db.session.scalars(
            select(Meeting).where(Meeting.forum_id == forum.id).order_by(Meeting.starts_at.desc())
        )
    )


def previous_meeting(meeting: Meeting) -> Meeting | None:
    return db.session.scalar(
        select(Meeting)
        .where(
            Meeting.forum_id == meeting.forum_id,
            Meeting.id != meeting.id,
            Meeting.starts_at < meeting.starts_at,
        )
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )


def active_users() -> list[User]:
    return list(db.session.scalars(select(User).where(User.active).order_by(User.display_name)))


# ---------------------------------------------------------------- forums (admins)


def save_forum(
    actor,
    *,
    forum: Forum | None = None,
    slug: str,
    name: str,
    kind: str,
    area_slug: str | None,
    place: str = "",
    active: bool = True,
) -> Forum:
    """Create or update a forum: the central forum has no area; a local group has one."""
    slug, name, place = (slug or "").strip(), (name or "").strip(), (place or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Enter the forum's name"
    if not SLUG_RE.fullmatch(slug):
        errors["slug"] = "Use lower-case letters, numbers and single hyphens only"
    if kind not in ("central", "local"):
        errors["kind"] = "Choose whether this is the central forum or a local group"
    area = None
    if kind == "local":
        area = db.session.scalar(select(LocalArea).where(LocalArea.slug == (area_slug or "")))
        if area is None:
            errors["area"] = "Choose the area this local group is for"
    clash = db.session.scalar(
        select(Forum.id).where(Forum.slug == slug, Forum.id != (forum.id if forum else -1))
    )
    if clash:
        errors["slug"] = "Another forum already uses this short name"
    if errors:
        raise Invalid("Check the forum's details.", field_errors=errors)
    _check({"name": name, "place": place}, personal_data=False)
    if forum is None:
        forum = Forum()
        db.session.add(forum)
    forum.slug, forum.name, forum.kind, forum.place, forum.active = slug, name, kind, place, active
    forum.area_id = area.id if area else None
    db.session.flush()
    return forum


def set_members(forum: Forum, *, member_ids, secretary_ids) -> None:
    """Replace the forum's members and secretaries (secretaries are members too)."""
    member_ids = {int(i) for i in member_ids}
    secretary_ids = {int(i) for i in secretary_ids}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(member_ids | secretary_ids)))}
    missing = (member_ids | secretary_ids) - set(users)
    if missing:
        raise Invalid("Some of those people do not exist.", field_errors={"members": "Choose people from the list"})
    forum.members = sorted((users[i] for i in member_ids | secretary_ids), key=lambda u: u.display_name)
    current = db.session.scalars(
        select(RoleAssignment).where(RoleAssignment.role == "secretary", RoleAssignment.forum_id == forum.id)
    ).all()
    for assignment in current:
        if assignment.user_id not in secretary_ids:
            db.session.delete(assignment)
    held = {a.user_id for a in current}
    for user_id in secretary_ids - held:
        db.session.add(RoleAssignment(user_id=user_id, role="secretary", forum_id=forum.id))
    db.session.flush()
    for user in users.values():
        db.session.refresh(user)


# ---------------------------------------------------------------- meetings


@dataclass(frozen=True)
class MeetingDetails:
    day: date
    start: time
    end: time | None
    place: str
    chair_id: int | None
    vice_chair_id: int | None = None


def _when(details: MeetingDetails) -> tuple[datetime, datetime]:
    starts = workdays._london_to_naive_utc(details.day, details.start)
    if details.end is None:
        return starts, starts + DEFAULT_LENGTH
    ends = workdays._london_to_naive_utc(details.day, details.end)
    if ends <= starts:
        raise Invalid("The meeting must end after it starts.",
                      field_errors={"end_time": "Enter an end time after the start time"})
    return starts, ends


def _chair(forum: Forum, chair_id) -> User:
    if not chair_id:
        raise Invalid("Choose a chair.", field_errors={"chair": "Choose who will chair the meeting"})
    chair = db.session.get(User, int(chair_id))
    if chair is None or not chair.active or chair not in forum.members:
        raise Invalid("Choose a chair.", field_errors={"chair": "Choose a member of the forum to chair it"})
    return chair


def _vice_chair(forum: Forum, details: MeetingDetails) -> int | None:
    if not details.vice_chair_id:
        return None
    vice = db.session.get(User, int(details.vice_chair_id))
    if vice is None or not vice.active or vice not in forum.members:
        raise Invalid("Choose a vice-chair.", field_errors={
            "vice_chair": "Choose a member of the forum as vice-chair, or nobody"})
    if str(details.vice_chair_id) == str(details.chair_id):
        raise Invalid("Choose a vice-chair.", field_errors={
            "vice_chair": "Choose someone other than the chair as vice-chair"})
    return vice.id


def schedule_meeting(forum: Forum, actor, details: MeetingDetails, now: datetime | None = None,
                     *, took_place: bool = False) -> Meeting:
    """Schedule a meeting and build its draft agenda from what has happened since the last one.

    A meeting is scheduled for today or later; one that already took place (an earlier day)
    is recorded with took_place=True, its own clearly worded step (record_past_meeting)."""
    now = now or utcnow()
    if not forum.active:
        raise Refused("This forum is closed, so no new meetings can be scheduled.")
    today = workdays.london_date(now)
    if not took_place and details.day < today:
        raise Invalid("That date has passed.", field_errors={"day": (
            "Enter a date from today on. To record a meeting that has already taken place, "
            "use \"Record a meeting that has already taken place\"")})
    if took_place and details.day >= today:
        raise Invalid("That meeting has not taken place yet.", field_errors={"day": (
            "Enter the date it took place, before today. To plan a meeting, schedule it")})
    starts, ends = _when(details)
    place = (details.place or forum.place or "").strip()
    _check({"place": place}, personal_data=False)
    meeting = Meeting(
        forum_id=forum.id,
        starts_at=starts,
        ends_at=ends,
        place=place,
        chair_id=_chair(forum, details.chair_id).id,
        vice_chair_id=_vice_chair(forum, details),
        created_by_id=actor.id,
        created_at=now,
        status="planned",
    )
    db.session.add(meeting)
    db.session.flush()
    meeting.forum = forum
    build_agenda(meeting, now=now)
    db.session.flush()
    return meeting


def record_past_meeting(forum: Forum, actor, details: MeetingDetails,
                        now: datetime | None = None) -> Meeting:
    """Record a meeting that already took place (an earlier day): then its attendance,
    decisions and summary can be written up. Its minutes are still approved by its chair
    or vice-chair, never by the person recording it."""
    return schedule_meeting(forum, actor, details, now, took_place=True)


def update_meeting(meeting: Meeting, actor, details: MeetingDetails, version=None) -> Meeting:
    """Move a planned meeting or change its place or chair."""
    _editable(meeting)
    _check_version(meeting, version)
    if meeting.status != "planned":
        raise Refused("This meeting has been held, so its date, place and chair can no longer change.")
    starts, ends = _when(details)
    place = (details.place or "").strip()
    _check({"place": place}, personal_data=False)
    meeting.starts_at, meeting.ends_at, meeting.place = starts, ends, place
    meeting.chair_id = _chair(meeting.forum, details.chair_id).id
    meeting.vice_chair_id = _vice_chair(meeting.forum, details)
    _save(meeting)
    return meeting


# ---------------------------------------------------------------- the agenda builds itself


@dataclass(frozen=True)
class Candidate:
    kind: str
    title: str
    item_id: int | None = None
    sponsor_action_id: int | None = None


def _in_area(area_id: int):
    extra = select(ItemArea.item_id).where(ItemArea.area_id == area_id)
    return or_(Item.area_id == area_id, Item.id.in_(extra))


def agenda_candidates(meeting: Meeting, now: datetime | None = None) -> list[Candidate]:
    """What a new meeting's draft agenda holds, in order: matters arising (open actions from
    earlier meetings of this forum), items escalated to the forum's level since its last
    meeting (and items flagged for the forum), ideas awaiting its decision, overdue actions."""
    forum = meeting.forum
    previous = previous_meeting(meeting)
    since = previous.starts_at if previous is not None else None
    # Up to the meeting itself, or now if it is being set up after it started: a meeting
    # recorded afterwards does not pick up what happened later.
    until = max(meeting.starts_at, now or utcnow())
    meeting_day = workdays.london_date(meeting.starts_at)
    out: list[Candidate] = []

    earlier = select(Meeting.id).where(
        Meeting.forum_id == forum.id, Meeting.id != meeting.id, Meeting.starts_at < meeting.starts_at
    )
    arising = db.session.scalars(
        select(SponsorAction)
        .where(SponsorAction.status == "open", SponsorAction.meeting_id.in_(earlier))
        .order_by(SponsorAction.due_on, SponsorAction.id)
    ).all()
    out += [Candidate("matter_arising", a.what[:300], a.item_id, a.id) for a in arising]

    if forum.kind == "central":
        reached_gold = select(Event.item_id).where(
            Event.to_tier == "gold",
            or_(Event.from_tier.is_(None), Event.from_tier != "gold"),
            Event.at <= until,
            *([Event.at > since] if since else []),
        )
        flagged = and_(
            Item.flagged_for_forum_at.is_not(None),
            Item.flagged_for_forum_at <= until,
            *([Item.flagged_for_forum_at > since] if since else []),
        )
        escalated = select(Item).where(
            Item.kind == "blocker", Item.state.in_(OPEN_STATES),
            or_(Item.id.in_(reached_gold), flagged),
        )
        ideas = select(Item).where(
            Item.kind == "idea", Item.state.in_(IDEA_WAITING_STATES), Item.tier == "gold"
        )
    else:
        moved = select(Event.item_id).where(Event.at <= until, *([Event.at > since] if since else []))
        escalated = select(Item).where(
            Item.kind == "blocker", Item.state.in_(OPEN_STATES), _in_area(forum.area_id),
            or_(Item.id.in_(moved), Item.flagged_for_forum_at.is_not(None)) if since else true(),
        )
        ideas = select(Item).where(
            Item.kind == "idea", Item.state.in_(IDEA_WAITING_STATES), _in_area(forum.area_id)
        )
    # A restricted item goes on an agenda only when someone who sees it adds it by number:
    # being on a forum's agenda shows it to the forum's secretary and members.
    escalated = escalated.where(Item.restricted.is_(False))
    ideas = ideas.where(Item.restricted.is_(False))
    seen_items: set[int] = set()
    for query in (escalated.order_by(Item.created_at, Item.id), ideas.order_by(Item.created_at, Item.id)):
        for item in db.session.scalars(query):
            if item.id not in seen_items:
                seen_items.add(item.id)
                out.append(Candidate("item", item.title, item.id))

    overdue = select(SponsorAction).where(
        SponsorAction.status == "open", SponsorAction.due_on < meeting_day
    )
    if forum.kind == "local":
        overdue = overdue.where(SponsorAction.area_id == forum.area_id)
    arising_ids = {a.id for a in arising}
    for action in db.session.scalars(overdue.order_by(SponsorAction.due_on, SponsorAction.id)):
        if action.id not in arising_ids:
            out.append(Candidate("sponsor_action", action.what[:300], action.item_id, action.id))
    return out


def _already_on(meeting: Meeting) -> set[tuple]:
    return {(a.kind if a.kind != "item" else "item", a.item_id if a.kind == "item" else a.sponsor_action_id)
            for a in meeting.agenda}


def _key(c: Candidate) -> tuple:
    return ("item", c.item_id) if c.kind == "item" else (c.kind, c.sponsor_action_id)


def _on_agenda(meeting: Meeting) -> set[tuple]:
    present = _already_on(meeting)
    # A sponsor action appears once whether as a matter arising or as overdue.
    present |= {("matter_arising", a.sponsor_action_id) for a in meeting.agenda if a.sponsor_action_id}
    present |= {("sponsor_action", a.sponsor_action_id) for a in meeting.agenda if a.sponsor_action_id}
    return present


def new_candidates(meeting: Meeting, now: datetime | None = None) -> list[Candidate]:
    """What has reached the forum since the agenda was built (for example a blocker the sweep
    flagged for the central forum), so the secretary can see it and add it."""
    if meeting.status == "approved":
        return []
    present = _on_agenda(meeting)
    out = []
    for candidate in agenda_candidates(meeting, now=now):
        if _key(candidate) not in present:
            present.add(_key(candidate))
            out.append(candidate)
    return out


def build_agenda(meeting: Meeting, now: datetime | None = None) -> int:
    """Append every candidate not already on the agenda. Returns how many were added."""
    present = _on_agenda(meeting)
    position = max((a.position for a in meeting.agenda), default=0)
    added = 0
    for candidate in agenda_candidates(meeting, now=now):
        if _key(candidate) in present:
            continue
        present.add(_key(candidate))
        position += 1
        meeting.agenda.append(AgendaItem(
            position=position,
            kind=candidate.kind,
            item_id=candidate.item_id,
            sponsor_action_id=candidate.sponsor_action_id,
            title=candidate.title,
        ))
        added += 1
    return added


def refresh_agenda(meeting: Meeting, actor) -> int:
    """Add anything that has reached the forum since the agenda was built."""
    _editable(meeting)
    added = build_agenda(meeting)
    _save(meeting)
    return added


# ---------------------------------------------------------------- editing the agenda


def add_topic(meeting: Meeting, actor, title: str, notes: str = "") -> AgendaItem:
    _editable(meeting)
    title = (title or "").strip()
    if not title:
        raise Invalid("Enter the topic.", field_errors={"title": "Enter the topic"})
    _check({"title": title, "notes": notes or ""})
    entry = AgendaItem(position=_next_position(meeting), kind="topic", title=title, notes=notes or "")
    meeting.agenda.append(entry)
    _save(meeting)
    return entry


def add_item(meeting: Meeting, actor, item_ref: str) -> AgendaItem:
    """Put a blocker or idea on the agenda by its number (e.g. "12" or "#12")."""
    _editable(meeting)
    number = (item_ref or "").strip().lstrip("#")
    if not number.isdigit():
        raise Invalid("Enter the item's number.", field_errors={"item_number": "Enter the item's number, like 12"})
    item = db.session.get(Item, id_or_none(number) or 0)
    if item is None or not can_view_item(actor, item):
        raise Invalid("No such item.", field_errors={
            "item_number": f"There is no item number {number} that you can see"})
    if any(a.item_id == item.id and a.kind == "item" for a in meeting.agenda):
        raise Invalid("Already on the agenda.", field_errors={"item_number": f"Item {item.id} is already on the agenda"})
    entry = AgendaItem(position=_next_position(meeting), kind="item", item_id=item.id, title=item.title)
    meeting.agenda.append(entry)
    _save(meeting)
    return entry


def _next_position(meeting: Meeting) -> int:
    return max((a.position for a in meeting.agenda), default=0) + 1


def _renumber(meeting: Meeting, ordered: list[AgendaItem]) -> None:
    for position, entry in enumerate(ordered, start=1):
        entry.position = position


def remove_agenda_item(meeting: Meeting, actor, entry: AgendaItem) -> None:
    _editable(meeting)
    if _decisions_for(meeting, entry) or _actions_for(meeting, entry):
        raise Refused(
            "Decisions or actions have been recorded under this agenda item, so it stays in the "
            "minutes. Add a note instead if it was not discussed."
        )
    for conflict in meeting.conflicts:
        if conflict.agenda_item_id == entry.id:
            raise Refused("A conflict of interest was declared on this agenda item; remove the "
                          "declaration first if it was recorded by mistake.")
    remaining = [a for a in sorted(meeting.agenda, key=lambda a: a.position) if a.id != entry.id]
    meeting.agenda.remove(entry)
    _renumber(meeting, remaining)
    _save(meeting)


def move_agenda_item(meeting: Meeting, actor, entry: AgendaItem, direction: str) -> None:
    _editable(meeting)
    ordered = sorted(meeting.agenda, key=lambda a: a.position)
    index = ordered.index(entry)
    target = index - 1 if direction == "up" else index + 1 if direction == "down" else None
    if target is None:
        raise Invalid("Choose up or down.")
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
    _renumber(meeting, ordered)
    _save(meeting)


def save_notes(meeting: Meeting, actor, entry: AgendaItem, notes: str) -> None:
    _editable(meeting)
    _check({"notes": notes or ""})
    entry.notes = (notes or "").strip()
    _save(meeting)


# ---------------------------------------------------------------- attendance and conflicts


def _started(meeting: Meeting, now: datetime | None = None) -> None:
    now = now or utcnow()
    if workdays.london_date(meeting.starts_at) > workdays.london_date(now):
        raise Refused(
            "This meeting has not happened yet. Record attendance, decisions and actions on "
            f"the day ({workdays.format_date(workdays.london_date(meeting.starts_at))})."
        )


def set_member_attendance(meeting: Meeting, actor, *, present_ids, apology_ids) -> None:
    """Record which members were present and which sent apologies (others are left off)."""
    _editable(meeting)
    _started(meeting)
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
    _save(meeting)


def _decided_by_someone(meeting: Meeting, user_id: int) -> bool:
    from govflow.decisions.models import Decision

    return bool(db.session.scalar(
        select(func.count(Decision.id)).where(Decision.meeting_id == meeting.id,
                                              Decision.decided_by_id == user_id)
    ))


def add_guest(meeting: Meeting, actor, *, name: str, role: str = "", status: str = "present") -> MeetingAttendance:
    """A named guest, such as a community member, present or sending apologies."""
    _editable(meeting)
    _started(meeting)
    name, role = (name or "").strip(), (role or "").strip()
    if not name:
        raise Invalid("Enter the guest's name.", field_errors={"guest_name": "Enter the guest's name"})
    if status not in ("present", "apologies"):
        raise Invalid("Choose present or apologies.", field_errors={"guest_status": "Choose present or apologies"})
    # Guests' names are meant to be recorded: the personal-data check is for families' details.
    _check({"guest_name": name, "guest_role": role}, personal_data=False)
    row = MeetingAttendance(guest_name=name, guest_role=role, status=status)
    meeting.attendance.append(row)
    _save(meeting)
    return row


def remove_attendance(meeting: Meeting, actor, attendance_id: int) -> None:
    _editable(meeting)
    row = next((a for a in meeting.attendance if a.id == attendance_id), None)
    if row is None:
        raise NotFound("That person is not recorded at this meeting.")
    if row.user_id and _decided_by_someone(meeting, row.user_id):
        raise Refused("A decision at this meeting names this person as the decider, so they stay "
                      "recorded as present.")
    meeting.attendance.remove(row)
    _save(meeting)


def declare_conflict(meeting: Meeting, actor, *, person: str, declaration: str,
                     agenda_item_id: int | None = None) -> ConflictDeclaration:
    """Record a declared conflict of interest. `person` is "user:<id>" or a guest's name."""
    _editable(meeting)
    _started(meeting)
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
    _check({"declaration": declaration, "person_name": name})
    row = ConflictDeclaration(user_id=user.id if user else None, person_name=name,
                              declaration=declaration, agenda_item_id=agenda_item_id or None)
    meeting.conflicts.append(row)
    _save(meeting)
    return row


def remove_conflict(meeting: Meeting, actor, conflict_id: int) -> None:
    _editable(meeting)
    row = next((c for c in meeting.conflicts if c.id == conflict_id), None)
    if row is None:
        raise NotFound("That declaration is not recorded at this meeting.")
    meeting.conflicts.remove(row)
    _save(meeting)


# ---------------------------------------------------------------- decisions and actions


def decision_triggers(entry: AgendaItem, decider) -> list:
    """The decision-making triggers open to `decider` on the agenda item's blocker or idea."""
    from govflow.workflow import engine

    if entry.item is None or decider is None:
        return []
    return [a for a in engine.available(entry.item, decider)
            if a.transition.decision or a.trigger.decision]


def recorded_late(meeting: Meeting, now: datetime | None = None) -> bool:
    """A held meeting written up more than a working day later: the engine wants a reason."""
    from govflow.decisions.services import RECORDING_GRACE_WORKING_DAYS, recording_delay

    return meeting.status == "held" and (
        recording_delay(meeting.starts_at, now or utcnow()) > RECORDING_GRACE_WORKING_DAYS
    )


def conflicts_text(meeting: Meeting, entry: AgendaItem) -> str:
    """Interests declared on this agenda item (or the whole meeting), for the decision record."""
    lines = []
    for c in meeting.conflicts:
        if c.agenda_item_id in (None, entry.id):
            who = c.user.display_name if c.user else c.person_name
            lines.append(f"{who}: {c.declaration}")
    return "\n".join(lines)


def present_members(meeting: Meeting) -> list[User]:
    return [a.user for a in meeting.attendance if a.user is not None and a.status == "present"]


def take_decision(meeting: Meeting, actor, entry: AgendaItem, *, trigger: str, decider_id,
                  fields: dict, version=None, now: datetime | None = None):
    """Record a decision taken at the meeting through the workflow engine (same checks, same
    decision log), tagged with the meeting. The decider must be present; the engine checks
    they may take it. The secretary who records it is kept in the event's details."""
    from govflow.workflow import engine

    _editable(meeting)
    _started(meeting, now)
    if entry.item is None:
        raise Refused("Decisions are taken on a blocker or an idea; this agenda item has none.")
    decider = db.session.get(User, id_or_none(decider_id)) if id_or_none(decider_id) else None
    if decider is None or decider not in present_members(meeting):
        raise Invalid("Choose who took the decision.",
                      field_errors={"decider": "Choose a member recorded as present"})
    fields = {k: v for k, v in (fields or {}).items() if v not in (None, "")}
    fields["recorded_by_id"] = actor.id
    if meeting.status == "held":
        # Written up after the meeting: it was decided when the meeting met.
        fields.setdefault("decided_at", meeting.starts_at)
    event = engine.fire(entry.item, trigger, decider, fields=fields, version=version, now=now,
                        meeting=meeting)
    _save(meeting)
    return event


def add_action(meeting: Meeting, actor, entry: AgendaItem | None, *, what: str, owner_id,
               sponsor_id, area_slug: str | None, due_on: date | None,
               now: datetime | None = None) -> SponsorAction:
    """A sponsor action agreed at the meeting, recorded through the sponsors' own use-case
    (same rules, history and notifications), tagged with the meeting and the agenda's item."""
    from govflow.sponsors.services import record_action

    _editable(meeting)
    _started(meeting, now)
    if meeting.forum.kind == "local":
        area_slug = meeting.forum.area.slug
    elif not area_slug and entry is not None and entry.item is not None:
        area_slug = entry.item.area.slug
    action = record_action(
        actor, area_slug=area_slug, what=what, due_on=due_on,
        sponsor_id=_int_or_none(sponsor_id), owner_id=_int_or_none(owner_id),
        item_id=entry.item_id if entry is not None else None, meeting_id=meeting.id,
        now=now,
    )
    _save(meeting)
    return action


def _int_or_none(value) -> int | None:
    return id_or_none(value)


def close_action(meeting: Meeting, actor, entry: AgendaItem, *, status: str, outcome_note: str,
                 now: datetime | None = None) -> SponsorAction:
    """A matter arising or overdue action reported done (or dropped) at the meeting."""
    from govflow.sponsors.services import complete_action, drop_action

    _editable(meeting)
    _started(meeting, now)
    action = entry.sponsor_action
    if action is None:
        raise Refused("This agenda item is not a sponsor action.")
    if status not in ("done", "dropped"):
        raise Invalid("Choose done or dropped.", field_errors={"status": "Choose done or dropped"})
    try:
        if status == "done":
            complete_action(action, actor, outcome=outcome_note, now=now)
        else:
            drop_action(action, actor, reason=outcome_note, now=now)
    except (Invalid, Unprocessable) as err:
        # The sponsors' use-case names the note "outcome" or "reason"; this form calls it
        # "outcome_note", so the message lands beside the right field.
        err.field_errors = {("outcome_note" if k in ("outcome", "reason") else k): v
                            for k, v in err.field_errors.items()}
        raise
    _save(meeting)
    return action


def _decisions_for(meeting: Meeting, entry: AgendaItem) -> list:
    from govflow.decisions.models import Decision

    if entry.item_id is None:
        return []
    return list(db.session.scalars(
        select(Decision).where(Decision.meeting_id == meeting.id, Decision.item_id == entry.item_id)
        .order_by(Decision.decided_at, Decision.id)
    ))


def _actions_for(meeting: Meeting, entry: AgendaItem) -> list[SponsorAction]:
    if entry.item_id is None:
        return []
    return list(db.session.scalars(
        select(SponsorAction).where(SponsorAction.meeting_id == meeting.id,
                                    SponsorAction.item_id == entry.item_id)
        .order_by(SponsorAction.id)
    ))


def decisions_at(meeting: Meeting) -> list:
    from govflow.decisions.models import Decision

    return list(db.session.scalars(
        select(Decision).where(Decision.meeting_id == meeting.id)
        .options(selectinload(Decision.item), selectinload(Decision.decided_by))
        .order_by(Decision.decided_at, Decision.id)
    ))


def later_corrections(meeting: Meeting) -> list:
    """Decision-log corrections of this meeting's decisions made after its minutes were
    approved: shown beside the archived minutes, which never change."""
    from govflow.decisions.models import Decision

    if meeting.approved_at is None:
        return []
    return list(db.session.scalars(
        select(Decision).where(Decision.meeting_id == meeting.id, Decision.supersedes_id.is_not(None),
                               Decision.recorded_at >= meeting.approved_at)
        .order_by(Decision.recorded_at, Decision.id)
    ))


def actions_at(meeting: Meeting) -> list[SponsorAction]:
    return list(db.session.scalars(
        select(SponsorAction).where(SponsorAction.meeting_id == meeting.id).order_by(SponsorAction.id)
    ))


# ---------------------------------------------------------------- closing and approving


def close_meeting(meeting: Meeting, actor, summary: str, version=None, now: datetime | None = None) -> Meeting:
    """The meeting has been held: a short summary is required; the minutes become a draft."""
    _editable(meeting)
    _check_version(meeting, version)
    _started(meeting, now)
    if meeting.status != "planned":
        raise Refused("This meeting has already been closed.")
    summary = (summary or "").strip()
    if not summary:
        raise Invalid("Write a short summary.", field_errors={"summary": "Write a short summary of the meeting"})
    _check({"summary": summary})
    meeting.summary = summary
    meeting.status = "held"
    meeting.closed_at = now or utcnow()
    _save(meeting)
    return meeting


def approve_minutes(meeting: Meeting, actor, version=None, now: datetime | None = None) -> Meeting:
    """Approve the minutes: render them once as PDF/A, store the bytes and their SHA-256,
    and lock the meeting. Every later download returns these exact bytes."""
    from govflow.forums import minutes
    from govflow.permissions import can

    _editable(meeting)
    _check_version(meeting, version)
    if meeting.status != "held":
        raise Refused("Close the meeting with a summary before its minutes are approved.")
    if not can(actor, "meeting.approve", meeting):
        if meeting.created_by_id == actor.id:
            raise Forbidden("You wrote these minutes, so you cannot approve them: the meeting's "
                            "chair (or a vice-chair named on the meeting) approves them.")
        raise Forbidden("Only the meeting's chair (or a vice-chair named on the meeting) can "
                        "approve these minutes.")
    now = now or utcnow()
    meeting.approved_at = now
    meeting.approved_by_id = actor.id
    meeting.approved_by = actor
    archived = minutes.render_approved_minutes(meeting)
    meeting.minutes_pdf = archived.pdf
    meeting.minutes_sha256 = archived.sha256
    meeting.minutes_fingerprint = archived.fingerprint
    # Into the meeting's chain, in the same transaction: its attendance, declarations and
    # agenda as approved, then the approval itself with the PDF's SHA-256.
    chain.seal_approved_minutes(db.session, meeting, now)
    meeting.status = "approved"
    chain.seal_approval(db.session, meeting, now)
    _save(meeting)
    return meeting


def add_addendum(meeting: Meeting, actor, body: str, now: datetime | None = None,
                 supersedes: MinutesAddendum | None = None) -> MinutesAddendum:
    """A correction to approved minutes, kept beside them: the stored minutes never change.
    An addendum is never edited either: `supersedes` names the one a new addendum corrects."""
    if meeting.status != "approved":
        raise Refused("These minutes are not approved yet: correct the draft itself.")
    body = (body or "").strip()
    if not body:
        raise Invalid("Write the correction.", field_errors={"body": "Write the correction"})
    _check({"body": body})
    if supersedes is not None:
        if supersedes.meeting_id != meeting.id:
            raise Invalid("That addendum is about another meeting.")
        if db.session.scalar(select(MinutesAddendum.id)
                             .where(MinutesAddendum.supersedes_id == supersedes.id)):
            raise Refused("That addendum has already been corrected.")
    row = MinutesAddendum(meeting_id=meeting.id, author_id=actor.id, body=body,
                          created_at=now or utcnow(),
                          supersedes_id=supersedes.id if supersedes is not None else None)
    db.session.add(row)
    db.session.flush()
    return row


# ---------------------------------------------------------------- guards


def _editable(meeting: Meeting) -> None:
    if meeting.status == "approved":
        raise Refused(
            f"The minutes of this meeting were approved on "
            f"{workdays.format_date(workdays.london_date(meeting.approved_at))} and are locked. "
            "Nothing in them can be changed: add an addendum to correct them.",
            locked=True,
        )


def _check_version(meeting: Meeting, version) -> None:
    if version in (None, ""):
        return
    try:
        seen = int(version)
    except (TypeError, ValueError):
        raise Invalid("The version sent with the form is not a number.") from None
    if seen != meeting.version:
        raise StaleVersion(
            "This meeting changed since you opened the page (someone edited its agenda, "
            "attendance or notes). Nothing you sent has been applied: check the latest "
            "version and try again.",
            current_version=meeting.version,
        )


def _save(meeting: Meeting) -> None:
    """Flush, bumping the meeting's version so approvals can tell the record changed."""
    flag_modified(meeting, "status")
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise StaleVersion(
            "Someone else changed this meeting at the same moment. Nothing you sent has been "
            "applied: reload the page and try again."
        ) from None


def agenda_has(meeting_id: int, item_id: int) -> bool:
    return bool(db.session.scalar(
        select(exists().where(AgendaItem.meeting_id == meeting_id, AgendaItem.item_id == item_id))
    ))
