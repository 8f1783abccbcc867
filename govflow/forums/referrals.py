"""Local to central: a local group refers an agenda item or a matter to the central forum
with a note; it goes on the central forum's next agenda under "Referred by local groups";
the central forum's answer comes back to the group's next agenda as a matter arising. Both
sets of minutes say so (govflow.forums.minutes). Services flush, never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select

from govflow.clock import utcnow
from govflow.domain_errors import Forbidden, Refused
from govflow.extensions import db
from govflow.forums import rules
from govflow.forums.models import AgendaItem, Forum, Meeting
from govflow.forums.referral_models import Referral
from govflow.permissions import can, can_view_item, local_group_of

CENTRAL_HEADING = "Referred by local groups"


def central_forum() -> Forum | None:
    return db.session.scalar(select(Forum).where(Forum.kind == "central", Forum.active)
                             .order_by(Forum.id).limit(1))


def local_forum_for(item) -> Forum | None:
    """The local group an item is referred for from its own page: its own area's (the
    access policy's answer, so the page, the rule and the service agree)."""
    return local_group_of(item)


def item_page_has(item_id, _user_id) -> dict:
    """For the item page's one statement of what it has (items.queries.item_page_has)."""
    return {"referrals": exists().where(Referral.item_id == item_id)}


def for_item(item) -> list[Referral]:
    """Every referral of the item to the central forum, newest first (its page lists them)."""
    return list(db.session.scalars(select(Referral).where(Referral.item_id == item.id)
                                   .order_by(Referral.referred_at.desc(), Referral.id.desc())))


def refer_to_central(actor, *, forum: Forum, note: str, meeting: Meeting | None = None,
                     entry: AgendaItem | None = None, item=None,
                     now: datetime | None = None) -> Referral:
    """Send an agenda item (or an item, from its page) up to the central forum with a note.
    It is put on the central forum's next meeting at once if that agenda is already built;
    otherwise the agenda builder picks it up."""
    now = now or utcnow()
    if not can(actor, "forum.refer", meeting or forum):
        raise Forbidden("Only the group's facilitators, its secretary or the meeting's chair "
                        "can refer a matter to the central forum.")
    central = central_forum()
    if central is None:
        raise Refused("There is no central forum to refer this to.")
    if meeting is not None:
        rules.editable(meeting)
        rules.started(meeting, now)
    if entry is not None:
        item = entry.item
    if item is not None and not can_view_item(actor, item):
        raise Refused("You cannot see that item.")
    if entry is None and item is not None and not item.is_open:
        raise Refused(f"This {item.kind} is no longer waiting on anyone, so there is nothing "
                      "for the central forum to decide.")
    note = rules.required_text("note", note, "Say what the central forum is asked.",
                               "Enter what you are asking the central forum", checked_as="notes")
    title = (entry.title if entry is not None else item.title if item is not None else "")
    if _already_waiting(forum, item, entry):
        raise Refused("This has already been referred to the central forum and is waiting "
                      "for its answer.")
    referral = Referral(from_forum_id=forum.id, from_meeting_id=meeting.id if meeting else None,
                        item_id=item.id if item is not None else None, to_forum_id=central.id,
                        title=title[:300], note=note, referred_by_id=actor.id, referred_at=now)
    db.session.add(referral)
    db.session.flush()
    if entry is not None:
        entry.referral_id = referral.id  # the group's own agenda item says where it went
    if meeting is not None:
        rules.save(meeting)
    _onto_next_central_agenda(central, referral, now)
    return referral


def _already_waiting(forum, item, entry) -> bool:
    if item is None and entry is None:
        return False
    if entry is not None and entry.referral_id is not None:
        return True
    same = (Referral.item_id == item.id) if item is not None else (Referral.title == entry.title)
    return bool(db.session.scalar(select(exists().where(
        Referral.from_forum_id == forum.id, Referral.answered_at.is_(None), same))))


