"""Forum and meeting use-cases: set up forums, schedule meetings, edit the agenda, record
notes, decisions and actions, close, approve, correct. The agenda's own building is in
agenda_builder, attendance and declarations of interest in attendance, and the rules they
all keep (locked minutes, versions, text checks) in rules.

Services take plain values, raise domain errors and flush (the request or command that
calls them commits); they never touch Flask's request. Decisions go through the workflow
engine, tagged with the meeting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from govflow import workdays
from govflow.accounts.models import LocalArea, RoleAssignment, User
from govflow.accounts.services import set_role_holders
from govflow.clock import utcnow
from govflow.domain_errors import (
    Forbidden,
    Invalid,
    Refused,
    Unprocessable,
)
from govflow.edge import id_or_none
from govflow.extensions import db
from govflow.forums import rules
from govflow.forums.agenda_builder import build_agenda
from govflow.forums.models import (
    AgendaItem,
    Forum,
    Meeting,
    MinutesAddendum,
)
from govflow.items.models import Item
from govflow.permissions import can_view_item
from govflow.records import chain
from govflow.sponsors.models import SponsorAction

AGENDA_KIND_LABELS = {
    "item": "Escalated item",
    "sponsor_action": "Overdue sponsor action",
    "matter_arising": "Matter arising",
    "topic": "Topic",
}
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
DEFAULT_LENGTH = timedelta(hours=2)


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
    rules.check({"name": name, "place": place}, personal_data=False)
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
    set_role_holders("secretary", secretary_ids, forum_id=forum.id)
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
    rules.check({"place": place}, personal_data=False)
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
    rules.editable(meeting)
    rules.check_version(meeting, version)
    if meeting.status != "planned":
        raise Refused("This meeting has been held, so its date, place and chair can no longer change.")
    starts, ends = _when(details)
    place = (details.place or "").strip()
    rules.check({"place": place}, personal_data=False)
    meeting.starts_at, meeting.ends_at, meeting.place = starts, ends, place
    meeting.chair_id = _chair(meeting.forum, details.chair_id).id
    meeting.vice_chair_id = _vice_chair(meeting.forum, details)
    rules.save(meeting)
    return meeting


def refresh_agenda(meeting: Meeting, actor) -> int:
    """Add anything that has reached the forum since the agenda was built."""
    rules.editable(meeting)
    added = build_agenda(meeting)
    rules.save(meeting)
    return added


# ---------------------------------------------------------------- editing the agenda


def add_topic(meeting: Meeting, actor, title: str, notes: str = "") -> AgendaItem:
    rules.editable(meeting)
    title = (title or "").strip()
    if not title:
        raise Invalid("Enter the topic.", field_errors={"title": "Enter the topic"})
    rules.check({"title": title, "notes": notes or ""})
    entry = AgendaItem(position=_next_position(meeting), kind="topic", title=title, notes=notes or "")
    meeting.agenda.append(entry)
    rules.save(meeting)
    return entry


def add_item(meeting: Meeting, actor, item_ref: str) -> AgendaItem:
    """Put a blocker or idea on the agenda by its number (e.g. "12" or "#12")."""
    rules.editable(meeting)
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
    rules.save(meeting)
    return entry


def _next_position(meeting: Meeting) -> int:
    return max((a.position for a in meeting.agenda), default=0) + 1


def _renumber(meeting: Meeting, ordered: list[AgendaItem]) -> None:
    for position, entry in enumerate(ordered, start=1):
        entry.position = position


def remove_agenda_item(meeting: Meeting, actor, entry: AgendaItem) -> None:
    rules.editable(meeting)
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
    rules.save(meeting)


def move_agenda_item(meeting: Meeting, actor, entry: AgendaItem, direction: str) -> None:
    rules.editable(meeting)
    ordered = sorted(meeting.agenda, key=lambda a: a.position)
    index = ordered.index(entry)
    target = index - 1 if direction == "up" else index + 1 if direction == "down" else None
    if target is None:
        raise Invalid("Choose up or down.")
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
    _renumber(meeting, ordered)
    rules.save(meeting)


def save_notes(meeting: Meeting, actor, entry: AgendaItem, notes: str) -> None:
    rules.editable(meeting)
    rules.check({"notes": notes or ""})
    entry.notes = (notes or "").strip()
    rules.save(meeting)


# ---------------------------------------------------------------- decisions and actions


def decision_triggers(entry: AgendaItem, decider, meeting: Meeting | None = None) -> list:
    """The decision-making triggers open to `decider` on the agenda item's blocker or idea;
    at a local group's meeting, escalating too (what the group cannot decide goes up)."""
    from govflow.workflow import engine

    if entry.item is None or decider is None:
        return []
    local = meeting is not None and meeting.forum.kind == "local"
    return [a for a in engine.available(entry.item, decider) if a.transition.decision
            or a.trigger.decision or (local and a.trigger.name == "escalate")]


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

    rules.editable(meeting)
    rules.started(meeting, now)
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
    rules.save(meeting)
    return event


