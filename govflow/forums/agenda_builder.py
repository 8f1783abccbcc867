"""The agenda builds itself: what reaches a forum between its meetings (matters arising,
escalated blockers and flagged ones, ideas awaiting its decision, overdue sponsor actions)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select, true

from govflow import workdays
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.forums.models import AgendaItem, Meeting
from govflow.items.models import Event, Item, ItemArea
from govflow.items.queries import OPEN_STATES
from govflow.sponsors.models import SponsorAction
from govflow.workflow import vocabulary

IDEA_WAITING_STATES = vocabulary.waiting_states("idea")


def previous_meeting(meeting: Meeting, now: datetime | None = None) -> Meeting | None:
    """The forum's last meeting before this one that has met (or is meeting) by `now`: a
    planned meeting still to come, or a cancelled one, is not where anything was discussed,
    so what reached the forum before it still belongs on this agenda too."""
    return db.session.scalar(
        select(Meeting)
        .where(
            Meeting.forum_id == meeting.forum_id,
            Meeting.id != meeting.id,
            Meeting.starts_at < meeting.starts_at,
            Meeting.starts_at <= (now or utcnow()),
            Meeting.cancelled_at.is_(None),
        )
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class Candidate:
    """An agenda entry waiting for its place: its fields are the AgendaItem's own."""

    kind: str
    title: str
    item_id: int | None = None
    sponsor_action_id: int | None = None
    notes: str = ""
    referral_id: int | None = None


def _in_area(area_id: int):
    extra = select(ItemArea.item_id).where(ItemArea.area_id == area_id)
    return or_(Item.area_id == area_id, Item.id.in_(extra))


def agenda_candidates(meeting: Meeting, now: datetime | None = None) -> list[Candidate]:
    """What a new meeting's draft agenda holds, in order: matters arising (open actions from
    earlier meetings of this forum), items escalated to the forum's level since its last
    meeting (and items flagged for the forum), ideas awaiting its decision, overdue actions."""
    forum = meeting.forum
    previous = previous_meeting(meeting, now)
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
    out += _referrals(forum, until)

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
    # An item referred by a local group is on the agenda once, as the referral.
    seen_items: set[int] = {c.item_id for c in out if c.referral_id and c.kind == "item"}
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
    standing = _adopted_elsewhere(forum)
    if standing is not None:
        out.append(standing)
    return out


ADOPTED_ELSEWHERE = "Adopted elsewhere, not yet tried here"


def _adopted_elsewhere(forum) -> Candidate | None:
    """The standing item: ideas adopted in other areas that this forum's area (a local
    group) or some area (the central forum) has not tried yet, from the library."""
    from govflow.learning import queries as learning

    if forum.kind == "local":
        ideas = [f"{title} (adopted in {area})"
                 for _id, title, area in learning.not_tried_in(forum.area_id)]
    else:
        ideas = [f"{row.title} (adopted in {row.area_name}; tried in {row.tried} of "
                 f"{row.areas - 1} other areas)"
                 for row in learning.spread(None, unrestricted=True)
                 if row.tried < row.areas - 1]
    if not ideas:
        return None
    return Candidate("topic", ADOPTED_ELSEWHERE, notes="\n".join(f"- {i}" for i in ideas))


def _referrals(forum, until: datetime) -> list[Candidate]:
    """Central: what local groups referred to it, until answered. Local: the central
    forum's answers to what the group referred, as matters arising."""
    from govflow.forums import referrals

    if forum.kind == "central":
        return [Candidate("item" if r.item_id else "topic", r.title, r.item_id, referral_id=r.id)
                for r in referrals.waiting_for(forum, until)]
    return [Candidate("matter_arising", f"Answer from the central forum: {r.title}"[:300],
                      r.item_id, referral_id=r.id) for r in referrals.answers_for(forum, until)]


def _already_on(meeting: Meeting) -> set[tuple]:
    return {_key(a) for a in meeting.agenda}


def _key(c) -> tuple:
    """What makes an agenda entry (or a candidate) the same as another: its referral, its
    item, its sponsor action, or a topic's title."""
    if getattr(c, "referral_id", None) is not None:
        return ("referral", c.referral_id)
    if c.kind == "item":
        return ("item", c.item_id)
    if c.kind == "topic":
        return ("topic", c.title)
    return (c.kind, c.sponsor_action_id)


def _on_agenda(meeting: Meeting) -> set[tuple]:
    present = _already_on(meeting)
    # A sponsor action appears once whether as a matter arising or as overdue.
    present |= {("matter_arising", a.sponsor_action_id) for a in meeting.agenda if a.sponsor_action_id}
    present |= {("sponsor_action", a.sponsor_action_id) for a in meeting.agenda if a.sponsor_action_id}
    present |= {("referral", a.referral_id) for a in meeting.agenda if a.referral_id}
    present |= {("item", a.item_id) for a in meeting.agenda if a.kind == "item" and a.item_id}
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
        meeting.agenda.append(AgendaItem(position=position, **asdict(candidate)))
        added += 1
    return added


# ---------------------------------------------------------------- the agenda's item picker

PICKER_SIZE = 25


@dataclass(frozen=True)
class Pickable:
    """An open blocker or idea the secretary may put on the agenda, as the picker shows it."""

    id: int
    kind: str
    title: str
    area: str
    tier: str
    state: str


def pickable_items(meeting: Meeting, user, words: str = "") -> list[Pickable]:
    """Open blockers and ideas this person may see and may put on the agenda (a local group's
    in its own area), not on it already: those matching `words` best first (the search box's
    full-text search), or with no words the most recently active."""
    from govflow.accounts.models import LocalArea
    from govflow.permissions import visibility_clause
    from govflow.search import queries as search

    on_agenda = [a.item_id for a in meeting.agenda if a.item_id is not None]
    query = (select(Item.id, Item.kind, Item.title, LocalArea.name, Item.tier, Item.state)
             .join(LocalArea, LocalArea.id == Item.area_id)
             .where(Item.state.in_(OPEN_STATES), visibility_clause(user),
                    Item.id.not_in(on_agenda)))
    forum = meeting.forum
    if forum.kind == "local" and forum.area_id is not None:
        query = query.where(_in_area(forum.area_id))
    if not search.words_of(words):
        rows = db.session.execute(
            query.order_by(Item.last_event_at.desc(), Item.id.desc()).limit(PICKER_SIZE)).all()
        return [Pickable(*row) for row in rows]
    hits = search.search(user, search.SearchFilters(words=words), ["blocker", "idea"],
                         area_id=None, first=1, last=search.CAP)
    rank = {h.ref_id: (h.position, h.kind) for h in hits}
    rows = db.session.execute(query.where(Item.id.in_(list(rank)))).all()
    rows.sort(key=lambda row: rank[row[0]][0])
    return [Pickable(*row) for row in rows[:PICKER_SIZE]]