def _onto_next_central_agenda(central: Forum, referral: Referral, now: datetime) -> None:
    meeting = db.session.scalar(select(Meeting).where(
        Meeting.forum_id == central.id, Meeting.status == "planned", Meeting.starts_at > now,
        Meeting.cancelled_at.is_(None)).order_by(Meeting.starts_at).limit(1))
    if meeting is None or (meeting.rhythm_id is not None and meeting.agenda_built_at is None):
        return  # its agenda is built later, and picks the referral up then
    meeting.forum = central
    rules.editable(meeting)
    same = next((a for a in meeting.agenda if referral.item_id and a.item_id == referral.item_id
                 and a.kind == "item" and a.referral_id is None), None)
    if same is not None:
        same.referral_id = referral.id  # already on it: now it is the group's referral too
    else:
        meeting.agenda.append(entry_for_central(referral, meeting))
    rules.save(meeting)


def entry_for_central(referral: Referral, meeting: Meeting) -> AgendaItem:
    return AgendaItem(position=max((a.position for a in meeting.agenda), default=0) + 1,
                      kind="item" if referral.item_id else "topic", item_id=referral.item_id,
                      title=referral.title, referral_id=referral.id)


def answer_referral(meeting: Meeting, actor, entry: AgendaItem, answer: str,
                    now: datetime | None = None) -> Referral:
    """The central forum's answer to a referral on its agenda: it goes back to the group's
    next agenda as a matter arising."""
    now = now or utcnow()
    rules.editable(meeting)
    rules.started(meeting, now)
    referral = entry.referral
    if referral is None or meeting.forum.kind != "central":
        raise Refused("This agenda item was not referred by a local group.")
    if referral.answered_at is not None:
        raise Refused("The central forum has already answered this referral.")
    answer = rules.required_text("answer", answer, "Write the central forum's answer.",
                                 "Enter the central forum's answer", checked_as="notes")
    referral.answer, referral.answered_by_id = answer, actor.id
    referral.answered_at, referral.answer_meeting_id = now, meeting.id
    rules.save(meeting)
    return referral


def referred_from(meeting: Meeting) -> list[Referral]:
    return list(db.session.scalars(select(Referral).where(Referral.from_meeting_id == meeting.id)
                                   .order_by(Referral.id)))


def waiting_for(forum: Forum, until: datetime) -> list[Referral]:
    """Central: referrals not answered yet (carried forward until they are)."""
    return list(db.session.scalars(select(Referral).where(
        Referral.to_forum_id == forum.id, Referral.answered_at.is_(None),
        Referral.referred_at <= until).order_by(Referral.referred_at, Referral.id)))


def answers_for(forum: Forum, until: datetime) -> list[Referral]:
    """Local: answers from the central forum not yet on one of this group's agendas."""
    on_agenda = select(AgendaItem.id).join(Meeting, Meeting.id == AgendaItem.meeting_id).where(
        AgendaItem.referral_id == Referral.id, AgendaItem.kind == "matter_arising",
        Meeting.forum_id == forum.id)
    return list(db.session.scalars(select(Referral).where(
        Referral.from_forum_id == forum.id, Referral.answered_at.is_not(None),
        Referral.answered_at <= until, ~exists(on_agenda))
        .order_by(Referral.answered_at, Referral.id)))


def _day(dt) -> str:
    from govflow import workdays

    return workdays.format_date(workdays.london_date(dt))


def minutes_entry(meeting: Meeting, entry: AgendaItem) -> dict | None:
    """What the minutes say about a referral on this agenda entry (plain values)."""
    r = entry.referral
    if r is None:
        return None
    answered_here = r.answer_meeting_id == meeting.id
    if meeting.forum.kind == "central":
        return {"label": CENTRAL_HEADING,
                "text": f"Referred by {r.from_forum.name} on {_day(r.referred_at)}: {r.note}",
                "answer": (f"Answer sent back to {r.from_forum.name}: {r.answer}"
                           if answered_here else "")}
    if entry.kind != "matter_arising":  # the item the group referred, at its own meeting
        return {"label": None, "answer": "",
                "text": f"Referred to {r.to_forum.name} on {_day(r.referred_at)}: {r.note}"}
    return {"label": "Matter arising: the central forum's answer",
            "text": f"Referred by this group on {_day(r.referred_at)}: {r.note}",
            "answer": (f"{r.to_forum.name} answered on {_day(r.answered_at)}: {r.answer}"
                       if r.answer else "")}


def minutes_referred_out(meeting: Meeting) -> list[dict]:
    return [{"title": r.title, "to": r.to_forum.name, "by": r.referred_by.display_name,
             "note": r.note} for r in referred_from(meeting)]