def add_action(meeting: Meeting, actor, entry: AgendaItem | None, *, what: str, owner_id,
               sponsor_id, area_slug: str | None, due_on: date | None,
               now: datetime | None = None) -> SponsorAction:
    """A sponsor action agreed at the meeting, recorded through the sponsors' own use-case
    (same rules, history and notifications), tagged with the meeting and the agenda's item."""
    from govflow.sponsors.services import record_action

    rules.editable(meeting)
    rules.started(meeting, now)
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
    rules.save(meeting)
    return action


def _int_or_none(value) -> int | None:
    return id_or_none(value)


def close_action(meeting: Meeting, actor, entry: AgendaItem, *, status: str, outcome_note: str,
                 now: datetime | None = None) -> SponsorAction:
    """A matter arising or overdue action reported done (or dropped) at the meeting."""
    from govflow.sponsors.services import complete_action, drop_action

    rules.editable(meeting)
    rules.started(meeting, now)
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
    rules.save(meeting)
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
        .options(selectinload(Decision.item), selectinload(Decision.decided_by),
                 selectinload(Decision.event))  # "as deputy for …", kept on the event
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
    rules.editable(meeting)
    rules.check_version(meeting, version)
    rules.started(meeting, now)
    if meeting.status != "planned":
        raise Refused("This meeting has already been closed.")
    summary = rules.required_text("summary", summary, "Write a short summary.",
                                  "Write a short summary of the meeting")
    meeting.summary = summary
    meeting.status = "held"
    meeting.closed_at = now or utcnow()
    rules.save(meeting)
    return meeting


def approve_minutes(meeting: Meeting, actor, version=None, now: datetime | None = None) -> Meeting:
    """Approve the minutes: render them once as PDF/A, store the bytes and their SHA-256,
    and lock the meeting. Every later download returns these exact bytes."""
    from govflow.forums import minutes
    from govflow.permissions import can

    rules.editable(meeting)
    rules.check_version(meeting, version)
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
    rules.save(meeting)
    return meeting


def add_addendum(meeting: Meeting, actor, body: str, now: datetime | None = None,
                 supersedes: MinutesAddendum | None = None) -> MinutesAddendum:
    """A correction to approved minutes, kept beside them: the stored minutes never change.
    An addendum is never edited either: `supersedes` names the one a new addendum corrects."""
    if meeting.status != "approved":
        raise Refused("These minutes are not approved yet: correct the draft itself.")
    body = rules.required_text("body", body, "Write the correction.", "Write the correction")
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


def agenda_has(meeting_id: int, item_id: int) -> bool:
    return bool(db.session.scalar(
        select(exists().where(AgendaItem.meeting_id == meeting_id, AgendaItem.item_id == item_id))
    ))
